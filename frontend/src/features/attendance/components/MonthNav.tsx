import { locale } from '../../../i18n';
import { addMonths, isMonth, localDay, monthOf } from '../../shifts/time';
import { monthName } from '../../shifts/when';
import { t } from '../i18n';

/** The month in the address (`?month=2026-12`), else this month on the units' clocks. */
export function monthFrom(value: string | undefined): string {
  return isMonth(value) ? value : monthOf(localDay(new Date()));
}

export function MonthNav(props: { month: string; onChange: (month: string) => void }) {
  const thisMonth = monthOf(localDay(new Date()));
  return (
    <nav class="month-nav" aria-label={monthName(props.month, locale.value)}>
      <button type="button" class="btn btn-secondary btn-small" onClick={() => props.onChange(addMonths(props.month, -1))} data-testid="month-prev">
        ‹ <span class="sr-only">{t('hours.prev')}</span>
      </button>
      <span class="month-label" data-testid="month-label">
        {monthName(props.month, locale.value)}
      </span>
      <button
        type="button"
        class="btn btn-secondary btn-small"
        onClick={() => props.onChange(addMonths(props.month, 1))}
        disabled={props.month >= thisMonth}
        data-testid="month-next"
      >
        <span class="sr-only">{t('hours.next')}</span> ›
      </button>
    </nav>
  );
}
