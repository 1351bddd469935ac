/** Texts for the server's report enums (status, severity, actions, timeline entries): typed maps, never built keys. */
import type { Action, Event, ReportStatus, Severity, Sort } from './api';
import { t } from './i18n';

type Key = Parameters<typeof t>[0];

export const STATUS_LABEL = {
  submitted: 'status.submitted',
  accepted: 'status.accepted',
  rejected: 'status.rejected',
  duplicate: 'status.duplicate',
  dispatched: 'status.dispatched',
  in_progress: 'status.in_progress',
  resolved: 'status.resolved',
  closed: 'status.closed',
} as const satisfies Record<ReportStatus, Key>;

export const SEVERITY_LABEL = { low: 'severity.low', medium: 'severity.medium', high: 'severity.high' } as const satisfies Record<Severity, Key>;
export const SEVERITY_HINT = { low: 'severityHint.low', medium: 'severityHint.medium', high: 'severityHint.high' } as const satisfies Record<Severity, Key>;

export const ACTION_LABEL = {
  accept: 'action.accept',
  reject: 'action.reject',
  mark_duplicate: 'action.mark_duplicate',
  dispatch: 'action.dispatch',
  return: 'action.return',
  start: 'action.start',
  resolve: 'action.resolve',
  close: 'action.close',
  reopen: 'action.reopen',
  request_reopen: 'action.request_reopen',
} as const satisfies Record<Action, Key>;

const EVENT_LABEL: Record<string, Key> = {
  created: 'event.created',
  accept: 'event.accept',
  reject: 'event.reject',
  mark_duplicate: 'event.mark_duplicate',
  dispatch: 'event.dispatch',
  return: 'event.return',
  start: 'event.start',
  resolve: 'event.resolve',
  close: 'event.close',
  reopen: 'event.reopen',
  request_reopen: 'event.request_reopen',
  overdue: 'event.overdue',
  escalated: 'event.escalated',
};

/** A timeline entry's action in words; one this version does not know shows its new status instead. */
export function eventText(event: Event): string {
  const key = EVENT_LABEL[event.action];
  if (key) return t(key);
  return event.to_status ? t(STATUS_LABEL[event.to_status]) : event.action;
}

export const ACTOR_LABEL = {
  officer: 'actor.officer',
  handler: 'actor.handler',
  reporter: 'actor.reporter',
  system: 'actor.system',
} as const satisfies Record<Event['actor_role'], Key>;

export const SORT_LABEL = {
  '-created_at': 'sort.-created_at',
  created_at: 'sort.created_at',
  '-updated_at': 'sort.-updated_at',
  due_at: 'sort.due_at',
  '-due_at': 'sort.due_at',
  updated_at: 'sort.-updated_at',
} as const satisfies Record<Sort, Key>;

/** Where a case stands, for the colour of its badge (always with words). */
export function statusKind(status: ReportStatus): 'ok' | 'warn' | 'muted' | 'info' | 'bad' {
  if (status === 'submitted') return 'warn';
  if (status === 'resolved' || status === 'closed') return 'ok';
  if (status === 'rejected' || status === 'duplicate') return 'muted';
  return 'info';
}
