import { describe, expect, it } from 'vitest';
import { dayName, monthName, relativeDay, shiftWhen as joined, weekdayName } from './when';

// The dash carries word joiners (no line break there); compare without them.
const shiftWhen = (...args: Parameters<typeof joined>) => joined(...args).replace(/\u2060/g, '');

// 2026-11-30 10:00 in Beijing.
const NOW = new Date('2026-11-30T02:00:00Z');

describe('how a shift’s time reads', () => {
  it('says today and tomorrow in the language, with Beijing times', () => {
    expect(shiftWhen('2026-11-30T11:00:00Z', '2026-11-30T13:00:00Z', 'zh-CN', NOW)).toBe('今天 19:00–21:00');
    expect(shiftWhen('2026-12-01T11:00:00Z', '2026-12-01T13:00:00Z', 'zh-CN', NOW)).toBe('明天 19:00–21:00');
    expect(shiftWhen('2026-12-01T11:00:00Z', '2026-12-01T13:00:00Z', 'en', NOW)).toBe('Tomorrow 19:00–21:00');
  });

  it('gives the date and weekday further away', () => {
    expect(relativeDay('2026-12-02', '2026-11-30', 'zh-CN')).toBe(dayName('2026-12-02', 'zh-CN'));
    expect(dayName('2026-12-02', 'zh-CN')).toMatch(/12月2日/);
    expect(dayName('2026-12-02', 'zh-CN')).toMatch(/周三/);
    expect(dayName('2026-12-02', 'en')).toMatch(/Wed/);
  });

  it('names the end’s day when a shift runs past midnight', () => {
    expect(shiftWhen('2026-11-30T15:00:00Z', '2026-11-30T18:00:00Z', 'zh-CN', NOW)).toBe('今天 23:00–明天 02:00');
  });

  it('names weekdays and months', () => {
    expect(weekdayName(1, 'zh-CN')).toBe('周一');
    expect(weekdayName(7, 'en')).toBe('Sun');
    expect(monthName('2026-12', 'zh-CN')).toBe('2026年12月');
    expect(monthName('2026-12', 'en')).toBe('December 2026');
  });
});
