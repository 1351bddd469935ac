/**
 * The outbox as the page uses it: put a write in, see what waits, send now. Loaded lazily
 * (by the signed-in shell and the screens that write offline), never in the first download.
 */
import { computed, signal } from '@preact/signals';
import { forgetCsrf, refreshCsrf } from '../api/client';
import { offline, setOffline } from '../api/connectivity';
import type { paths } from '../api/schema';
import { loadMe, me, sessionReady } from '../features/session/state';
import { OUTBOX_SYNC_TAG, SW_MESSAGE } from './messages';
import { deleteEntriesOf, idbStore } from './db';
import { chainEntries, makeEntry, type NewEntry, type OutboxEntry } from './entry';
import { replay, summarise, withOutboxLock, type ReplayEnv } from './replay';

export type { OutboxEntry } from './entry';

/** Every entry on this phone (the screens show only the signed-in user's). */
const allEntries = signal<OutboxEntry[]>([]);
/** IndexedDB could not be opened (private mode in some browsers): writes go straight to the server. */
export const outboxUnavailable = signal(false);

/** The signed-in user's entries, oldest first. */
export const myEntries = computed(() => {
  const id = me.value?.id ?? null;
  return allEntries.value.filter((entry) => !entry.quiet && (id === null || entry.userId === id)).sort((a, b) => a.seq - b.seq);
});
export const outboxSummary = computed(() => summarise(allEntries.value, me.value?.id ?? null));
/** Sending is being attempted right now (for a spinner). */
export const outboxBusy = signal(false);

/** A path of the API with its parameters filled in: `apiPath('/api/v1/alerts/{alert_id}/answer', {alert_id: 3})`. */
export function apiPath<P extends keyof paths>(template: P, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
}

const env: ReplayEnv = {
  store: idbStore,
  fetch: (url, init) => fetch(url, init),
  signedInUser: async () => me.peek()?.id ?? null,
  // Fetched at replay time: the token belongs to the session signed in now.
  csrfToken: () => {
    forgetCsrf();
    return refreshCsrf();
  },
};

async function reload(): Promise<void> {
  try {
    allEntries.value = await idbStore.all();
    outboxUnavailable.value = false;
  } catch {
    outboxUnavailable.value = true;
  }
}

/** Ask the browser to wake the service worker when the signal returns (Chrome; not everywhere). */
function registerSync(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => {
      const sync: unknown = Reflect.get(registration, 'sync');
      const register = typeof sync === 'object' && sync !== null ? Reflect.get(sync, 'register') : undefined;
      if (typeof register === 'function') return Reflect.apply(register, sync, [OUTBOX_SYNC_TAG]);
    })
    .catch(() => undefined); // no permission, or no Background Sync: `online` and app start still replay
}

let timer: number | undefined;
let running: Promise<void> | null = null;
let again = false;

/**
 * Send what can be sent now. `force` skips the backoff of network and server failures (the
 * signal came back, the app started, someone tapped "send now").
 */
export function flush(force = false): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    outboxBusy.value = true;
    try {
      do {
        again = false;
        const result = await withOutboxLock(() => replay(env, { force }));
        force = false;
        clearTimeout(timer);
        if (result.nextRetryAt !== null) timer = window.setTimeout(() => void flush(), Math.max(1000, result.nextRetryAt - Date.now()));
        // Nothing got through: the app is offline (the probe notices when the signal returns).
        if (result.unreachable) setOffline(true);
        // A 401 here: ask /me, so the session module sees the ended session and asks to sign in.
        if (result.signInNeeded && me.peek()) loadMe().catch(() => undefined);
        await reload();
      } while (again);
    } catch {
      outboxUnavailable.value = true;
    } finally {
      outboxBusy.value = false;
      running = null;
    }
  })();
  return running;
}

/** Keep a write for sending (now if the signal allows, later if not). Resolves once it is stored. */
export async function enqueue(spec: Omit<NewEntry, 'userId'>): Promise<OutboxEntry> {
  const user = me.peek();
  if (!user) throw new Error('signed out');
  const entry = makeEntry({ ...spec, userId: user.id });
  try {
    await idbStore.put(entry);
  } catch (error) {
    outboxUnavailable.value = true;
    throw error;
  }
  await reload();
  registerSync();
  void flush(true);
  return entry;
}

/** Keep several writes that hang on each other (see chainEntries), all stored before any is sent. */
export async function enqueueChain(head: Omit<NewEntry, 'userId'>, tail: Omit<NewEntry, 'userId'>[], fanOut: boolean): Promise<OutboxEntry[]> {
  const user = me.peek();
  if (!user) throw new Error('signed out');
  const entries = chainEntries(user.id, head, tail, fanOut);
  try {
    // The head first: a replay between two puts sends what it finds, and the rest next time.
    for (const entry of entries) await idbStore.put(entry);
  } catch (error) {
    outboxUnavailable.value = true;
    throw error;
  }
  await reload();
  registerSync();
  void flush(true);
  return entries;
}

/** Try a refused entry again (after the reason was dealt with), or all waiting ones now. */
export async function retry(entry?: OutboxEntry): Promise<void> {
  if (entry?.failed) await idbStore.put({ ...entry, failed: undefined, attempts: 0, retryAt: 0 });
  await flush(true);
}

export async function discard(entry: OutboxEntry): Promise<void> {
  await withOutboxLock(() => idbStore.delete(entry.key));
  await reload();
}

/**
 * Signing out of this phone drops that person's unsent writes: the next person must not send
 * them, and sent weeks later (at their next sign-in here) they would arrive stale. The
 * sign-out button says how many first.
 */
export async function forgetUser(userId: number): Promise<void> {
  try {
    await withOutboxLock(() => deleteEntriesOf(userId));
  } finally {
    await reload();
  }
}

let started = false;

/** Replay at start, when the signal returns, when someone signs in, and when the service worker says so. */
export function startOutbox(): void {
  if (started) return;
  started = true;
  void reload();
  // Session entries need to know who is signed in: nothing is sent before /me has answered.
  const kick = () => {
    if (sessionReady.peek()) void flush(true);
  };
  sessionReady.subscribe(kick);
  addEventListener('online', kick);
  offline.subscribe((isOffline) => !isOffline && kick());
  let lastUser = me.peek()?.id;
  me.subscribe((account) => {
    if (account?.id === lastUser) return;
    lastUser = account?.id;
    void reload();
    if (account) kick();
  });
  if ('serviceWorker' in navigator)
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
      if (event.data?.type === SW_MESSAGE.outbox) void reload();
    });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void reload().then(() => flush());
  });
}
