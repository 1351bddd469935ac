import { api, ApiError, clearCsrf, offlineStore, onAuthProblem, refreshCsrf, type Me, type RoleName } from './api';
import { localeStore, setLocale, type Locale } from './i18n';
import { createStore, storage } from './store';

const ME_KEY = 'pingan.me';

function cachedMe(): Me | null {
  try {
    const raw = storage.get(ME_KEY);
    return raw ? (JSON.parse(raw) as Me) : null;
  } catch {
    return null;
  }
}

export interface Session {
  me: Me | null;
  /** true once the server has answered /me (or we know we can't reach it) */
  ready: boolean;
  /** me comes from the local cache, the server could not be asked */
  stale: boolean;
}

const initial = cachedMe();
export const sessionStore = createStore<Session>({ me: initial, ready: false, stale: initial !== null });

/** The server ended our session (rejection, deactivation, password change elsewhere). */
export const sessionEndedStore = createStore(false);

function sessionEnded(): void {
  if (sessionStore.get().me) sessionEndedStore.set(true);
  setMe(null);
}

export function setMe(me: Me | null, stale = false): void {
  storage.set(ME_KEY, me ? JSON.stringify(me) : null);
  sessionStore.set({ me, ready: true, stale });
}

/**
 * The language follows this device (navigator.language or the choice made here);
 * the account's copy is kept in step so server-sent texts (push, later) match.
 */
function syncServerLocale(me: Me): void {
  const local = localeStore.get();
  if (me.locale !== local && (me.status === 'active' || me.status === 'pending'))
    api.patch<Me>('/me', { locale: local }).then((fresh) => setMe(fresh), () => undefined);
}

/** Ask the server who we are; keep the cached user when offline. */
export async function loadMe(): Promise<Me | null> {
  try {
    const me = await api.get<Me>('/me');
    setMe(me);
    syncServerLocale(me);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      sessionEnded();
      return null;
    }
    const cur = sessionStore.get();
    sessionStore.set({ me: cur.me, ready: true, stale: cur.me !== null });
    throw e;
  }
}

onAuthProblem((error) => {
  if (!sessionStore.get().me) return;
  // Signed out elsewhere (password change, deactivation): forget the cached user.
  if (error === 'unauthorized') sessionEnded();
  else loadMe().catch(() => undefined);
});

export async function bootstrap(): Promise<void> {
  refreshCsrf().catch(() => undefined);
  await loadMe().catch(() => undefined);
  // Back online after starting offline: confirm the cached user with the server.
  offlineStore.subscribe((offline) => {
    if (!offline && sessionStore.get().stale) loadMe().catch(() => undefined);
  });
}

export async function login(phone: string, password: string): Promise<Me> {
  const me = await api.post<Me>('/auth/login', { phone, password });
  sessionEndedStore.set(false);
  clearCsrf(); // the session changed; Flask-WTF tokens are bound to it
  refreshCsrf().catch(() => undefined);
  setMe(me);
  syncServerLocale(me);
  return me;
}

export async function register(body: {
  invite_token: string;
  phone: string;
  display_name: string;
  password: string;
}): Promise<Me> {
  const me = await api.post<Me>('/auth/register', { ...body, locale: localeStore.get() });
  sessionEndedStore.set(false);
  clearCsrf();
  refreshCsrf().catch(() => undefined);
  setMe(me);
  return me;
}

export async function logout(): Promise<void> {
  try {
    await api.post('/auth/logout');
  } catch (e) {
    // Offline: keep the session, the server would still know us.
    if (e instanceof ApiError && e.network) throw e;
  }
  setMe(null);
  clearCsrf();
  refreshCsrf().catch(() => undefined);
}

export async function changeLocale(locale: Locale): Promise<void> {
  setLocale(locale);
  const me = sessionStore.get().me;
  if (me && me.status !== 'rejected' && me.status !== 'deactivated') {
    try {
      setMe(await api.patch<Me>('/me', { locale }));
    } catch {
      /* remembered locally; the server copy is only a default for other devices */
    }
  }
}

export function hasRole(me: Me | null, ...roles: RoleName[]): boolean {
  return !!me && me.roles.some((r) => roles.includes(r.role));
}

export const isCoordinator = (me: Me | null) => hasRole(me, 'coordinator', 'admin');
export const isAdmin = (me: Me | null) => hasRole(me, 'admin');
export const canSeeRosters = (me: Me | null) =>
  hasRole(me, 'coordinator', 'officer', 'admin') || !!me?.teams.some((t) => t.is_leader);
