import { useState } from 'preact/hooks';
import { LOCALES, locale } from '../../../i18n';
import { SubmitButton } from '../../../ui/buttons';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { problem, useForm } from '../../../ui/form';
import { formatPhone } from '../../../ui/labels';
import { Page } from '../../../ui/Page';
import { PasswordField } from '../../auth/components/fields';
import { SignOutButton } from '../../auth/components/SignOutButton';
import { changeLocale, me } from '../../session/state';
import { changePassword } from '../api';
import { Devices } from '../components/Devices';
import { t } from '../i18n';

const LANGUAGE_NAME = { 'zh-CN': '中文', en: 'English' } as const;

export default function Settings() {
  const current = locale.value;
  const account = me.value;
  const [changed, setChanged] = useState(false);
  // A new password signs out the other devices: list them afresh after a change.
  const [passwordChanges, setPasswordChanges] = useState(0);
  const form = useForm({
    initial: { current_password: '', new_password: '' },
    validate: (v) => ({
      current_password: v.current_password ? undefined : problem('required'),
      new_password: v.new_password ? undefined : problem('required'),
    }),
    submit: async (v) => {
      setChanged(false);
      await changePassword(v);
      form.setValues({ current_password: '', new_password: '' });
      setChanged(true);
      setPasswordChanges((n) => n + 1);
    },
    onField: { password_incorrect: 'current_password' },
  });

  return (
    <Page title={t('settings.title')} back="/" testid="settings-page">
      <section class="card" aria-labelledby="lang-h">
        {/* Named in both languages so someone stuck in the wrong one still finds it. */}
        <h2 id="lang-h">
          {current === 'en' ? (
            <>
              Language <span lang="zh-CN">/ 语言</span>
            </>
          ) : (
            <>
              语言 <span lang="en">/ Language</span>
            </>
          )}
        </h2>
        <div class="segmented" role="group" aria-labelledby="lang-h">
          {LOCALES.map((value) => (
            <button
              key={value}
              type="button"
              lang={value}
              class={'seg' + (current === value ? ' seg-on' : '')}
              aria-pressed={current === value}
              data-testid={value === 'en' ? 'lang-en' : 'lang-zh'}
              onClick={() => changeLocale(value)}
            >
              {LANGUAGE_NAME[value]}
            </button>
          ))}
        </div>
      </section>

      {account && (
        <section class="card" aria-labelledby="acct-h">
          <h2 id="acct-h">{t('settings.account')}</h2>
          <p class="item-title" data-testid="settings-whoami">
            {account.display_name}
          </p>
          <p class="muted nowrap">{formatPhone(account.phone)}</p>
        </section>
      )}

      <form class="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="pw-h">
        <h2 id="pw-h">{t('settings.password')}</h2>
        {changed && <Notice testid="password-changed">{t('settings.passwordChanged')}</Notice>}
        <ErrorBox error={form.errors.general} />
        <PasswordField label={t('settings.currentPassword')} {...form.text('current_password')} testid="settings-current-password" />
        <PasswordField isNew label={t('settings.newPassword')} {...form.text('new_password')} testid="settings-new-password" />
        <SubmitButton label={t('settings.changePassword')} busy={form.busy} testid="settings-password-submit" />
      </form>

      <Devices key={passwordChanges} />

      <SignOutButton class="btn btn-danger-outline btn-block" testid="settings-logout" />
    </Page>
  );
}
