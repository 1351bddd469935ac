import { Page } from '../../../ui/Page';
import { me } from '../../session/state';
import { SignOutButton } from '../components/SignOutButton';
import { t } from '../i18n';

export default function Blocked() {
  const account = me.value;
  if (!account) return null;
  return (
    <Page title={t('blocked.title')} testid="blocked-page">
      <div class="alert alert-error" role="alert">
        <p>{account.status === 'rejected' ? t('blocked.rejected') : t('blocked.deactivated')}</p>
      </div>
      <SignOutButton />
    </Page>
  );
}
