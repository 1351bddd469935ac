import { describe, expect, it } from 'vitest';
import { audienceOf, type AudienceDraft } from './components/AudiencePicker';
import { alertState } from './components/AlertParts';

const draft = (patch: Partial<AudienceDraft>): AudienceDraft => ({ kind: 'unit', unitId: '', teamIds: [], roles: [], areaId: '', ...patch });

describe('audienceOf', () => {
  it('gives the API exactly the fields of the chosen kind', () => {
    expect(audienceOf(draft({ kind: 'unit', unitId: '3', teamIds: [1], areaId: '9' }))).toEqual({ kind: 'unit', unit_id: 3 });
    expect(audienceOf(draft({ kind: 'on_duty', unitId: '3' }))).toEqual({ kind: 'on_duty', unit_id: 3 });
    expect(audienceOf(draft({ kind: 'teams', teamIds: [4, 5], unitId: '3' }))).toEqual({ kind: 'teams', team_ids: [4, 5] });
    expect(audienceOf(draft({ kind: 'roles', unitId: '3', roles: ['member'] }))).toEqual({ kind: 'roles', unit_id: 3, roles: ['member'] });
    expect(audienceOf(draft({ kind: 'area', areaId: '9' }))).toEqual({ kind: 'area', area_id: 9 });
    expect(audienceOf(draft({ kind: 'area_today', areaId: '9' }))).toEqual({ kind: 'area_today', area_id: 9 });
  });

  it('is null while something the kind needs is missing (no preview is asked for)', () => {
    expect(audienceOf(draft({ kind: 'unit' }))).toBeNull();
    expect(audienceOf(draft({ kind: 'teams' }))).toBeNull();
    expect(audienceOf(draft({ kind: 'roles', unitId: '3' }))).toBeNull();
    expect(audienceOf(draft({ kind: 'area_today', unitId: '3' }))).toBeNull();
  });
});

describe('alertState', () => {
  it('says why an alert takes no answers: cancelled before expired', () => {
    expect(alertState({ status: 'active', is_open: true })).toBe('open');
    expect(alertState({ status: 'active', is_open: false })).toBe('expired');
    expect(alertState({ status: 'cancelled', is_open: false })).toBe('cancelled');
  });
});
