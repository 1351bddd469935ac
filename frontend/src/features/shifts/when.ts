/**
 * How a shift's time reads: "明天 19:00–21:00", "12月2日周三 19:00–21:00". Words like
 * today and tomorrow come from Intl.RelativeTimeFormat, so no dictionary is needed and the
 * home screen can use this without loading the scheduling texts. Pure: vitest runs it in Node.
 */
import { TIME_ZONE, daysBetween, localDay, wallTime } from './time';

const cache = new Map<string, Intl.DateTimeFormat>();
function format(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, ...options })));
  return f;
}

/** "12月2日周三" / "Wed, Dec 2" for a day ('YYYY-MM-DD'). */
export function dayName(day: string, locale: string, withWeekday = true): string {
  // Noon UTC of that date is the same date in every zone from UTC-11 to UTC+11.
  const at = new Date(day + 'T12:00:00Z');
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', day: 'numeric', ...(withWeekday ? { weekday: 'short' } : {}) }).format(at);
}

/** The weekday's short name, ISO 1 (Monday) … 7 (Sunday). */
export function weekdayName(isoDay: number, locale: string, width: 'short' | 'long' = 'short'): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: width }).format(new Date(Date.UTC(2024, 0, isoDay, 12)));
}

/** Today, tomorrow, yesterday in the language, else the date with its weekday. */
export function relativeDay(day: string, today: string, locale: string): string {
  const offset = daysBetween(today, day);
  if (Math.abs(offset) <= 1) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(offset, 'day');
  return dayName(day, locale);
}

export function clock(at: Date | string): string {
  return wallTime(at).time;
}

/** "19:00–21:00", never broken at the dash (word joiners either side). */
export function timeRange(from: string, to: string): string {
  return `${from}\u2060–\u2060${to}`;
}

/** "明天 19:00–21:00"; a shift past midnight names its end's day too. */
export function shiftWhen(starts: string, ends: string, locale: string, now: Date = new Date()): string {
  const today = localDay(now);
  const start = wallTime(starts);
  const end = wallTime(ends);
  const endText = end.day === start.day ? end.time : `${relativeDay(end.day, today, locale)} ${end.time}`;
  const text = `${relativeDay(start.day, today, locale)} ${timeRange(start.time, endText)}`;
  // It starts a line ("Tomorrow 19:00–21:00"); Chinese has no capitals.
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/** "12月2日 19:02" for a moment (check-in times), with today/tomorrow where they apply. */
export function momentText(at: string, locale: string, now: Date = new Date()): string {
  const wall = wallTime(at);
  return `${relativeDay(wall.day, localDay(now), locale)} ${wall.time}`;
}

/** "2026年12月" / "December 2026". */
export function monthName(month: string, locale: string): string {
  return format(locale, { year: 'numeric', month: 'long' }).format(new Date(month + '-15T12:00:00Z'));
}

