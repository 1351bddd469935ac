/**
 * Checking in and out from the phone: the position, the tap's time, sending now or (without
 * signal) through the outbox, and what this phone remembers of the user's own attendance so
 * the home screen shows "checked in" (or "waiting to send") after a restart or offline.
 */
import { signal } from '@preact/signals';
import { offline } from '../../api/connectivity';
import { ApiError } from '../../api/errors';
import { storage } from '../../lib/storage';
import { getPosition, type Fix, type NoFixReason, type PositionResult } from '../../map/position';
import { USER_KEY_PREFIX } from '../session/userData';
import { me } from '../session/state';
import { monthOf, localDay } from '../shifts/time';
import { myHours, sendPresence, type Attendance, type Presence, type PresenceKind } from './api';

/** Check-in opens this long before the start (the server's ATTENDANCE_OPENS_MINUTES default). */
export const CHECK_IN_OPENS_MINUTES = 60;

interface ShiftTimes {
  id: number;
  starts_at: string;
  ends_at: string;
  status: 'scheduled' | 'cancelled';
}

export function opensAt(shift: ShiftTimes): Date {
  return new Date(new Date(shift.starts_at).getTime() - CHECK_IN_OPENS_MINUTES * 60000);
}

/** From an hour before the start to the end. The server says `not_due` otherwise; this only decides what to show. */
export function isDue(shift: ShiftTimes, now: Date): boolean {
  return shift.status === 'scheduled' && now >= opensAt(shift) && now <= new Date(shift.ends_at);
}

export interface Queued {
  kind: PresenceKind;
  /** The tap's time (the phone's clock). */
  at: string;
}

export interface Kept {
  record?: Attendance;
  queued?: Queued[];
  /** Forgotten a day after this (the shift's end). */
  until: string;
}

const KEY = USER_KEY_PREFIX + 'attendance';
const DAY = 86400000;

function load(): Record<string, Kept> {
  try {
    const value: unknown = JSON.parse(storage.get(KEY) ?? '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, Kept>) : {};
  } catch {
    return {};
  }
}

/** Per user and shift ("12:345"): a shared phone never shows one person's check-in to the next. */
const kept = signal<Record<string, Kept>>(load());

const keyOf = (shiftId: number) => `${me.peek()?.id ?? 0}:${shiftId}`;

export function keptFor(shiftId: number): Kept | undefined {
  return kept.value[`${me.value?.id ?? 0}:${shiftId}`];
}

function update(shift: ShiftTimes, change: (old: Kept) => Kept): void {
  const now = Date.now();
  const next: Record<string, Kept> = {};
  for (const [key, value] of Object.entries(kept.peek())) if (Date.parse(value.until) + DAY > now) next[key] = value;
  const key = keyOf(shift.id);
  next[key] = change(next[key] ?? { until: shift.ends_at });
  kept.value = next;
  storage.set(KEY, JSON.stringify(next));
}

const remember = (shift: ShiftTimes, record: Attendance) =>
  update(shift, (old) => ({ ...old, record, queued: old.queued?.filter((q) => (q.kind === 'check-in' ? !record.checked_in_at : !record.checked_out_at)) }));

/** Ask the server what it has for me on this shift (after a restart, or once queued taps went out). */
export async function refreshKept(shift: ShiftTimes): Promise<void> {
  const month = monthOf(localDay(shift.starts_at));
  const hours = await myHours(month);
  const record = hours.shifts.find((row) => row.shift_id === shift.id);
  if (record) remember(shift, record);
}

function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Keep a tap for sending when the signal returns, with `recorded_offline` and the tap's time.
 * This is the seam to the app's one outbox (IndexedDB, Idempotency-Key, replay on
 * sync/online/start); until it is on this branch a tap without signal is not kept.
 */
async function sendLater(kind: PresenceKind, shift: ShiftTimes, presence: Presence): Promise<boolean> {
  void kind;
  void shift;
  void presence;
  return false;
}

export type Outcome = { record: Attendance; queued?: undefined; noFix?: NoFixReason } | { record?: undefined; queued: Queued; noFix?: NoFixReason };

/**
 * One tap: the position (unless `skip` resolves first), then the server, or the outbox when
 * there is no signal. Throws ApiError for a refusal (not_due, not_on_shift …) or, without an
 * outbox, for no signal.
 */
export async function tapPresence(kind: PresenceKind, shift: ShiftTimes, skip: Promise<void>, located?: () => void): Promise<Outcome> {
  const at = new Date().toISOString();
  const skipped: Promise<PositionResult> = skip.then(() => ({ reason: 'timeout' }));
  const position = await Promise.race([getPosition({ timeout: 15000, maximumAge: 60000 }), skipped]);
  located?.();
  const fix: Fix | null = position.fix ?? null;
  const noFix = position.reason;
  if (!offline.peek()) {
    try {
      const record = await sendPresence(kind, shift.id, { fix, device_at: at, recorded_offline: false }, newKey());
      remember(shift, record);
      return { record, noFix };
    } catch (e) {
      if (!(e instanceof ApiError && e.network)) throw e;
    }
  }
  if (!(await sendLater(kind, shift, { fix, device_at: at, recorded_offline: true }))) throw new ApiError(0, 'network');
  const queued: Queued = { kind, at };
  update(shift, (old) => ({ ...old, queued: [...(old.queued ?? []).filter((q) => q.kind !== kind), queued] }));
  return { queued, noFix };
}
