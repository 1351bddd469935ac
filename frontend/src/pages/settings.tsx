import { useState } from 'preact/hooks';
import { api, fmtPhone } from '../api';
import { t, useLocale, type Locale } from '../i18n';
import { changeLocale, sessionStore } from '../session';
import { useStore } from '../store';
import { ErrorBox, Notice, Page, SubmitButton, useForm } from '../ui';
import { checkPassword, PasswordField } from './auth';
import { SignOutButton } from './home';

const LANGS: { value: Locale; label: string }[] = [
  { value: 'zh-CN', label: '中文' },
  { value: 'en', label: 'English' },
];

export function Settings() {
  const locale = useLocale();
  const { me } = useStore(sessionStore);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const { busy, errors, send } = useForm(['current_password', 'new_password'], { password_incorrect: 'current_password' });

  const changePassword = (e: Event) => {
    e.preventDefault();
    setDone(false);
    const fields: Record<string, string> = {};
    if (!current) fields.current_password = t('fe.required');
    const pwErr = checkPassword(next);
    if (pwErr) fields.new_password = pwErr;
    send(fields, async () => {
      await api.post('/me/password', { current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setDone(true);
    });
  };

  return (
    <Page title={t('settings.title')} back="/" testid="settings-page">
      <section class="card" aria-labelledby="lang-h">
        {/* Named in both languages so someone stuck in the wrong one still finds it. */}
        <h2 id="lang-h">
          {locale === 'en' ? (
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
          {LANGS.map((l) => (
            <button
              key={l.value}
              type="button"
              lang={l.value}
              class={'seg' + (locale === l.value ? ' seg-on' : '')}
              aria-pressed={locale === l.value}
              data-testid={l.value === 'en' ? 'lang-en' : 'lang-zh'}
              onClick={() => changeLocale(l.value)}
            >
              {l.label}
            </button>
          ))}
        </div>
      </section>

      {me && (
        <section class="card" aria-labelledby="acct-h">
          <h2 id="acct-h">{t('settings.account')}</h2>
          <p class="item-title" data-testid="settings-whoami">
            {me.display_name}
          </p>
          <p class="muted nowrap">{fmtPhone(me.phone)}</p>
        </section>
      )}

      <form class="card form" onSubmit={changePassword} noValidate aria-labelledby="pw-h">
        <h2 id="pw-h">{t('settings.password')}</h2>
        {done && <Notice testid="password-changed">{t('settings.passwordChanged')}</Notice>}
        <ErrorBox error={errors.general} />
        <PasswordField
          label={t('field.currentPassword')}
          value={current}
          onValue={setCurrent}
          error={errors.fields.current_password}
          testid="settings-current-password"
        />
        <PasswordField isNew label={t('field.newPassword')} value={next} onValue={setNext} error={errors.fields.new_password} testid="settings-new-password" />
        <SubmitButton label={t('settings.changePassword')} busyLabel={t('common.saving')} busy={busy} testid="settings-password-submit" />
      </form>

      <SignOutButton class="btn btn-danger-outline btn-block" testid="settings-logout" />
    </Page>
  );
}
