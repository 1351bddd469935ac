import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { ErrorBox } from '../../../ui/feedback';
import { problem, useForm } from '../../../ui/form';
import { Field } from '../../../ui/fields';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { me, logout, register } from '../../session/state';
import { offerInstallAfterSignIn } from '../../home/install';
import { offerPushAfterSignIn } from '../../notifications/push';
import { previewInvite } from '../api';
import { cleanPhone, PasswordField, PhoneField } from '../components/fields';
import { JoinWithAccount } from '../components/JoinWithAccount';
import { t } from '../i18n';

const GONE = ['invite_not_found', 'invite_expired', 'invite_used_up', 'invite_revoked'];

export default function Join({ token }: { token: string }) {
  const { route } = useLocation();
  const invite = useQuery(() => previewInvite(token), [token]);
  const [replacing, setReplacing] = useState(false);
  const account = me.value;
  const form = useForm({
    initial: { phone: '', display_name: '', password: '' },
    validate: (v) => ({
      phone: cleanPhone(v.phone) ? undefined : problem('required'),
      display_name: v.display_name.trim() ? undefined : problem('required'),
      password: v.password ? undefined : problem('required'),
    }),
    submit: async (v) => {
      if (me.peek()) await logout();
      const account = await register({ invite_token: token, phone: cleanPhone(v.phone), display_name: v.display_name.trim(), password: v.password });
      offerInstallAfterSignIn();
      offerPushAfterSignIn(account.id);
      route('/', true);
    },
    onField: { phone_taken: 'phone' },
    leaves: true,
  });

  if (invite.needsConnection)
    return (
      <Page title={t('join.title')}>
        <NeedsConnection />
      </Page>
    );
  if (!invite.data) {
    if (invite.loading) return <Loading />;
    const gone = invite.error instanceof ApiError && GONE.includes(invite.error.error);
    return (
      <Page title={gone ? t('join.invalidTitle') : t('join.title')} testid="join-invalid">
        <ErrorBox error={invite.error} testid="invite-error" onRetry={gone ? undefined : invite.reload} />
        {gone && <p>{t('join.askNew')}</p>}
        <p>
          <a href="/login" class="btn btn-secondary btn-block">
            {t('join.haveAccount')}
          </a>
        </p>
      </Page>
    );
  }
  const inv = invite.data;

  return (
    <Page title={t('join.title')} testid="join-page">
      <div class="card invite-card" data-testid="invite-summary">
        <p class="invite-headline" data-testid="invite-headline">
          {inv.invited_by ? t('join.invitedBy', { name: inv.invited_by, team: inv.team.name }) : t('join.invited', { team: inv.team.name })}
        </p>
        {!inv.team.name.includes(inv.unit.name) && <p>{t('join.unit', { unit: inv.unit.name })}</p>}
        <p class="muted">{t('join.expires', { time: fmtTime(inv.expires_at) })}</p>
        <p>{account ? t(inv.auto_approve ? 'join.autoApproveMember' : 'join.needsApprovalMember') : t(inv.auto_approve ? 'join.autoApprove' : 'join.needsApproval')}</p>
      </div>
      {account && !replacing ? (
        <JoinWithAccount token={token} team={inv.team} onRegisterInstead={() => setReplacing(true)} />
      ) : (
        <form class="card form" onSubmit={form.onSubmit} noValidate>
          <ErrorBox error={form.errors.general} />
          <PhoneField hint={t('label.phoneHint')} autoComplete="tel" {...form.text('phone')} testid="join-phone" />
          <Field
            label={t('label.displayName')}
            hint={t('label.displayNameHint')}
            autoComplete="name"
            maxLength={40}
            {...form.text('display_name')}
            testid="join-name"
          />
          <PasswordField isNew label={t('label.password')} {...form.text('password')} testid="join-password" />
          <SubmitButton label={t('join.submit')} busyLabel={t('join.busy')} busy={form.busy} testid="join-submit" />
        </form>
      )}
      {!account && (
        <p class="center">
          <a class="tap-link" href="/login" data-testid="join-have-account">
            {t('join.haveAccount')}
          </a>
        </p>
      )}
    </Page>
  );
}
