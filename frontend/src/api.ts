import { createStore } from './store';
import { isMsgKey, t, type MsgKey } from './i18n';

// ---- shapes --------------------------------------------------------------
export type UnitKind = 'district' | 'street' | 'community';
export type RoleName = 'member' | 'coordinator' | 'officer' | 'admin';
export type UserStatus = 'pending' | 'active' | 'rejected' | 'deactivated';
export interface UnitRef { id: number; name: string; kind: UnitKind }
export interface Me {
  id: number;
  phone: string;
  display_name: string;
  status: UserStatus;
  locale: 'zh-CN' | 'en' | null;
  roles: { id: number; role: RoleName; unit: UnitRef }[];
  teams: { id: number; name: string; is_leader: boolean; unit: UnitRef }[];
  created_at: string;
}
export interface Unit { id: number; name: string; kind: UnitKind; parent_id: number | null; is_active: boolean }
export interface Team { id: number; name: string; unit: UnitRef; is_active: boolean; member_count: number }
export interface Member {
  user: { id: number; display_name: string; phone: string; status: UserStatus };
  is_leader: boolean;
  joined_at: string;
}
export interface Geometry { type: string; coordinates: unknown }
export interface Area { id: number; name: string; unit: UnitRef; geometry: Geometry; is_active: boolean }
export interface Invite {
  id: number;
  token: string;
  url: string;
  qr_svg_url: string;
  team: { id: number; name: string };
  unit: UnitRef;
  expires_at: string;
  max_uses: number;
  use_count: number;
  auto_approve: boolean;
  is_usable: boolean;
  revoked_at: string | null;
  created_at: string;
}
export interface InvitePreview { team: { id: number; name: string }; unit: UnitRef; expires_at: string; auto_approve: boolean }
export interface User {
  id: number;
  display_name: string;
  phone: string;
  status: UserStatus;
  teams: { id: number; name: string; is_leader: boolean; unit: UnitRef }[];
  created_at: string;
}
export interface Pagination {
  total: number;
  total_pages: number;
  first_page?: number;
  last_page?: number;
  page: number;
  next_page?: number;
  previous_page?: number;
}

// ---- connectivity --------------------------------------------------------
// navigator.onLine is only a hint (it can say "online" with no network), so a
// failed fetch also marks us offline and any answer from the server clears it.
export const offlineStore = createStore<boolean>(!navigator.onLine);
let probeTimer: number | undefined;

function setOffline(off: boolean): void {
  offlineStore.set(off);
  if (off && probeTimer === undefined) {
    probeTimer = window.setInterval(() => {
      fetch('/api/v1/ping', { credentials: 'same-origin', cache: 'no-store' })
        .then(() => setOffline(false))
        .catch(() => undefined);
    }, 15000);
  } else if (!off && probeTimer !== undefined) {
    clearInterval(probeTimer);
    probeTimer = undefined;
  }
}
window.addEventListener('online', () => setOffline(false));
window.addEventListener('offline', () => setOffline(true));
if (offlineStore.get()) setOffline(true);

// ---- errors --------------------------------------------------------------
export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  constructor(
    public status: number,
    public error: string,
    public fields: FieldErrors = {},
    public retryAfter: number | null = null,
  ) {
    super(error);
  }
  get network(): boolean {
    return this.status === 0;
  }
}

/** A translated, user-facing sentence for any error (never raw API text). */
export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return t('err.generic');
  if (e.network) return t('err.network');
  if (e.error === 'too_many_requests' && e.retryAfter && e.retryAfter > 0) {
    const n = Math.max(1, Math.ceil(e.retryAfter / 60));
    return n === 1 ? t('err.retry_minutes_one') : t('err.retry_minutes', { n });
  }
  const key = 'err.' + e.error;
  return isMsgKey(key) ? t(key) : t('err.generic');
}

/** Translate one message from errors.json.<field>. */
export function fieldErrorText(msg: string): string {
  const m = /^([a-z][a-z0-9_]*)(?::\s*(.*))?$/s.exec(msg);
  if (m) {
    // Field codes first (fe.*), then whole-request ids reported on a field (phone_taken).
    const key = ['fe.' + m[1], 'err.' + m[1]].find(isMsgKey) as MsgKey | undefined;
    if (key) return m[2] ? t(key).replace(/[。.]$/, '') + t('fmt.colon') + m[2] : t(key);
  }
  if (msg === 'Missing data for required field.' || msg === 'Field may not be null.') return t('fe.required');
  const len = /^Length must be between (\d+) and (\d+)\.$/.exec(msg);
  if (len) return t('fe.length', { min: len[1], max: len[2] });
  const range = /^Must be greater than or equal to (\d+) and less than or equal to (\d+)\.$/.exec(msg);
  if (range) return t('fe.range', { min: range[1], max: range[2] });
  return t('fe.invalid');
}

// ---- CSRF ----------------------------------------------------------------
let csrfToken: string | null = null;
let csrfPending: Promise<string> | null = null;

export function refreshCsrf(): Promise<string> {
  csrfPending = request<{ csrf_token: string }>('GET', '/auth/csrf')
    .then((r) => (csrfToken = r.data.csrf_token))
    .finally(() => {
      csrfPending = null;
    });
  return csrfPending;
}

async function csrf(): Promise<string> {
  if (csrfToken) return csrfToken;
  return csrfPending ?? refreshCsrf();
}

// ---- requests ------------------------------------------------------------
let authProblem: ((error: string) => void) | null = null;
/** Called when the server says our session ended or the account's status changed. */
export function onAuthProblem(fn: (error: string) => void): void {
  authProblem = fn;
}

export interface Result<T> { data: T; pagination: Pagination | null }

async function request<T>(method: string, path: string, body?: unknown, retried = false): Promise<Result<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRFToken'] = await csrf();
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    setOffline(true);
    throw new ApiError(0, 'network');
  }
  setOffline(false);
  let json: any = null;
  if (res.status !== 204) {
    try {
      json = await res.json();
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const error = typeof json?.error === 'string' ? json.error : statusToError(res.status);
    if (error === 'csrf_failed' && !retried && method !== 'GET') {
      csrfToken = null;
      await refreshCsrf();
      return request<T>(method, path, body, true);
    }
    if (error === 'unauthorized' || error === 'account_pending' || error === 'account_deactivated') authProblem?.(error);
    const ra = Number(res.headers.get('Retry-After'));
    const fields: FieldErrors = {};
    const raw = json?.errors?.json && typeof json.errors.json === 'object' ? json.errors.json : {};
    for (const [name, entries] of Object.entries(raw as Record<string, unknown[]>))
      fields[name] = (Array.isArray(entries) ? entries : []).map((entry: any) =>
        typeof entry === 'string' ? entry : entry.params?.at ? `${entry.code}: ${entry.params.at}` : String(entry.code),
      );
    throw new ApiError(res.status, error, fields, Number.isFinite(ra) && ra > 0 ? ra : null);
  }
  let pagination: Pagination | null = null;
  const ph = res.headers.get('X-Pagination');
  if (ph) {
    try {
      pagination = JSON.parse(ph);
    } catch {
      pagination = null;
    }
  }
  return { data: json as T, pagination };
}

function statusToError(status: number): string {
  const map: Record<number, string> = {
    400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
    413: 'payload_too_large', 422: 'validation_failed', 429: 'too_many_requests',
  };
  return map[status] ?? (status >= 500 ? 'internal_error' : 'generic');
}

export function clearCsrf(): void {
  csrfToken = null;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path).then((r) => r.data),
  list: <T>(path: string) => request<T[]>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}).then((r) => r.data),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body).then((r) => r.data),
};

/** Every page of a list (for pickers); capped so a huge scope can't hang the phone. */
export async function listAll<T>(path: string, maxPages = 10): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  const out: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const r = await api.list<T>(`${path}${sep}page=${page}&page_size=100`);
    out.push(...r.data);
    if (!r.pagination || !r.pagination.next_page) break;
  }
  return out;
}

/** +8613800000004 -> 138 0000 0004 (easier to read aloud and to check). */
export function fmtPhone(phone: string): string {
  const m = /^(?:\+86)?(1\d{2})(\d{4})(\d{4})$/.exec(phone);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : phone;
}

export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== false)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? '?' + parts.join('&') : '';
}
