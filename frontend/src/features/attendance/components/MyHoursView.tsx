import '../attendance.css';
import { useLocation } from 'preact-iso';
import { locale } from '../../../i18n';
import { useQuery } from '../../../ui/data';
import { Badge, ErrorBox } from '../../../ui/feedback';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { localDay } from '../../shifts/time';
import { clock, dayName, monthName, timeRange } from '../../shifts/when';
import { myHours, type Attendance } from '../api';
import { CreditedTime, PunctualityBadge, flagText } from './labels';
import { MonthNav, monthFrom } from './MonthNav';
import { t } from '../i18n';

function HoursRow({ row }: { row: Attendance }) {
  const at = row.checked_in_at;
  return (
    <li>
      <a href={`/shifts/${row.shift_id}`} class="list-item list-link" data-testid={`hours-row-${row.shift_id}`}>
        <div class="grow">
          <p class="item-title">{at ? `${dayName(localDay(at), locale.value)} ${row.checked_out_at ? timeRange(clock(at), clock(row.checked_out_at)) : clock(at)}` : t('hours.open')}</p>
          <p class="badges">
            {row.no_show && <Badge kind="bad">{t('att.noShow')}</Badge>}
            {row.punctuality && <PunctualityBadge punctuality={row.punctuality} />}
            {row.flags.map((flag) => (
              <Badge key={flag} kind="muted">
                {flagText(flag)}
              </Badge>
            ))}
          </p>
        </div>
        <span class="nowrap item-title">{CreditedTime(row.credited_minutes)}</span>
      </a>
    </li>
  );
}

/** My patrols of a month with the minutes credited for each, and the total. */
export function MyHoursView() {
  const { query, route } = useLocation();
  const month = monthFrom(query.month);
  const hours = useQuery(() => myHours(month), [month]);
  return (
    <Page title={t('hours.title')} back="/shifts" testid="my-hours-page">
      <MonthNav month={month} onChange={(m) => route(`/hours?month=${m}`, true)} />
      {hours.needsConnection ? (
        <NeedsConnection />
      ) : !hours.data ? (
        hours.loading ? (
          <Loading />
        ) : (
          <ErrorBox error={hours.error} onRetry={hours.reload} />
        )
      ) : (
        <>
          <div class="card">
            <p class="hours-total" data-testid="hours-total">
              {t('hours.total', { month: monthName(month, locale.value), hm: CreditedTime(hours.data.minutes) })}
            </p>
            <p class="muted">{t('hours.shifts', { n: hours.data.shifts.filter((s) => s.checked_in_at).length })}</p>
          </div>
          {hours.data.shifts.length === 0 ? (
            <p class="empty">{t('hours.empty')}</p>
          ) : (
            <ul class="list" data-testid="hours-list">
              {hours.data.shifts.map((row) => (
                <HoursRow key={row.id} row={row} />
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}
