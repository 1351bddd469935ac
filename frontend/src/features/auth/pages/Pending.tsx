import { useEffect, useState } from 'preact/hooks';
import { offline } from '../../../api/connectivity';
import { teamUnit, t as tc } from '../../../i18n/common';
import { ActionButton } from '../../../ui/buttons';
import { ErrorBox, Info } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { loadMe, me } from '../../session/state';
import { SignOutButton } from '../components/SignOutButton';
import { t } from '../i18n';

/** How often a waiting applicant's screen asks whether they have been approved. */
const RECHECK_MS = 15000;

/** Ask again now and then, and whenever the applicant comes back to the app. */
function useRecheck(): void {
  useEffect(() => {
    const check = () => {
      if (document.visibilityState === 'visible' && !offline.peek()) loadMe().catch(() => undefined);
    };
    const timer = window.setInterval(check, RECHECK_MS);
    document.addEventListener('visibilitychange', check);
    window.addEventListener('online', check);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', check);
      window.removeEventListener('online', check);
    };
  }, []);
}

export default function Pending() {
  const account = me.value;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [still, setStill] = useState(false);
  useRecheck();
  if (!account) return null;

  const refresh = async () => {
    setBusy(true);
    setError(null);
    setStill(false);
    try {
      const fresh = await loadMe();
      if (fresh?.status === 'pending') setStill(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('pending.title')} testid="pending-page">
      <div class="card pending-card">
        <svg class="big-icon" viewBox="0 0 24 24" width="64" height="64" aria-hidden="true">
          <path fill="currentColor" d="M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm0 18a8 8 0 1 1 8-8 8 8 0 0 1-8 8zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z" />
        </svg>
        <p class="lead">{t('pending.body', { name: account.display_name })}</p>
        {account.teams.length > 0 && (
          <p>
            {t('pending.teams')}
            {tc('fmt.colon')}
            <strong data-testid="pending-team">{account.teams.map((team) => teamUnit(team, team.unit)).join(tc('fmt.listSep'))}</strong>
          </p>
        )}
        <p class="muted small">{t('pending.auto')}</p>
      </div>
      <ErrorBox error={error} />
      {still && <Info testid="pending-still">{t('pending.still')}</Info>}
      <div class="btn-col">
        <ActionButton class="btn btn-primary btn-block" onClick={refresh} busy={busy} testid="pending-refresh">
          {t('pending.refresh')}
        </ActionButton>
        {offline.value && <p class="needs-net">{tc('offline.needsLong')}</p>}
        <SignOutButton />
      </div>
    </Page>
  );
}
