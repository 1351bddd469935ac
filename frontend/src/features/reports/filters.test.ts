import { describe, expect, it } from 'vitest';
import { NO_FILTERS, apiParams, countFilters, filtersFromQuery, filtersToApi, filtersToSearch } from './filters';

describe('queue filters', () => {
  it('go into the address and come back the same', () => {
    const f = { ...NO_FILTERS, status: ['submitted' as const, 'accepted' as const], category: [3, 5], unit: 7, overdue: true, from: '2026-11-01', sort: 'due_at' as const };
    const search = filtersToSearch(f);
    expect(search).toBe('?status=submitted%2Caccepted&category=3%2C5&unit=7&overdue=1&from=2026-11-01&sort=due_at');
    const back = filtersFromQuery(Object.fromEntries(new URLSearchParams(search)));
    expect(back).toEqual({ ...f, department: undefined, team: undefined, to: undefined });
  });

  it('leave a plain queue without a query', () => {
    expect(filtersToSearch(NO_FILTERS)).toBe('');
    expect(countFilters(NO_FILTERS)).toBe(0);
  });

  it('drop what is unknown or malformed in a shared link', () => {
    const f = filtersFromQuery({ status: 'submitted,bogus', severity: 'high,urgent', category: '2,x,-1', unit: 'abc', from: '1.11.2026', sort: 'name' });
    expect(f.status).toEqual(['submitted']);
    expect(f.severity).toEqual(['high']);
    expect(f.category).toEqual([2]);
    expect(f.unit).toBeUndefined();
    expect(f.from).toBeUndefined();
    expect(f.sort).toBe('-created_at');
  });

  it('become the API query: lists as repeated keys, the last day included', () => {
    const query = filtersToApi({ ...NO_FILTERS, status: ['submitted', 'accepted'], severity: ['high'], department: 4, from: '2026-11-02', to: '2026-11-02' });
    expect(query.status).toEqual(['submitted', 'accepted']);
    expect(query.box).toBe('queue');
    // a whole local day: from its midnight to the next midnight
    expect(new Date(query.until!).getTime() - new Date(query.since!).getTime()).toBe(24 * 3600_000);
    expect(new Date(query.since!).getHours()).toBe(0);
    const params = apiParams(query);
    expect(params.getAll('status')).toEqual(['submitted', 'accepted']);
    expect(params.get('department_id')).toBe('4');
    expect(params.has('overdue')).toBe(false);
  });
});
