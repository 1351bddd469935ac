import { locale } from '../../../i18n';
import { t as tc } from '../../../i18n/common';
import type { Pattern } from '../api';
import { t } from '../i18n';
import { weekdayName } from '../when';

/** "19:00" plus 120 minutes → "21:00" (wall clock, past midnight wraps). */
export function endTime(start: string, minutes: number): string {
  const [h, m] = start.split(':').map(Number);
  const total = (h * 60 + m + minutes) % (24 * 60);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** "每周二、周四、周六 19:00–21:00" / "Every Tue, Thu, Sat, 19:00–21:00". */
export function patternWhen(pattern: Pick<Pattern, 'weekdays' | 'start_time' | 'duration_minutes'>): string {
  const times = { from: pattern.start_time, to: endTime(pattern.start_time, pattern.duration_minutes) };
  if (pattern.weekdays.length === 7) return t('patterns.everyDay', times);
  const days = [...pattern.weekdays]
    .sort()
    .map((d) => weekdayName(d, locale.value))
    .join(tc('fmt.listSep'));
  return t('patterns.summary', { days, ...times });
}

/** "2 小时" / "1 小时 30 分钟" / "45 分钟". */
export function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h && m) return t('pattern.durationOption', { h, m });
  return h ? t('pattern.durationHours', { h }) : t('pattern.durationMinutes', { m });
}
