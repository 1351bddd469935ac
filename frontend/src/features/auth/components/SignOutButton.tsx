import { ActionButton } from '../../../ui/buttons';
import { logout } from '../../session/state';
import { t } from '../i18n';

export function SignOutButton({ class: className = 'btn btn-secondary btn-block', testid = 'signout' }: { class?: string; testid?: string }) {
  return (
    <ActionButton class={className} testid={testid} onClick={() => logout().catch(() => undefined)}>
      {t('signOut')}
    </ActionButton>
  );
}
