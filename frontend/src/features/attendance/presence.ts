/**
 * Checking in and out from the phone: the position, the tap's time, sending now or (without
 * signal) through the app's one outbox, and what this phone remembers of the user's own
 * attendance so the home screen shows "checked in" (or "waiting to send") after a restart.
 */
import { computed, signal } from '@preact/signals';
import { offline } from '../../api/connectivity';
import { ApiError } from '../../api/errors';
import { storage } from '../../lib/storage';
import { getPosition, type Fix, type NoFixReason, type PositionResult } from '../../map/position';
import { apiPath, enqueue, myEntries, type OutboxEntry } from '../../outbox/page';
import { uuid4 } from '../../outbox/uuid';
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
  area?: { name: string };
}

export function opensAt(shift: ShiftTimes): Date {
  return new Date(new Date(shift.starts_at).getTime() - CHECK_IN_OPENS_MINUTES * 60000);
}

/** From an hour before the start to the end. The server says `not_due` otherwise; this only decides what to show. */
export function isDue(shift: ShiftTimes, now: Date): boolean {
  return shift.status === 'scheduled' && now >= opensAt(shift) && now <= new Date(shift.ends_at);
}

export interface Kept {
  record?: Attendance;
  /** Forgotten a day after this (the shift's end). */
  until: string;
}

/** The outbox's kinds for a check-in and a check-out (its screen names them). */
export const OUTBOX_KIND = { 'check-in': 'check_in', 'check-out': 'check_out' } as const satisfies Record<PresenceKind, string>;

/** Taps of the signed-in user waiting in the outbox (or refused there), by shift. */
const waiting = computed(() => {
  const byShift = new Map<number, OutboxEntry[]>();
  for (const entry of myEntries.value)
    if (entry.kind === OUTBOX_KIND['check-in'] || entry.kind === OUTBOX_KIND['check-out']) {
      const shiftId = Number(entry.label.shift_id);
      byShift.set(shiftId, [...(byShift.get(shiftId) ?? []), entry]);
    }
  return byShift;
});

export function queuedFor(shiftId: number): OutboxEntry[] {
  return waiting.value.get(shiftId) ?? [];
}

export const kindOf = (entry: OutboxEntry): PresenceKind => (entry.kind === OUTBOX_KIND['check-out'] ? 'check-out' : 'check-in');

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

const remember = (shift: ShiftTimes, record: Attendance) => update(shift, (old) => ({ ...old, record }));

/** Ask the server what it has for me on this shift (after a restart, or once queued taps went out). */
export async function refreshKept(shift: ShiftTimes): Promise<void> {
  const month = monthOf(localDay(shift.starts_at));
  const hours = await myHours(month);
  const record = hours.shifts.find((row) => row.shift_id === shift.id);
  if (record) remember(shift, record);
}

/**
 * Keep a tap for sending when the signal returns, through the app's one outbox (IndexedDB,
 * Idempotency-Key, replay on sync, on `online` and at start), with `recorded_offline` and the
 * tap's time: the server then counts that time, flagged. False when the phone can't keep it.
 */
async function sendLater(kind: PresenceKind, shift: ShiftTimes, presence: Presence): Promise<OutboxEntry | null> {
  const path = kind === 'check-in' ? '/api/v1/shifts/{shift_id}/check-in' : '/api/v1/shifts/{shift_id}/check-out';
  try {
    return await enqueue({
      auth: 'session',
      method: 'POST',
      path: apiPath(path, { shift_id: shift.id }),
      json: presence,
      kind: OUTBOX_KIND[kind],
      label: { shift_id: shift.id, starts_at: shift.starts_at, ends_at: shift.ends_at, area: shift.area?.name ?? '' },
    });
  } catch {
    return null; // no IndexedDB here (private mode): said on the card as "not sent"
  }
}

export type Outcome = { record: Attendance; queued?: undefined; noFix?: NoFixReason } | { record?: undefined; queued: OutboxEntry; noFix?: NoFixReason };

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
      const record = await sendPresence(kind, shift.id, { fix, device_at: at, recorded_offline: false }, uuid4());
      remember(shift, record);
      return { record, noFix };
    } catch (e) {
      if (!(e instanceof ApiError && e.network)) throw e;
    }
  }
  const queued = await sendLater(kind, shift, { fix, device_at: at, recorded_offline: true });
  if (!queued) throw new ApiError(0, 'network');
  return { queued, noFix };
}
