/**
 * Wall-clock time in the units' time zone. Shifts are stored in UTC and shown, planned and
 * counted (weeks, months) in the zone the server plans in (`TIME_ZONE`, Asia/Shanghai), not in
 * the phone's zone: a coordinator travelling, or a test browser in UTC, must see 19:00 for a
 * 19:00 patrol. Days are 'YYYY-MM-DD' strings, times 'HH:MM'; no date library.
 *
 * The zone is the server's default; GET /client-config does not send it yet (see
 * frontend/README.md, "Shifts and attendance").
 */
export const TIME_ZONE = 'Asia/Shanghai';

export interface WallTime {
  /** 'YYYY-MM-DD' */
  day: string;
  /** 'HH:MM' */
  time: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format)
    formatters.set(
      zone,
      (format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })),
    );
  return format;
}

const pad = (n: number) => String(n).padStart(2, '0');

function fields(at: Date, zone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of partsFormatter(zone).formatToParts(at)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  // Some engines say 24 for midnight even with h23.
  if (out.hour === 24) out.hour = 0;
  return out;
}

export function toDate(at: Date | string): Date {
  return typeof at === 'string' ? new Date(at) : at;
}

/** The day and time an instant has on the zone's clocks. */
export function wallTime(at: Date | string, zone = TIME_ZONE): WallTime {
  const f = fields(toDate(at), zone);
  return { day: `${f.year}-${pad(f.month)}-${pad(f.day)}`, time: `${pad(f.hour)}:${pad(f.minute)}` };
}

export const localDay = (at: Date | string, zone = TIME_ZONE): string => wallTime(at, zone).day;

/** Minutes the zone is ahead of UTC at that instant (480 for Beijing). */
export function offsetMinutes(at: Date, zone = TIME_ZONE): number {
  const f = fields(at, zone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

function dayParts(day: string): [number, number, number] {
  const [y, m, d] = day.split('-').map(Number);
  return [y, m, d];
}

/** The instant at which the zone's clocks show `time` on `day`. */
export function zonedToUtc(day: string, time: string, zone = TIME_ZONE): Date {
  const [y, m, d] = dayParts(day);
  const [hh, mm] = time.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  // Two rounds settle it across a change of offset (zones with summer time).
  let at = new Date(guess - offsetMinutes(new Date(guess), zone) * 60000);
  at = new Date(guess - offsetMinutes(at, zone) * 60000);
  return at;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = dayParts(day);
  const at = new Date(Date.UTC(y, m - 1, d + n));
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(day: string): number {
  const [y, m, d] = dayParts(day);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

export const mondayOf = (day: string): string => addDays(day, 1 - isoWeekday(day));

export function daysBetween(from: string, to: string): number {
  const [a, b] = [dayParts(from), dayParts(to)];
  return Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86400000);
}

/** 'YYYY-MM' of a day. */
export const monthOf = (day: string): string => day.slice(0, 7);

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

export const isDay = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !isNaN(Date.parse(value));
export const isMonth = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** The same wall-clock moment `days` later (a copied week), keeping the length of the shift. */
export function movedByDays(starts: string, ends: string, days: number, zone = TIME_ZONE): { starts_at: string; ends_at: string } {
  const wall = wallTime(starts, zone);
  const start = zonedToUtc(addDays(wall.day, days), wall.time, zone);
  const length = toDate(ends).getTime() - toDate(starts).getTime();
  return { starts_at: start.toISOString(), ends_at: new Date(start.getTime() + length).toISOString() };
}

/** Minutes as hours and minutes: 150 → {hours: 2, minutes: 30}. */
export function hoursAndMinutes(total: number): { hours: number; minutes: number } {
  const whole = Math.max(0, Math.round(total));
  return { hours: Math.floor(whole / 60), minutes: whole % 60 };
}
