import type { AuditQuery } from './api';

export interface AuditFilters {
  action: string;
  subject_type: string;
  /** yyyy-mm-dd from a date input, in the phone's time zone. */
  since: string;
  until: string;
}

/** A local calendar day's start as an aware ISO time (the API wants time zones). */
function startOfDay(day: string, offsetDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + offsetDays);
  return date.toISOString();
}

/** The list's query: `until` includes the whole of its day. */
export function auditQuery(filters: AuditFilters): AuditQuery {
  return {
    action: filters.action || undefined,
    subject_type: filters.subject_type || undefined,
    since: startOfDay(filters.since),
    until: startOfDay(filters.until, 1),
    sort: '-at',
  };
}
