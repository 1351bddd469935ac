import { describe, expect, it } from 'vitest';
import { loginUrl, safeNext } from './navigation';

const ORIGIN = 'https://patrol.example';

describe('after sign-in', () => {
  it('goes back to a path on this site', () => {
    expect(safeNext('/teams/3?tab=x', ORIGIN)).toBe('/teams/3?tab=x');
  });

  it('never leaves the site, however the address is disguised', () => {
    for (const next of ['//evil.example/', '/\\evil.example', 'https://evil.example/', '/\\/evil.example', 'javascript:alert(1)', '', undefined])
      expect(safeNext(next, ORIGIN)).toBe('/');
  });

  it('asks to come back only to screens other than home and sign-in', () => {
    expect(loginUrl('/')).toBe('/login');
    expect(loginUrl('/login?next=%2Fsettings')).toBe('/login');
    expect(loginUrl('/approvals')).toBe('/login?next=%2Fapprovals');
  });
});
