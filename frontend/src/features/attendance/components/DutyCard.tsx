import { useEffect } from 'preact/hooks';
import { offline } from '../../../api/connectivity';
import { useQuery } from '../../../ui/data';
import { teamOf, useNow, whenOf } from '../../shifts/components/bits';
import { loadMyShifts } from '../../shifts/mine';
import { t } from '../i18n';
import { isDue, keptFor, queuedFor } from '../presence';
import { CheckInPanel } from './CheckIn';

/**
 * The top of a member's home screen: when a shift is due, its one big check-in (then
 * check-out) button; otherwise the next shift; with none, the way to find one.
 */
export function DutyCard() {
  const now = useNow();
  const shifts = useQuery(() => loadMyShifts(5), []);
  // The copy shown offline is refreshed once the signal returns.
  const saved = shifts.data?.saved;
  const reload = shifts.reload;
  useEffect(() => offline.subscribe((isOffline) => !isOffline && saved && reload()), [saved]); // eslint-disable-line react-hooks/exhaustive-deps -- reload is new each render
  if (!shifts.data) return null;
  const upcoming = shifts.data.items.filter((shift) => shift.status === 'scheduled' && new Date(shift.ends_at) > now);
  const due = upcoming.find((shift) => isDue(shift, now));
  const next = due ?? upcoming[0];
  const note = shifts.data.saved && (
    <p class="muted small" data-testid="duty-saved">
      {t('duty.savedCopy')}
    </p>
  );
  if (!next)
    return (
      <section class="card duty-card" data-testid="duty-none">
        <p>{t('duty.none')}</p>
        <a href="/shifts/open" class="btn btn-primary btn-block" data-testid="duty-find">
          {t('duty.find')}
        </a>
        {note}
      </section>
    );
  const checkedIn = !!keptFor(next.id)?.record?.checked_in_at || queuedFor(next.id).some((entry) => !entry.failed);
  return (
    <section class={'card duty-card' + (due ? ' is-due' : '')} aria-labelledby="duty-h" data-testid={due ? 'duty-due' : 'duty-next'}>
      <h2 id="duty-h">{due ? t(checkedIn ? 'duty.onDutyTitle' : 'duty.dueTitle') : t('duty.next')}</h2>
      <a href={`/shifts/${next.id}`} class="duty-link" data-testid="duty-shift">
        <p class="duty-when">{whenOf(next, now)}</p>
        <p>
          {next.area.name}
          {teamOf(next) && <span class="muted"> · {teamOf(next)?.name}</span>}
        </p>
      </a>
      {due && <CheckInPanel shift={due} now={now} />}
      {note}
    </section>
  );
}
