/** Texts for the notification kinds the server sends. */
import type { NotificationKind } from './api';
import { t } from './i18n';

export const KIND_LABEL = {
  alert: 'kind.alert',
  alert_updated: 'kind.alert_updated',
  alert_cancelled: 'kind.alert_cancelled',
  alert_reminder: 'kind.alert_reminder',
  shifts_open: 'kind.shifts_open',
  shift_reminder: 'kind.shift_reminder',
  shift_changed: 'kind.shift_changed',
  shift_cancelled: 'kind.shift_cancelled',
  waitlist_promoted: 'kind.waitlist_promoted',
  drop_requested: 'kind.drop_requested',
  swap_taken: 'kind.swap_taken',
  swap_done: 'kind.swap_done',
  no_show: 'kind.no_show',
  test: 'kind.test',
  report_new: 'kind.report_new',
  report_update: 'kind.report_update',
  report_assigned: 'kind.report_assigned',
  report_staff: 'kind.report_staff',
  report_overdue: 'kind.report_overdue',
  export_ready: 'kind.export_ready',
} as const satisfies Record<NotificationKind, Parameters<typeof t>[0]>;
