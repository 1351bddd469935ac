import { call, callPage, client } from '../../api/client';
import { downloadExport } from '../../api/download';
import type { paths } from '../../api/schema';
import type { Schemas } from '../../api/types';
import type { Fix } from '../../map/position';

export type Attendance = Schemas['Attendance'];
export type OnDuty = Schemas['OnDuty'];
export type MemberHours = Schemas['MemberHours'];
export type Position = NonNullable<Attendance['check_in_position']>;
export type Punctuality = NonNullable<Attendance['punctuality']>;

/** What the phone sends with a check-in or check-out. */
export interface Presence {
  fix: Fix | null;
  /** The phone's clock when tapped. */
  device_at: string;
  /** Queued without signal: the server then keeps device_at as the moment, flagged. */
  recorded_offline: boolean;
}

export type PresenceKind = 'check-in' | 'check-out';

/** Check in or out now; the key makes a retry after a lost answer harmless. */
export function sendPresence(kind: PresenceKind, shiftId: number, presence: Presence, key: string) {
  const options = { params: { path: { shift_id: shiftId } }, body: presence, headers: { 'Idempotency-Key': key } };
  return kind === 'check-in'
    ? call(() => client.POST('/api/v1/shifts/{shift_id}/check-in', options))
    : call(() => client.POST('/api/v1/shifts/{shift_id}/check-out', options));
}

export const shiftAttendance = (shiftId: number) =>
  call(() => client.GET('/api/v1/shifts/{shift_id}/attendance', { params: { path: { shift_id: shiftId } } }));

/** A leader's check-in (or out) for a member without a smartphone, or a coordinator's correction. */
export const actOnAttendance = (shiftId: number, userId: number, action: Schemas['AttendanceAction']) =>
  call(() => client.POST('/api/v1/shifts/{shift_id}/attendance/{user_id}', { params: { path: { shift_id: shiftId, user_id: userId } }, body: action }));

export const onDuty = (unitId: number, page: number) =>
  callPage(() => client.GET('/api/v1/units/{unit_id}/on-duty', { params: { path: { unit_id: unitId }, query: { page, page_size: 100 } } }));

export const myHours = (month: string) => call(() => client.GET('/api/v1/hours', { params: { query: { month } } }));

export const unitHours = (unitId: number, month: string, page: number) =>
  callPage(() => client.GET('/api/v1/units/{unit_id}/hours', { params: { path: { unit_id: unitId }, query: { month, page, page_size: 50 } } }));

// ---- the hours export (GET /hours/export?format=csv|xlsx&month&unit_id)
type ExportQuery = NonNullable<paths['/api/v1/hours/export']['get']['parameters']['query']>;
export type ExportFormat = NonNullable<ExportQuery['format']>;
const EXPORT_PATH = '/api/v1/hours/export' satisfies keyof paths;

/** Download a unit's hours for a month (a file now, or a job whose link arrives in the inbox). */
export function exportHours(query: ExportQuery): Promise<'downloaded' | 'queued'> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return downloadExport(EXPORT_PATH, params, `hours-${query.month}.${query.format ?? 'csv'}`);
}
