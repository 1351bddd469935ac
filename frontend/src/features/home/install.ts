import { signal } from '@preact/signals';
import { storage } from '../../lib/storage';

/** Chrome's install event; not in TypeScript's DOM library. */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

function isInstallPrompt(event: Event): event is BeforeInstallPromptEvent {
  return 'prompt' in event && typeof Reflect.get(event, 'prompt') === 'function';
}

// A device setting, not personal data: it survives sign-out.
const OFFER_KEY = 'pingan.install-offer';

/** The browser's own install prompt, kept for our button once the browser offers it. */
export const installPrompt = signal<BeforeInstallPromptEvent | null>(null);
/** Show the "add to home screen" card (after the first sign-in on a phone, until dismissed). */
export const installOffer = signal(storage.get(OFFER_KEY) === 'pending');

export type InstallAdvice = 'prompt' | 'in-app' | 'ios' | 'android' | 'other';

/** How this browser can add the app to the home screen. */
export function installAdvice(userAgent: string, hasPrompt: boolean): InstallAdvice {
  // In-app browsers (WeChat, QQ, Weibo, DingTalk, Alipay) cannot install: open in the real browser first.
  if (/MicroMessenger|\bQQ\/|Weibo|DingTalk|AlipayClient/i.test(userAgent)) return 'in-app';
  if (hasPrompt) return 'prompt';
  if (/iPhone|iPad|iPod/i.test(userAgent)) return 'ios';
  if (/Android/i.test(userAgent)) return 'android';
  return 'other';
}

export function isPhone(userAgent: string): boolean {
  return /Android|iPhone|iPad|iPod|Mobile|MicroMessenger/i.test(userAgent);
}

function isStandalone(): boolean {
  return matchMedia('(display-mode: standalone)').matches || Reflect.get(navigator, 'standalone') === true;
}

/** Listen from the start: Chrome fires beforeinstallprompt once, early. */
export function captureInstallPrompt(): void {
  addEventListener('beforeinstallprompt', (event) => {
    if (!isInstallPrompt(event)) return;
    event.preventDefault(); // our card offers it at the right moment instead of the mini-infobar
    installPrompt.value = event;
  });
  addEventListener('appinstalled', dismissInstallOffer);
}

/** The first successful sign-in on a phone: offer to add the app to the home screen. */
export function offerInstallAfterSignIn(): void {
  if (storage.get(OFFER_KEY) !== null || !isPhone(navigator.userAgent) || isStandalone()) return;
  storage.set(OFFER_KEY, 'pending');
  installOffer.value = true;
}

export function dismissInstallOffer(): void {
  storage.set(OFFER_KEY, 'done');
  installOffer.value = false;
}

export async function promptInstall(): Promise<void> {
  const event = installPrompt.peek();
  if (!event) return;
  await event.prompt();
  const { outcome } = await event.userChoice;
  installPrompt.value = null;
  if (outcome === 'accepted') dismissInstallOffer();
}
