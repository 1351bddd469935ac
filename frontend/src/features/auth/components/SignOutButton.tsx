import { useState } from 'preact/hooks';
import { outboxSummary } from '../../../outbox/page';
import { ActionButton } from '../../../ui/buttons';
import { logout } from '../../session/state';
import { t } from '../i18n';

/**
 * Sign out of this phone. With writes still waiting in the outbox it says first that they will
 * be dropped (they must not be sent after the next person signs in here).
 */
export function SignOutButton({ class: className = 'btn btn-secondary btn-block', testid = 'signout' }: { class?: string; testid?: string }) {
  const [asking, setAsking] = useState(false);
  const unsent = outboxSummary.value.pending;
  const leave = () => logout().catch(() => undefined);
  if (asking && unsent)
    return (
      <div class="alert alert-error" role="alert" data-testid={`${testid}-unsent`}>
        <p>{t('signOut.unsent', { n: unsent })}</p>
        <div class="btn-row">
          <ActionButton class="btn btn-danger" onClick={leave} testid={`${testid}-anyway`}>
            {t('signOut.anyway')}
          </ActionButton>
          <button type="button" class="btn btn-secondary" onClick={() => setAsking(false)}>
            {t('signOut.stay')}
          </button>
        </div>
      </div>
    );
  return (
    <ActionButton class={className} testid={testid} onClick={() => (unsent ? setAsking(true) : void leave())}>
      {t('signOut')}
    </ActionButton>
  );
}
