import type { ComponentProps } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type InvitePreview } from '../api';
import { fmtTime, t } from '../i18n';
import { Link, navigate } from '../router';
import { login, logout, register, sessionEndedStore, sessionStore } from '../session';
import { useStore } from '../store';
import { ErrorBox, Field, Loading, Notice, Page, SubmitButton, useAsync, useForm } from '../ui';

export const cleanPhone = (v: string) => v.replace(/[\s-]/g, '');
const PHONE_RE = /^(\+?86)?1[3-9]\d{9}$/;

/** Client-side checks mirror the server's, with the same translated texts. */
export function checkPassword(pw: string): string | undefined {
  if (!pw) return t('fe.required');
  if (pw.length < 8) return t('fe.password_too_short');
  return undefined;
}

type FieldProps = ComponentProps<typeof Field>;

/** A password input; one for a new password also states the rule it must meet. */
export function PasswordField({ isNew, ...rest }: Omit<FieldProps, 'type' | 'autoComplete' | 'hint'> & { isNew?: boolean }) {
  return (
    <Field type="password" autoComplete={isNew ? 'new-password' : 'current-password'} hint={isNew ? t('field.passwordHint') : undefined} {...rest} />
  );
}

function PhoneField(props: Omit<FieldProps, 'label' | 'type' | 'inputMode'>) {
  return <Field label={t('field.phone')} type="tel" inputMode="tel" {...props} />;
}

function safeNext(): string {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function Login() {
  const session = useStore(sessionStore);
  useEffect(() => {
    // Already signed in (e.g. the back button after signing in): go where we were headed.
    if (session.me && !session.stale) navigate(safeNext(), true);
  }, [session.me, session.stale]);
  const ended = useStore(sessionEndedStore);
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const { busy, errors, send } = useForm(['phone', 'password']);

  const submit = (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!cleanPhone(phone)) fields.phone = t('fe.required');
    if (!password) fields.password = t('fe.required');
    const signIn = async () => {
      await login(cleanPhone(phone), password);
      navigate(safeNext(), true);
    };
    send(fields, signIn, { leaves: true });
  };

  return (
    <Page title={t('login.title')} testid="login-page">
      {ended && !errors.general && (
        <p class="alert alert-info" role="status" data-testid="signed-out-notice">
          {t('login.signedOut')}
        </p>
      )}
      <form class="card form" onSubmit={submit} noValidate>
        <ErrorBox error={errors.general} />
        <PhoneField autoComplete="username" value={phone} onValue={setPhone} error={errors.fields.phone} testid="login-phone" />
        <PasswordField label={t('field.password')} value={password} onValue={setPassword} error={errors.fields.password} testid="login-password" />
        <SubmitButton label={t('login.submit')} busyLabel={t('login.busy')} busy={busy} testid="login-submit" />
      </form>
      <p class="muted center">{t('login.noAccount')}</p>
    </Page>
  );
}

const JOIN_FIELDS = ['phone', 'display_name', 'password'];

export function Join({ token }: { token: string }) {
  const session = useStore(sessionStore);
  const invite = useAsync(() => api.get<InvitePreview>(`/invites/by-token/${encodeURIComponent(token)}`), [token]);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, errors, send } = useForm(JOIN_FIELDS, { phone_taken: 'phone' });
  const [replacing, setReplacing] = useState(false);

  if (invite.loading && !invite.data) return <Loading />;
  if (invite.error && !invite.data) {
    const gone = invite.error instanceof ApiError && ['invite_not_found', 'invite_expired', 'invite_used_up', 'invite_revoked'].includes(invite.error.error);
    return (
      <Page title={gone ? t('join.invalidTitle') : t('join.title')} testid="join-invalid">
        <ErrorBox error={invite.error} testid="invite-error" onRetry={gone ? undefined : invite.reload} />
        {gone && <p>{t('join.askNew')}</p>}
        <p>
          <Link href="/login" class="btn btn-secondary btn-block">
            {t('join.haveAccount')}
          </Link>
        </p>
      </Page>
    );
  }
  const inv = invite.data!;
  const me = session.me;

  const submit = (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    const p = cleanPhone(phone);
    if (!p) fields.phone = t('fe.required');
    else if (!PHONE_RE.test(p)) fields.phone = t('fe.phone_invalid');
    if (!name.trim()) fields.display_name = t('fe.required');
    const pwErr = checkPassword(password);
    if (pwErr) fields.password = pwErr;
    const join = async () => {
      if (me) await logout();
      await register({ invite_token: token, phone: p, display_name: name.trim(), password });
      navigate('/', true);
    };
    send(fields, join, { general: t('err.validation_failed'), leaves: true });
  };

  return (
    <Page title={t('join.title')} testid="join-page">
      <div class="card invite-card" data-testid="invite-summary">
        <p class="invite-headline">{t('join.invited', { team: inv.team.name, unit: inv.unit.name })}</p>
        <p class="muted">{t('join.expires', { time: fmtTime(inv.expires_at) })}</p>
        <p>{inv.auto_approve ? t('join.autoApprove') : t('join.needsApproval')}</p>
      </div>
      {me && !replacing ? (
        <div class="card">
          <p>{t('join.signedInAs', { name: me.display_name })}</p>
          <div class="btn-col">
            <Link href="/" class="btn btn-primary btn-block">
              {t('nav.home')}
            </Link>
            <button type="button" class="btn btn-secondary btn-block" onClick={() => setReplacing(true)}>
              {t('join.signOutFirst')}
            </button>
          </div>
        </div>
      ) : (
        <form class="card form" onSubmit={submit} noValidate>
          <ErrorBox error={errors.general} />
          <PhoneField hint={t('field.phoneHint')} autoComplete="tel" value={phone} onValue={setPhone} error={errors.fields.phone} testid="join-phone" />
          <Field
            label={t('field.displayName')}
            hint={t('field.displayNameHint')}
            autoComplete="name"
            maxLength={40}
            value={name}
            onValue={setName}
            error={errors.fields.display_name}
            testid="join-name"
          />
          <PasswordField isNew label={t('field.password')} value={password} onValue={setPassword} error={errors.fields.password} testid="join-password" />
          <SubmitButton label={t('join.submit')} busyLabel={t('join.busy')} busy={busy} testid="join-submit" />
        </form>
      )}
      {!me && (
        <p class="center">
          <Link href="/login">{t('join.haveAccount')}</Link>
        </p>
      )}
    </Page>
  );
}

export function Reset({ token }: { token: string }) {
  const info = useAsync(
    () => api.get<{ display_name: string; expires_at: string }>(`/password-resets/${encodeURIComponent(token)}`),
    [token],
  );
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { busy, errors, send } = useForm(['new_password']);

  if (info.loading && !info.data) return <Loading />;
  if (info.error && !info.data) {
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
        <Link href="/login" class="btn btn-primary btn-block" data-testid="reset-to-login">
          {t('reset.toLogin')}
        </Link>
      </Page>
    );

  const submit = (e: Event) => {
    e.preventDefault();
    const pwErr = checkPassword(password);
    send(pwErr ? { new_password: pwErr } : {}, async () => {
      await api.post(`/password-resets/${encodeURIComponent(token)}`, { new_password: password });
      setDone(true);
    });
  };

  return (
    <Page title={t('reset.title')} testid="reset-page">
      <form class="card form" onSubmit={submit} noValidate>
        <p class="invite-headline">{t('reset.for', { name: info.data!.display_name })}</p>
        <p class="muted">{t('reset.expires', { time: fmtTime(info.data!.expires_at) })}</p>
        <ErrorBox error={errors.general} />
        <PasswordField isNew label={t('field.newPassword')} value={password} onValue={setPassword} error={errors.fields.new_password} testid="reset-password" />
        <SubmitButton label={t('reset.submit')} busyLabel={t('common.saving')} busy={busy} testid="reset-submit" />
      </form>
    </Page>
  );
}
