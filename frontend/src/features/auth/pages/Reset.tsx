import { useState } from 'preact/hooks';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { previewPasswordReset, setPasswordWithReset } from '../api';
import { PasswordField } from '../components/fields';
import { t } from '../i18n';

export default function Reset({ token }: { token: string }) {
  const info = useQuery(() => previewPasswordReset(token), [token]);
  const [done, setDone] = useState(false);
  const form = useForm({
    initial: { new_password: '' },
    validate: (v) => ({ new_password: v.new_password ? undefined : problem('required') }),
    submit: async (v) => {
      await setPasswordWithReset(token, v.new_password);
      setDone(true);
    },
  });

  if (info.needsConnection)
    return (
      <Page title={t('reset.title')}>
        <NeedsConnection />
      </Page>
    );
  if (!info.data) {
    if (info.loading) return <Loading />;
    const gone = info.error instanceof ApiError && info.error.error.startsWith('reset_');
    return (
      <Page title={gone ? t('reset.invalidTitle') : t('reset.title')} testid="reset-invalid">
        <ErrorBox error={info.error} testid="reset-error" onRetry={gone ? undefined : info.reload} />
        {gone && <p>{t('reset.askNew')}</p>}
      </Page>
    );
  }
  if (done)
    return (
      <Page title={t('reset.title')} testid="reset-done">
        <Notice>{t('reset.done')}</Notice>
        <a href="/login" class="btn btn-primary btn-block" data-testid="reset-to-login">
          {t('reset.toLogin')}
        </a>
      </Page>
    );

  return (
    <Page title={t('reset.title')} testid="reset-page">
      <form class="card form" onSubmit={form.onSubmit} noValidate>
        <p class="invite-headline">{t('reset.for', { name: info.data.display_name })}</p>
        <p class="muted">{t('reset.expires', { time: fmtTime(info.data.expires_at) })}</p>
        <ErrorBox error={form.errors.general} />
        <PasswordField isNew label={t('label.newPassword')} {...form.text('new_password')} testid="reset-password" />
        <SubmitButton label={t('reset.submit')} busyLabel={t('reset.submit')} busy={form.busy} testid="reset-submit" />
      </form>
    </Page>
  );
}
