import { useQuery } from '../../../ui/data';
import { countWaiting } from '../api';
import { t } from '../i18n';

/** For those who approve members: how many people wait, with the way to them. */
export function PendingCount() {
  const waiting = useQuery(countWaiting, []);
  if (!waiting.data) return null;
  return (
    <a href="/approvals" class="card waiting-card" data-testid="pending-count">
      <span class="waiting-number" aria-hidden="true">
        {waiting.data}
      </span>
      <span class="grow">{t('home.waiting', { n: waiting.data })}</span>
      <span class="btn btn-primary btn-small">{t('home.waitingAction')}</span>
    </a>
  );
}
