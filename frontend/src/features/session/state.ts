import { computed, signal } from '@preact/signals';
import { forgetCsrf, onAuthProblem, refreshCsrf } from '../../api/client';
import { offline } from '../../api/connectivity';
import { ApiError } from '../../api/errors';
import type { Me, Schemas } from '../../api/types';
import { locale, setLocale, type Locale } from '../../i18n';
import { storage } from '../../lib/storage';
import { navigate } from '../../app/navigation';
import * as api from './api';
import { capabilitiesOf } from './capabilities';
import { clearUserData, USER_KEY_PREFIX } from './userData';

const ME_KEY = USER_KEY_PREFIX + 'me';

/** The phone's copy of the account, if it has the shape this version of the app draws. */
function cachedMe(): Me | null {
  try {
    const raw = storage.get(ME_KEY);
    const copy = raw ? JSON.parse(raw) : null;
    return copy && Array.isArray(copy.roles) && Array.isArray(copy.teams) && typeof copy.capabilities === 'object' ? copy : null;
  } catch {
    return null;
  }
}

/** The signed-in account: the server's answer, or this phone's last copy while offline. */
export const me = signal<Me | null>(cachedMe());
/** true once the server has answered /me, or it is known that it can't be asked. */
export const sessionReady = signal(false);
/** me is the phone's copy; the server has not confirmed it yet. */
export const sessionStale = signal(me.peek() !== null);
/** Why the last session ended without the user signing out, to say so on the sign-in screen. */
export type EndReason = 'expired' | 'rejected' | 'deactivated';
export const sessionEnd = signal<EndReason | null>(null);

export const capabilities = computed(() => capabilitiesOf(me.value));

function setMe(next: Me | null, stale = false): void {
  storage.set(ME_KEY, next ? JSON.stringify(next) : null);
  me.value = next;
  sessionReady.value = true;
  sessionStale.value = stale;
}

/** The server ended the session (rejection, deactivation, password change elsewhere). */
function ended(reason: EndReason): void {
  if (me.peek()) sessionEnd.value = reason;
  setMe(null);
  forgetCsrf();
  void clearUserData();
}

/** The language follows this phone; the account's copy is kept in step for server-sent texts. */
function syncServerLocale(account: Me): void {
  const current = locale.peek();
  if (account.locale !== current && (account.status === 'active' || account.status === 'pending'))
    api.updateMe({ locale: current }).then((fresh) => setMe(fresh), () => undefined);
}

/** Ask the server who we are; keep the phone's copy when it can't be reached. */
export async function loadMe(): Promise<Me | null> {
  try {
    const account = await api.getMe();
    setMe(account);
    syncServerLocale(account);
    return account;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null; // handled by onAuthProblem
    sessionReady.value = true;
    sessionStale.value = me.peek() !== null;
    throw e;
  }
}

onAuthProblem((error) => {
  if (error.error === 'unauthorized' || error.error === 'account_rejected' || error.error === 'account_deactivated') {
    const reason: EndReason =
      error.error === 'account_rejected' ? 'rejected' : error.error === 'account_deactivated' ? 'deactivated' : 'expired';
    if (me.peek()) ended(reason);
    else setMe(null);
  } else if (me.peek()) {
    // account_pending: our copy is out of date.
    loadMe().catch(() => undefined);
  }
});

export async function bootstrap(): Promise<void> {
  refreshCsrf().catch(() => undefined);
  await loadMe().catch(() => undefined);
  // Back online after starting offline: confirm the phone's copy with the server.
  offline.subscribe((isOffline) => {
    if (!isOffline && sessionStale.peek()) loadMe().catch(() => undefined);
  });
}

function startSession(account: Me): void {
  sessionEnd.value = null;
  forgetCsrf(); // the token is bound to the session that just changed
  refreshCsrf().catch(() => undefined);
  setMe(account);
}

export async function login(body: Schemas['Login']): Promise<Me> {
  const account = await api.signIn(body);
  startSession(account);
  syncServerLocale(account);
  return account;
}

export async function register(body: Omit<Schemas['Register'], 'locale'>): Promise<Me> {
  const account = await api.register({ ...body, locale: locale.peek() });
  startSession(account);
  return account;
}

/**
 * Sign out: tell the server, go to the sign-in screen (not back to this one after the next
 * sign-in), then forget the user's data on this phone. Offline it fails: the server would
 * still know the session.
 */
export async function logout(): Promise<void> {
  try {
    await api.signOut();
  } catch (e) {
    if (e instanceof ApiError && e.network) throw e;
  }
  const leaving = me.peek()?.id;
  navigate('/login', true);
  setMe(null);
  forgetCsrf();
  refreshCsrf().catch(() => undefined);
  // The outbox and push code load only now: they are not part of the first download.
  await Promise.allSettled([clearUserData(), leaving !== undefined && import('./leave').then((m) => m.leave(leaving))]);
}

export async function changeLocale(next: Locale): Promise<void> {
  await setLocale(next);
  const account = me.peek();
  if (account && (account.status === 'active' || account.status === 'pending')) {
    try {
      setMe(await api.updateMe({ locale: next }));
    } catch {
      /* remembered on this phone; the server copy is only a default for other devices */
    }
  }
}
