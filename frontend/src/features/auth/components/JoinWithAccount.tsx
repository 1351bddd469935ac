import { useState } from 'preact/hooks';
import { ApiError } from '../../../api/errors';
import type { Schemas } from '../../../api/types';
import { ActionButton } from '../../../ui/buttons';
import { ErrorBox, Info, Notice } from '../../../ui/feedback';
import { loadMe, me } from '../../session/state';
import { acceptInvite } from '../api';
import { t } from '../i18n';

/** Someone already signed in joins the invite's team with their own account. */
export function JoinWithAccount(props: { token: string; team: Schemas['InviteTeam']; onRegisterInstead: () => void }) {
  const account = me.value;
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<'joined' | 'requested' | 'member' | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!account) return null;

  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await acceptInvite(props.token);
      setOutcome(result.status === 'active' ? 'joined' : 'requested');
      await loadMe().catch(() => undefined); // the new team shows on the home screen
    } catch (e) {
      if (e instanceof ApiError && e.error === 'already_member') setOutcome('member');
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (outcome)
    return (
      <div class="card" data-testid="join-outcome" data-outcome={outcome}>
        {outcome === 'requested' ? (
          <Info>{t('join.requested', { team: props.team.name })}</Info>
        ) : (
          <Notice>{t(outcome === 'joined' ? 'join.joined' : 'join.alreadyMember', { team: props.team.name })}</Notice>
        )}
        <a href="/" class="btn btn-primary btn-block" data-testid="join-to-home">
          {t('join.toHome')}
        </a>
      </div>
    );

  return (
    <div class="card">
      <p>{t('join.signedInAs', { name: account.display_name })}</p>
      <ErrorBox error={error} />
      <div class="btn-col">
        <ActionButton class="btn btn-primary btn-block" onClick={join} busy={busy} testid="join-accept">
          {busy ? t('join.accepting') : t('join.acceptAsMe')}
        </ActionButton>
        <button type="button" class="btn btn-secondary btn-block" onClick={props.onRegisterInstead} data-testid="join-register-instead">
          {t('join.signOutFirst')}
        </button>
      </div>
    </div>
  );
}
