import { computed } from '@preact/signals';
import { myEntries, type OutboxEntry } from '../../../outbox/page';

/** The outbox's kinds for reports (its screen names them). */
export const REPORT_KINDS = ['report', 'report_photo', 'report_resolve'];

/** The signed-in user's report writes still on this phone (waiting, or refused). */
export const waitingReports = computed(() => myEntries.value.filter((entry) => REPORT_KINDS.includes(entry.kind)));

/** Entries for one case that exists on the server (photos, a resolve), by its id. */
export function waitingFor(reportId: number): OutboxEntry[] {
  return waitingReports.value.filter((entry) => Number(entry.label.report_id) === reportId || entry.path.includes(`/reports/${reportId}/`));
}
