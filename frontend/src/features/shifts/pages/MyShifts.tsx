import { useState } from 'preact/hooks';
import { ActionButton } from '../../../ui/buttons';
import { CopyLink } from '../../../ui/CopyLink';
import { useQuery } from '../../../ui/data';
import { ErrorBox } from '../../../ui/feedback';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { newCalendarLink } from '../api';
import { me } from '../../session/state';
import { ShiftRow } from '../components/ShiftRow';
import { t } from '../i18n';
import { loadMyShifts } from '../mine';

/** webcal:// opens the phone's calendar app with a subscription (iOS, most Android calendars). */
const webcal = (url: string) => url.replace(/^https?:\/\//, 'webcal://');

function CalendarCard() {
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const get = async () => {
    setBusy(true);
    setError(null);
    try {
      setUrl((await newCalendarLink()).url);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="calendar-h" data-testid="calendar-card">
      <h2 id="calendar-h">{t('calendar.title')}</h2>
      <p>{t('calendar.body')}</p>
      <ErrorBox error={error} />
      {url ? (
        <>
          <a href={webcal(url)} class="btn btn-primary btn-block" data-testid="calendar-open">
            {t('calendar.open')}
          </a>
          <p class="hint">{t('calendar.copyHint')}</p>
          <CopyLink url={url} testid="calendar-link" />
        </>
      ) : null}
      <div class="btn-row">
        <ActionButton class={url ? 'btn btn-secondary' : 'btn btn-primary'} busy={busy} onClick={get} testid="calendar-get">
          {t(url ? 'calendar.getAgain' : 'calendar.get')}
        </ActionButton>
      </div>
      {url && <p class="hint">{t('calendar.renewWarning')}</p>}
    </section>
  );
}

/** My shifts from now on, the next first; offline, the copy kept on the phone. */
export default function MyShifts() {
  const shifts = useQuery(() => loadMyShifts(50), []);
  return (
    <Page title={t('mine.title')} back="/" testid="my-shifts-page">
      <div class="btn-row page-actions">
        <a href="/shifts/open" class="btn btn-primary" data-testid="to-open-shifts">
          {t('mine.findShifts')}
        </a>
        <a href="/hours" class="btn btn-secondary" data-testid="to-my-hours">
          {t('mine.hours')}
        </a>
      </div>
      {shifts.needsConnection ? (
        <NeedsConnection />
      ) : !shifts.data ? (
        shifts.loading ? (
          <Loading />
        ) : (
          <ErrorBox error={shifts.error} onRetry={shifts.reload} />
        )
      ) : shifts.data.items.length === 0 ? (
        <p class="empty" data-testid="my-shifts-empty">
          {t('mine.empty')}
        </p>
      ) : (
        <>
          {shifts.data.saved && <p class="muted small">{t('mine.savedCopy')}</p>}
          <ul class="list" data-testid="my-shifts">
            {shifts.data.items.map((shift, index) => {
              const asked = shift.signups.some((s) => s.user.id === me.value?.id && s.status === 'drop_requested');
              return (
                <ShiftRow key={shift.id} shift={shift} next={index === 0 && shift.status === 'scheduled'} mine={asked ? t('shift.mine.drop_requested') : null} />
              );
            })}
          </ul>
        </>
      )}
      <CalendarCard />
    </Page>
  );
}
