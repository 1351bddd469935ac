/**
 * The queue's filters, kept in the address (so a filtered list can be bookmarked, shared, and
 * survives a reload) and turned into the API's query for the list, the map and the export.
 * In the address lists are comma-separated (`status=submitted,accepted`); the API takes repeated keys.
 */
import type { FilterQuery, ReportStatus, Severity, Sort } from './api';

export const STATUSES: ReportStatus[] = ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'];
export const SEVERITIES: Severity[] = ['high', 'medium', 'low'];
export const SORTS: Sort[] = ['-created_at', 'created_at', '-updated_at', 'due_at'];

export interface Filters {
  status: ReportStatus[];
  severity: Severity[];
  category: number[];
  unit?: number;
  department?: number;
  team?: number;
  overdue: boolean;
  /** Local dates, yyyy-mm-dd, both included. */
  from?: string;
  to?: string;
  sort: Sort;
}

export const NO_FILTERS: Filters = { status: [], severity: [], category: [], overdue: false, sort: '-created_at' };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const id = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};
const list = (value: string | undefined): string[] => (value ? value.split(',').filter(Boolean) : []);
const oneOf = <T extends string>(allowed: readonly T[]) => (value: string): value is T => (allowed as readonly string[]).includes(value);

/** The filters in an address's query; anything unknown or malformed is left out. */
export function filtersFromQuery(query: Record<string, string | undefined>): Filters {
  return {
    status: list(query.status).filter(oneOf(STATUSES)),
    severity: list(query.severity).filter(oneOf(SEVERITIES)),
    category: list(query.category).map(id).filter((n): n is number => n !== undefined),
    unit: id(query.unit),
    department: id(query.department),
    team: id(query.team),
    overdue: query.overdue === '1',
    from: query.from && DATE.test(query.from) ? query.from : undefined,
    to: query.to && DATE.test(query.to) ? query.to : undefined,
    sort: query.sort && oneOf(SORTS)(query.sort) ? query.sort : '-created_at',
  };
}

/** The address's query for these filters (defaults left out, so a plain queue is just /reports/queue). */
export function filtersToSearch(f: Filters): string {
  const out = new URLSearchParams();
  if (f.status.length) out.set('status', f.status.join(','));
  if (f.severity.length) out.set('severity', f.severity.join(','));
  if (f.category.length) out.set('category', f.category.join(','));
  if (f.unit) out.set('unit', String(f.unit));
  if (f.department) out.set('department', String(f.department));
  if (f.team) out.set('team', String(f.team));
  if (f.overdue) out.set('overdue', '1');
  if (f.from) out.set('from', f.from);
  if (f.to) out.set('to', f.to);
  if (f.sort !== '-created_at') out.set('sort', f.sort);
  const text = out.toString();
  return text ? '?' + text : '';
}

/** Midnight of a local date, as the instant the server compares with. */
function startOfDay(date: string, plusDays = 0): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** The API's query (the queue's box): `since` from the first day's start, `until` before the day after the last. */
export function filtersToApi(f: Filters): FilterQuery {
  return {
    box: 'queue',
    ...(f.status.length ? { status: f.status } : {}),
    ...(f.severity.length ? { severity: f.severity } : {}),
    ...(f.category.length ? { category_id: f.category } : {}),
    ...(f.unit ? { unit_id: f.unit } : {}),
    ...(f.department ? { department_id: f.department } : {}),
    ...(f.team ? { team_id: f.team } : {}),
    ...(f.overdue ? { overdue: true } : {}),
    ...(f.from ? { since: startOfDay(f.from) } : {}),
    ...(f.to ? { until: startOfDay(f.to, 1) } : {}),
  };
}

/** The same query as the export's URL parameters (lists as repeated keys). */
export function apiParams(query: FilterQuery): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value) out.append(key, String(item));
    else if (value !== undefined) out.set(key, String(value));
  }
  return out;
}

/** How many filters are set (the "filters (3)" button). */
export function countFilters(f: Filters): number {
  return [f.status.length, f.severity.length, f.category.length, f.unit, f.department, f.team, f.overdue, f.from, f.to].filter(Boolean).length;
}
