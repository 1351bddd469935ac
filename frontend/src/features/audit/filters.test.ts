import { describe, expect, it } from 'vitest';
import { auditQuery } from './filters';

describe('audit filters', () => {
  it('leaves out what is not chosen', () => {
    expect(auditQuery({ action: '', subject_type: '', since: '', until: '' })).toEqual({ sort: '-at' });
  });

  it('turns days into times, the "until" day included', () => {
    const query = auditQuery({ action: 'sign_in', subject_type: 'user', since: '2026-03-01', until: '2026-03-01' });
    expect(query.action).toBe('sign_in');
    expect(new Date(query.until!).getTime() - new Date(query.since!).getTime()).toBe(24 * 3600 * 1000);
    expect(new Date(query.since!).getDate()).toBe(1);
  });
});
