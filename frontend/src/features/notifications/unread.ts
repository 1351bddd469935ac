import { signal } from '@preact/signals';
import { SW_MESSAGE } from '../../outbox/messages';
import { me } from '../session/state';
import { unreadCount } from './api';

/** The bell's number; null until the server has said. */
export const unread = signal<number | null>(null);

const EVERY_MS = 30_000;
let etag: string | null = null;
let timer: number | undefined;

/** Ask for the count now (the answer is usually a 304: nothing changed). */
export async function pollUnread(): Promise<void> {
  if (document.visibilityState !== 'visible' || !me.peek()) return;
  try {
    const answer = await unreadCount(etag);
    if (answer) {
      etag = answer.etag;
      unread.value = answer.unread;
    }
  } catch {
    /* offline or signed out: the bell keeps its last number */
  }
}

/** Every 30 s while the app is on screen, at once when it comes back, on focus and on `online`; never while hidden. */
export function startUnreadPolling(): void {
  const schedule = () => {
    clearInterval(timer);
    timer = undefined;
    if (document.visibilityState !== 'visible' || !me.peek()) return;
    void pollUnread();
    timer = window.setInterval(() => void pollUnread(), EVERY_MS);
  };
  document.addEventListener('visibilitychange', schedule);
  addEventListener('focus', () => void pollUnread());
  addEventListener('online', () => void pollUnread());
  let user = me.peek()?.id;
  me.subscribe((account) => {
    if (account?.id !== user) {
      user = account?.id;
      etag = null;
      unread.value = null;
    }
    schedule();
  });
  if ('serviceWorker' in navigator)
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
      if (event.data?.type === SW_MESSAGE.notification) void pollUnread();
    });
}
