import type { ButtonHTMLAttributes, ComponentChildren, ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorText, fieldErrorText, offlineStore, type Pagination, api } from './api';
import { t, useLocale } from './i18n';
import { Link } from './router';
import { useStore } from './store';

// ---- layout ----------------------------------------------------------------
export function Page(props: { title: string; back?: string; children?: ComponentChildren; testid?: string }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Move focus to the new page's heading so screen readers announce it.
    h1.current?.focus({ preventScroll: true });
  }, [props.title]);
  return (
    <section class="page" data-testid={props.testid}>
      {props.back && (
        <Link class="back" href={props.back}>
          <span aria-hidden="true">‹ </span>
          {props.back === '/' ? t('nav.home') : t('nav.back')}
        </Link>
      )}
      <h1 tabIndex={-1} ref={h1}>
        {props.title}
      </h1>
      {props.children}
    </section>
  );
}

export function Loading() {
  useLocale();
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {t('app.loading')}
    </p>
  );
}

export function ErrorBox(props: { error: unknown; onRetry?: () => void; testid?: string }) {
  if (!props.error) return null;
  const text = typeof props.error === 'string' ? props.error : errorText(props.error);
  return (
    <div class="alert alert-error" role="alert" data-testid={props.testid ?? 'form-error'}>
      <p>{text}</p>
      {props.onRetry && (
        <button type="button" class="btn btn-secondary btn-small" onClick={props.onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice(props: { children: ComponentChildren; testid?: string }) {
  return (
    <div class="alert alert-ok" role="status" data-testid={props.testid ?? 'notice'}>
      {props.children}
    </div>
  );
}

export function Badge(props: { kind?: 'ok' | 'warn' | 'muted' | 'info' | 'bad'; children: ComponentChildren }) {
  return <span class={`badge badge-${props.kind ?? 'info'}`}>{props.children}</span>;
}

// ---- forms -----------------------------------------------------------------
let fieldSeq = 0;
function useId(prefix: string): string {
  const ref = useRef<string>('');
  if (!ref.current) ref.current = `${prefix}-${++fieldSeq}`;
  return ref.current;
}

interface FieldProps {
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  error?: string;
  testid?: string;
  type?: 'text' | 'tel' | 'password' | 'number';
  autoComplete?: string;
  inputMode?: 'text' | 'tel' | 'numeric';
  maxLength?: number;
  min?: number;
  max?: number;
}

export function Field({ label, value, onValue, hint, error, testid, type, ...rest }: FieldProps) {
  const id = useId('f');
  const [show, setShow] = useState(false);
  const isPassword = type === 'password';
  const describedBy = [hint && id + '-hint', error && id + '-err'].filter(Boolean).join(' ') || undefined;
  return (
    <div class={'field' + (error ? ' field-invalid' : '')}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={id + '-hint'}>
          {hint}
        </p>
      )}
      <div class={isPassword ? 'pw-wrap' : undefined}>
        <input
          id={id}
          type={(isPassword && show ? 'text' : type ?? 'text') as 'text'}
          value={value}
          onInput={(e) => onValue((e.target as HTMLInputElement).value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          data-testid={testid}
          {...rest}
        />
        {isPassword && (
          <button
            type="button"
            class="pw-toggle"
            aria-pressed={show}
            aria-label={t('common.showPasswordLabel')}
            data-testid={testid ? testid + '-toggle' : undefined}
            onClick={() => setShow(!show)}
          >
            {show ? t('common.hidePassword') : t('common.showPassword')}
          </button>
        )}
      </div>
      {error && (
        <p class="field-error" id={id + '-err'} data-testid={testid ? testid + '-error' : undefined}>
          {error}
        </p>
      )}
    </div>
  );
}

export function SelectField(props: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  options: { value: string; label: string }[];
  placeholder?: string;
  error?: string;
  hint?: string;
  testid?: string;
  disabled?: boolean;
}) {
  const id = useId('s');
  return (
    <div class={'field' + (props.error ? ' field-invalid' : '')}>
      <label for={id}>{props.label}</label>
      {props.hint && <p class="hint">{props.hint}</p>}
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onValue((e.target as HTMLSelectElement).value)}
        aria-invalid={props.error ? true : undefined}
        data-testid={props.testid}
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.error && (
        <p class="field-error" data-testid={props.testid ? props.testid + '-error' : undefined}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Toggle(props: { label: string; checked: boolean; onChange: (v: boolean) => void; testid?: string }) {
  return (
    <label class="toggle">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
        data-testid={props.testid}
      />
      <span>{props.label}</span>
    </label>
  );
}

/** Submit button that is disabled, and says why, while offline. */
export function SubmitButton(props: {
  label: string;
  busyLabel?: string;
  busy?: boolean;
  testid?: string;
  class?: string;
  disabled?: boolean;
}) {
  const offline = useStore(offlineStore);
  return (
    <div class="submit-row">
      <button
        type="submit"
        class={props.class ?? 'btn btn-primary btn-block'}
        disabled={offline || props.busy || props.disabled}
        aria-busy={props.busy || undefined}
        data-testid={props.testid}
      >
        {props.busy && <span class="spinner spinner-light" aria-hidden="true" />}
        {props.busy && props.busyLabel ? props.busyLabel : props.label}
      </button>
      {offline && (
        <p class="needs-net" data-testid="needs-connection">
          {t('offline.needsLong')}
        </p>
      )}
    </div>
  );
}

/** A button for an online action; disabled while offline. */
export function ActionButton(
  props: ButtonHTMLAttributes & { testid?: string; busy?: boolean },
) {
  const offline = useStore(offlineStore);
  const { testid, busy, disabled, children, ...rest } = props;
  return (
    <button
      type="button"
      {...rest}
      disabled={offline || busy || (disabled as boolean)}
      title={offline ? t('offline.needs') : (rest.title as string | undefined)}
      data-testid={testid}
    >
      {busy && <span class="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** Two-step button for destructive actions: tap, then confirm. */
export function ConfirmButton(props: {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  testid?: string;
  class?: string;
  busy?: boolean;
}) {
  const [armed, setArmed] = useState(false);
  if (!armed)
    return (
      <ActionButton class={props.class ?? 'btn btn-danger-outline'} onClick={() => setArmed(true)} testid={props.testid} busy={props.busy}>
        {props.label}
      </ActionButton>
    );
  return (
    <span class="confirm-pair">
      <ActionButton
        class="btn btn-danger"
        testid={props.testid ? props.testid + '-confirm' : undefined}
        onClick={() => {
          setArmed(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </ActionButton>
      <button type="button" class="btn btn-secondary" onClick={() => setArmed(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}

interface FormErrors {
  general: string | null;
  fields: Record<string, string>;
}

/**
 * Split an API error into a general message and translated per-field messages.
 * `fieldOf` moves whole-request errors (phone_taken) next to the relevant field.
 */
function toFormErrors(e: unknown, known: string[], fieldOf: Record<string, string> = {}): FormErrors {
  const fields: Record<string, string> = {};
  const extra: string[] = [];
  if (e instanceof ApiError) {
    for (const [name, msgs] of Object.entries(e.fields)) {
      const list = Array.isArray(msgs) ? msgs : [String(msgs)];
      const text = list.map((m) => fieldErrorText(String(m))).join(' ');
      if (known.includes(name)) fields[name] = text;
      else extra.push(text);
    }
    const target = fieldOf[e.error];
    if (target && !fields[target]) fields[target] = errorText(e);
  }
  // A whole-request error shown next to its field needs no second copy at the top;
  // validation_failed keeps its summary line.
  const onField = Object.keys(fields).length > 0 && e instanceof ApiError && e.error !== 'validation_failed';
  const general = [...(onField ? [] : [errorText(e)]), ...extra].join(' ') || null;
  return { general, fields };
}

const noErrors: FormErrors = { general: null, fields: {} };

/** After a failed submit: focus the first invalid field, or bring the message into view. */
function useRevealErrors(errors: FormErrors): void {
  useEffect(() => {
    if (Object.keys(errors.fields).length) {
      const el = document.querySelector<HTMLElement>('main [aria-invalid="true"]');
      el?.focus();
      el?.scrollIntoView({ block: 'center' });
    } else if (errors.general) {
      document.querySelector('main [role="alert"]')?.scrollIntoView({ block: 'center' });
    }
  }, [errors]);
}

/**
 * State of a form that checks its inputs, then calls the server. `send` shows the problems the
 * checks found (`fields`, and `general` above them), or else runs `action` with the form busy and
 * shows what the server refused: errors on the `known` fields next to them, the rest at the top.
 * A form whose success leaves the page (`leaves`) stays busy until it is gone.
 */
export function useForm(known: string[], fieldOf?: Record<string, string>) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  useRevealErrors(errors);
  const send = async (
    fields: Record<string, string>,
    action: () => Promise<unknown>,
    { general = null, leaves = false }: { general?: string | null; leaves?: boolean } = {},
  ) => {
    if (Object.keys(fields).length) return setErrors({ general, fields });
    setBusy(true);
    setErrors(noErrors);
    try {
      await action();
      if (!leaves) setBusy(false);
    } catch (err) {
      setErrors(toFormErrors(err, known, fieldOf));
      setBusy(false);
    }
  };
  return { busy, errors, send };
}

// ---- data ------------------------------------------------------------------
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    fn().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return { ...state, reload: () => setN((x) => x + 1), setData: (data: T) => setState({ data, loading: false }) };
}

/** A paginated list with "load more". `path` carries the filters. */
export function usePaged<T>(path: string | null, pageSize = 20) {
  const [items, setItems] = useState<T[]>([]);
  const [pagination, setPagination] = useState<Pagination | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [n, setN] = useState(0);
  const load = (page: number, replace: boolean, live: () => boolean = () => true) => {
    if (!path) return;
    const sep = path.includes('?') ? '&' : '?';
    setLoading(true);
    setError(null);
    api.list<T>(`${path}${sep}page=${page}&page_size=${pageSize}`).then(
      (r) => {
        if (!live()) return;
        setItems((old) => (replace ? r.data : [...old, ...r.data]));
        setPagination(r.pagination);
        setLoading(false);
      },
      (e) => {
        if (!live()) return;
        setError(e);
        setLoading(false);
      },
    );
  };
  useEffect(() => {
    let alive = true;
    load(1, true, () => alive);
    return () => {
      alive = false;
    };
  }, [path, n]);
  return {
    items,
    setItems,
    pagination,
    loading,
    error,
    reload: () => setN((x) => x + 1),
    hasMore: !!pagination?.next_page,
    loadMore: () => pagination?.next_page && load(pagination.next_page, false),
  };
}

export function LoadMore(props: { list: { hasMore: boolean; loading: boolean; loadMore: () => unknown } }) {
  if (!props.list.hasMore) return null;
  return (
    <button
      type="button"
      class="btn btn-secondary btn-block"
      disabled={props.list.loading}
      onClick={() => props.list.loadMore()}
      data-testid="load-more"
    >
      {t('common.loadMore')}
    </button>
  );
}

// ---- copy / share -----------------------------------------------------------
export function CopyLink(props: { url: string; shareTitle?: string; shareText?: string; testid?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.url);
      setState('copied');
    } catch {
      // Older WebViews: select the text so a long-press copies it.
      const el = document.getElementById(`link-${props.testid}`);
      if (el) {
        const r = document.createRange();
        r.selectNodeContents(el);
        const sel = getSelection();
        sel?.removeAllRanges();
        sel?.addRange(r);
      }
      setState('failed');
    }
  };
  const canShare = typeof navigator.share === 'function';
  return (
    <div class="copy-link">
      <p class="link-text" id={`link-${props.testid}`} data-testid={props.testid}>
        {props.url}
      </p>
      <div class="btn-row">
        <button type="button" class="btn btn-primary" onClick={copy} data-testid={props.testid + '-copy'}>
          {state === 'copied' ? '✓ ' + t('common.copied') : t('common.copy')}
        </button>
        {canShare && (
          <button
            type="button"
            class="btn btn-secondary"
            data-testid={props.testid + '-share'}
            onClick={() =>
              navigator.share({ title: props.shareTitle, text: props.shareText, url: props.url }).catch(() => undefined)
            }
          >
            {t('common.share')}
          </button>
        )}
      </div>
      {state === 'failed' && <p class="hint">{t('invites.copyFailed')}</p>}
    </div>
  );
}

// ---- code splitting ---------------------------------------------------------
export function lazy<P extends object>(loader: () => Promise<ComponentType<P>>): ComponentType<P> {
  let Loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [, force] = useState(0);
    const [failed, setFailed] = useState<unknown>(null);
    useEffect(() => {
      if (Loaded) return;
      pending = pending ?? loader();
      pending.then(
        (C) => {
          Loaded = C;
          force((x) => x + 1);
        },
        (e) => {
          pending = null;
          setFailed(e);
        },
      );
    }, []);
    if (Loaded) return <Loaded {...props} />;
    if (failed) return <ErrorBox error={new ApiError(0, 'network')} onRetry={() => location.reload()} />;
    return <Loading />;
  };
}
