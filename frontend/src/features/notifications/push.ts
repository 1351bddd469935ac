/**
 * Web Push on this phone, best effort: Chrome on Android delivers through FCM, which mainland
 * networks block, and many browsers here have no Push at all. Nothing depends on it: every
 * notification is in the inbox, and the bell shows it while the app is open.
 */
import { signal } from '@preact/signals';
import { storage } from '../../lib/storage';
import { USER_KEY_PREFIX } from '../session/userData';
import { me } from '../session/state';
import { addSubscription, vapidKey } from './api';

export type PushSupport = 'unsupported' | 'default' | 'denied' | 'granted';

/** Which endpoint this session registered (cleared with the user's data when the session ends). */
const REGISTERED_KEY = USER_KEY_PREFIX + 'push-endpoint';
/** Who allowed push on this browser (a device setting): only they are registered again by themselves. */
const OWNER_KEY = 'pingan.push-owner';

export function pushSupport(): PushSupport {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  return Notification.permission;
}

/** The browser's permission, kept in a signal so screens follow a change made elsewhere. */
export const pushState = signal<PushSupport>(typeof window === 'undefined' ? 'unsupported' : pushSupport());

function base64UrlBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = (value + '='.repeat((4 - (value.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

/** The service worker's registration, if it is installed (not in `npm run dev`). */
async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return null;
  const found = await navigator.serviceWorker.getRegistration('/');
  return found?.active ? found : null;
}

export async function localSubscription(): Promise<PushSubscription | null> {
  const reg = await registration().catch(() => null);
  return reg ? reg.pushManager.getSubscription().catch(() => null) : null;
}

/** Tell the server about this browser's subscription, for this signed-in session. */
async function register(subscription: PushSubscription): Promise<void> {
  const json = subscription.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) throw new Error('subscription without keys');
  await addSubscription({ endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } });
  storage.set(REGISTERED_KEY, json.endpoint);
  const user = me.peek();
  if (user) storage.set(OWNER_KEY, String(user.id));
}

export type EnableResult = 'on' | 'denied' | 'no-service' | 'unsupported';

/**
 * Ask for permission (only ever after a tap), subscribe with the server's VAPID key and
 * register. `no-service`: the browser has Push but could not reach its push service (FCM
 * blocked) or has no service worker yet.
 */
export async function enablePush(): Promise<EnableResult> {
  if (pushSupport() === 'unsupported') return 'unsupported';
  const permission = await Notification.requestPermission();
  pushState.value = permission;
  if (permission !== 'granted') return 'denied';
  const reg = await registration();
  if (!reg) return 'no-service';
  const key = base64UrlBytes((await vapidKey()).public_key);
  let subscription = await reg.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  try {
    subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  } catch {
    return 'no-service';
  }
  await register(subscription);
  return 'on';
}

/** Stop push on this browser (the server row of this session goes too when `serverId` is given). */
export async function disableLocalPush(): Promise<void> {
  const subscription = await localSubscription();
  await subscription?.unsubscribe().catch(() => false);
  storage.set(REGISTERED_KEY, null);
  storage.set(OWNER_KEY, null);
}

/**
 * At start: the person who allowed push here is signed in again (their session had ended) or
 * the browser replaced the subscription: register it for this session.
 */
export async function registerAgainIfNeeded(): Promise<void> {
  const user = me.peek();
  if (!user || pushSupport() !== 'granted' || storage.get(OWNER_KEY) !== String(user.id)) return;
  const subscription = await localSubscription();
  if (subscription && storage.get(REGISTERED_KEY) !== subscription.endpoint) await register(subscription).catch(() => undefined);
}

// ---- "allow notifications", offered once per person after they sign in on this device (journey 1).
const offerKey = (userId: number) => `pingan.push-offer.${userId}`;

/** Push is on here for this person (they allowed it on this browser and it is registered). */
export function pushOnForMe(): boolean {
  const user = me.peek();
  return !!user && pushSupport() === 'granted' && storage.get(OWNER_KEY) === String(user.id);
}

export function offerPushAfterSignIn(userId: number): void {
  if (storage.get(offerKey(userId)) === null) storage.set(offerKey(userId), 'pending');
}

export function pushOffered(userId: number): boolean {
  return storage.get(offerKey(userId)) === 'pending' && pushSupport() !== 'denied' && !pushOnForMe();
}

export function dismissPushOffer(userId: number): void {
  storage.set(offerKey(userId), 'done');
}
