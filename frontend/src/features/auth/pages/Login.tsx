import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { safeNext } from '../../../app/navigation';
import { ErrorBox, Info } from '../../../ui/feedback';
import { SubmitButton } from '../../../ui/buttons';
import { problem, useForm } from '../../../ui/form';
import { Page } from '../../../ui/Page';
import { login, me, sessionEnd, sessionStale } from '../../session/state';
import { cleanPhone, PasswordField, PhoneField } from '../components/fields';
import { offerInstallAfterSignIn } from '../../home/install';
import { offerPushAfterSignIn } from '../../notifications/push';
import { t } from '../i18n';

const END_NOTICE = { expired: 'login.signedOut', rejected: 'login.rejected', deactivated: 'login.deactivated' } as const;

export default function Login() {
  const { query, route } = useLocation();
  const next = safeNext(query.next, location.origin);
  const signedIn = me.value !== null && !sessionStale.value;
  useEffect(() => {
    // Already signed in (the back button after signing in): go where we were headed.
    if (signedIn) route(next, true);
  }, [signedIn, next, route]);

  const form = useForm({
    initial: { phone: '', password: '' },
    validate: (v) => ({
      phone: cleanPhone(v.phone) ? undefined : problem('required'),
      password: v.password ? undefined : problem('required'),
    }),
    submit: async (v) => {
      const account = await login({ phone: cleanPhone(v.phone), password: v.password });
      offerInstallAfterSignIn();
      offerPushAfterSignIn(account.id);
      route(next, true);
    },
    leaves: true,
  });
  const ended = sessionEnd.value;

  return (
    <Page title={t('login.title')} testid="login-page">
      {ended && !form.errors.general && <Info testid="signed-out-notice">{t(END_NOTICE[ended])}</Info>}
      <form class="card form" onSubmit={form.onSubmit} noValidate>
        <ErrorBox error={form.errors.general} />
        <PhoneField autoComplete="username" {...form.text('phone')} testid="login-phone" />
        <PasswordField label={t('label.password')} {...form.text('password')} testid="login-password" />
        <SubmitButton label={t('login.submit')} busyLabel={t('login.busy')} busy={form.busy} testid="login-submit" />
      </form>
      <p class="muted center" data-testid="login-forgot">
        {t('login.forgot')}
      </p>
      <p class="muted center">{t('login.noAccount')}</p>
    </Page>
  );
}
