/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { OUTBOX_SYNC_TAG, SW_MESSAGE } from './outbox/messages';
import { idbStore } from './outbox/db';
import { makeEntry } from './outbox/entry';
import { replay, withOutboxLock, type ReplayEnv, type ReplayResult } from './outbox/replay';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// Prompt-less updates: the new worker takes over at once; the page reloads
// itself at the next in-app navigation (see main.tsx), never mid-form.
self.skipWaiting();
clientsClaim();

// The app shell (hashed /assets/*, index.html, icons, manifest).
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Client routes (/join/<token>, /approvals, ...) open offline from the cached
// shell. API calls are never routed here, so they are never cached.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api\//],
  }),
);

// ---- Push: what the server sends (app/notifications/jobs.py push_payload, app/alerts/push.py).

type Answer = 'on_my_way' | 'cannot_come';

interface PushPayload {
  id?: number;
  kind?: string;
  title?: string;
  body?: string;
  url?: string;
  severity?: 'info' | 'warning' | 'urgent';
  severity_label?: string;
  alert_id?: number;
  token?: string;
  actions?: { action: string; title: string }[];
  lang?: string;
}

function readPayload(event: PushEvent): PushPayload {
  try {
    const value: unknown = event.data?.json();
    return typeof value === 'object' && value !== null ? (value as PushPayload) : {};
  } catch {
    return { body: event.data?.text() };
  }
}

const isAnswer = (value: string): value is Answer => value === 'on_my_way' || value === 'cannot_come';

/** Tell open pages something changed (the bell asks for its count, the outbox bar reloads). */
async function tellPages(type: string): Promise<void> {
  for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) client.postMessage({ type });
}

// Chrome on Android vibrates notifications that ask for it; urgent ones long and repeated.
const VIBRATE = { urgent: [400, 150, 400, 150, 800], warning: [300, 150, 300] };

async function showPush(payload: PushPayload): Promise<void> {
  const alertId = typeof payload.alert_id === 'number' ? payload.alert_id : null;
  const urgent = payload.severity === 'urgent';
  // One notification per alert: an update or a reminder replaces it, a cancellation closes it.
  const tag = alertId !== null ? `alert-${alertId}` : payload.id !== undefined ? `notification-${payload.id}` : 'pingan';
  // "【紧急】可疑人员" / "Urgent: Suspicious person": the label is in the recipient's language.
  const label = payload.kind !== 'alert_cancelled' ? payload.severity_label : undefined;
  const text = payload.title ?? (payload.lang === 'en' ? "Ping'an Patrol" : '平安巡防');
  const title = !label ? text : payload.lang === 'en' ? `${label}: ${text}` : `【${label}】${text}`;
  // Chromium shows two buttons at most; others show none (the app has them, large).
  const actions = payload.kind === 'alert_cancelled' ? [] : (payload.actions ?? []).filter((a) => isAnswer(a.action)).slice(0, 2);
  const options: NotificationOptions & { vibrate?: number[]; renotify?: boolean; actions?: { action: string; title: string }[] } = {
    body: payload.body ?? '',
    tag,
    renotify: alertId !== null && payload.kind !== 'alert_cancelled',
    requireInteraction: urgent && payload.kind !== 'alert_cancelled',
    icon: '/icon-192.png',
    badge: '/icon-192.png',
    lang: payload.lang ?? 'zh-CN',
    dir: 'auto',
    data: payload,
    actions,
  };
  if (payload.severity === 'urgent' || payload.severity === 'warning') options.vibrate = VIBRATE[payload.severity];
  await self.registration.showNotification(title, options);
  await tellPages(SW_MESSAGE.notification);
}

self.addEventListener('push', (event) => {
  // Awake anyway: anything still in the outbox may go now too.
  event.waitUntil(showPush(readPayload(event)).then(() => flushOutbox(false)));
});

// ---- The outbox, from the service worker: Background Sync and the notification's buttons.

/** Who is signed in here: the session cookie goes with the worker's fetches too. */
async function signedInUser(): Promise<number | null> {
  const response = await fetch('/api/v1/me', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
  if (response.status === 401 || response.status === 403) return null;
  if (!response.ok) throw new Error(`me: ${response.status}`);
  const me: unknown = await response.json();
  const id = typeof me === 'object' && me !== null ? Reflect.get(me, 'id') : null;
  return typeof id === 'number' ? id : null;
}

async function csrfToken(): Promise<string> {
  const response = await fetch('/api/v1/auth/csrf', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
  const body: unknown = await response.json();
  const token = typeof body === 'object' && body !== null ? Reflect.get(body, 'csrf_token') : null;
  if (typeof token !== 'string') throw new Error('csrf');
  return token;
}

const env: ReplayEnv = { store: idbStore, fetch: (url, init) => fetch(url, init), signedInUser, csrfToken };

async function flushOutbox(force: boolean): Promise<ReplayResult | null> {
  try {
    const result = await withOutboxLock(() => replay(env, { force }));
    await tellPages(SW_MESSAGE.outbox);
    return result;
  } catch {
    return null;
  }
}

self.addEventListener('sync', (event) => {
  const sync = event as ExtendableEvent & { tag: string; lastChance: boolean };
  if (sync.tag !== OUTBOX_SYNC_TAG) return;
  sync.waitUntil(
    flushOutbox(true).then((result) => {
      // Still unreachable: failing the event makes the browser try again later (with its own backoff).
      if ((result === null || result.unreachable) && !sync.lastChance) throw new Error('outbox: no connection yet');
    }),
  );
});

/** "On my way" / "can't come" / "seen", answered with the notification's token: no session, no CSRF, no app. */
async function answerByToken(payload: PushPayload, answer: Answer | 'seen'): Promise<void> {
  if (typeof payload.alert_id !== 'number' || typeof payload.token !== 'string') return;
  const userId = Number(payload.token.split('.')[0]);
  if (!Number.isInteger(userId)) return;
  const entry = makeEntry({
    userId,
    auth: 'token',
    method: 'POST',
    path: `/api/v1/alerts/${payload.alert_id}/answer`,
    json: { answer, token: payload.token },
    kind: 'alert_answer',
    label: { alert_id: payload.alert_id, title: payload.title ?? '', answer },
    // "Seen" is a courtesy: refused (the alert was cancelled meanwhile), it is dropped, not shown as failed.
    quiet: answer === 'seen',
  });
  await withOutboxLock(() => idbStore.put(entry));
  const result = await flushOutbox(true);
  if (result?.unreachable) {
    // No signal: ask to be woken when it returns (not every browser lets a worker ask; the app replays at its next start too).
    const sync: unknown = Reflect.get(self.registration, 'sync');
    const register = typeof sync === 'object' && sync !== null ? Reflect.get(sync, 'register') : undefined;
    if (typeof register === 'function') await Promise.resolve(Reflect.apply(register, sync, [OUTBOX_SYNC_TAG])).catch(() => undefined);
  }
}

/** Focus the app if it is open (and go to `url` inside it), or open it there. */
async function openApp(url: string): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    open.postMessage({ type: SW_MESSAGE.open, url });
    await open.focus().catch(() => undefined);
    return;
  }
  await self.clients.openWindow(url);
}

/** Keep the worker alive for `work`; a notification event made by a test is not trusted and can't be extended. */
function keepAlive(event: ExtendableEvent, work: Promise<unknown>): void {
  try {
    event.waitUntil(work);
  } catch {
    /* untrusted event: the work runs anyway */
  }
}

self.addEventListener('notificationclick', (event) => {
  const payload: PushPayload = event.notification.data ?? {};
  event.notification.close();
  if (isAnswer(event.action)) {
    // The buttons answer without opening the app, through the outbox (it survives no signal).
    keepAlive(event, answerByToken(payload, event.action));
    return;
  }
  const path = typeof payload.url === 'string' && payload.url.startsWith('/') ? payload.url : '/notifications';
  const url = payload.id !== undefined ? `${path}${path.includes('?') ? '&' : '?'}notification=${payload.id}` : path;
  const seen = payload.kind !== 'alert_cancelled' ? answerByToken(payload, 'seen') : Promise.resolve();
  keepAlive(event, Promise.all([openApp(url), seen]));
});

// ---- The browser replaced the push subscription: subscribe again and tell the server.

self.addEventListener('pushsubscriptionchange', (event) => {
  const change = event as ExtendableEvent & { oldSubscription?: PushSubscription | null; newSubscription?: PushSubscription | null };
  keepAlive(
    change,
    (async () => {
      let subscription = change.newSubscription ?? null;
      if (!subscription) {
        const key = change.oldSubscription?.options.applicationServerKey ?? (await vapidKey());
        subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      }
      const json = subscription.toJSON();
      // Tied to the session signed in here; with no session the app registers it at its next start.
      const response = await fetch('/api/v1/push/subscriptions', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': await csrfToken() },
        body: JSON.stringify({ endpoint: json.endpoint, keys: json.keys }),
      });
      if (!response.ok) throw new Error(`push subscription: ${response.status}`);
    })().catch(() => undefined),
  );
});

async function vapidKey(): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch('/api/v1/push/vapid-key', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const { public_key: key } = (await response.json()) as { public_key: string };
  const raw = atob(key.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (key.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}
