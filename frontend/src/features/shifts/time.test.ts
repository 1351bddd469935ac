import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, hoursAndMinutes, isDay, isMonth, isoWeekday, mondayOf, movedByDays, offsetMinutes, wallTime, zonedToUtc } from './time';

describe('wall-clock time in the units’ zone', () => {
  it('shows a UTC instant on Beijing’s clocks, whatever the phone’s zone', () => {
    expect(wallTime('2026-11-30T11:00:00Z')).toEqual({ day: '2026-11-30', time: '19:00' });
    // 17:00 UTC is already the next day in Beijing
    expect(wallTime('2026-11-30T17:30:00Z')).toEqual({ day: '2026-12-01', time: '01:30' });
    expect(offsetMinutes(new Date('2026-06-01T00:00:00Z'))).toBe(480);
  });

  it('turns a wall-clock time back into the instant', () => {
    expect(zonedToUtc('2026-11-30', '19:00').toISOString()).toBe('2026-11-30T11:00:00.000Z');
    expect(zonedToUtc('2026-12-01', '00:30').toISOString()).toBe('2026-11-30T16:30:00.000Z');
  });

  it('keeps the wall-clock time across a change to summer time', () => {
    // Berlin moves its clocks on 2026-03-29: 19:00 stays 19:00 a week later.
    const moved = movedByDays('2026-03-25T18:00:00Z', '2026-03-25T20:00:00Z', 7, 'Europe/Berlin');
    expect(moved).toEqual({ starts_at: '2026-04-01T17:00:00.000Z', ends_at: '2026-04-01T19:00:00.000Z' });
  });

  it('copies a shift a week later at the same time and length', () => {
    expect(movedByDays('2026-11-30T11:00:00Z', '2026-11-30T13:00:00Z', 7)).toEqual({
      starts_at: '2026-12-07T11:00:00.000Z',
      ends_at: '2026-12-07T13:00:00.000Z',
    });
  });
});

describe('days, weeks and months', () => {
  it('counts days across months and years', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
  });

  it('weeks start on Monday (ISO)', () => {
    expect(isoWeekday('2026-11-30')).toBe(1);
    expect(isoWeekday('2026-12-06')).toBe(7);
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
  });

  it('moves between months', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
  });

  it('checks the shape of days and months from the address bar', () => {
    expect(isDay('2026-11-30')).toBe(true);
    expect(isDay('2026-13-40')).toBe(false);
    expect(isDay('tomorrow')).toBe(false);
    expect(isMonth('2026-12')).toBe(true);
    expect(isMonth('2026-00')).toBe(false);
  });

  it('says minutes as hours and minutes', () => {
    expect(hoursAndMinutes(150)).toEqual({ hours: 2, minutes: 30 });
    expect(hoursAndMinutes(0)).toEqual({ hours: 0, minutes: 0 });
  });
});
