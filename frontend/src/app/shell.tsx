/**
 * What runs beside the screens once the app has started, loaded right after the first render
 * (not part of the first download): the bell and its polling, the outbox's indicator and
 * replay, push re-registration, and the service worker's "open this" messages.
 */
import './shell.css';
import { SW_MESSAGE } from '../outbox/messages';
import { startOutbox } from '../outbox/page';
import { markRead } from '../features/notifications/api';
import { registerAgainIfNeeded } from '../features/notifications/push';
import { pollUnread, startUnreadPolling } from '../features/notifications/unread';
import { me } from '../features/session/state';
import { navigate } from './navigation';

export { Bell } from '../features/notifications/components/Bell';
export { OutboxBar } from '../features/outbox/components/OutboxBar';

/** A notification tapped on the phone opens `url?notification=<id>`: that inbox row is read now. */
function readOpenedNotification(): void {
  const url = new URL(location.href);
  const id = Number(url.searchParams.get('notification'));
  if (!id || !me.peek()) return;
  url.searchParams.delete('notification');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  markRead(id).then(() => pollUnread(), () => undefined);
}

startOutbox();
startUnreadPolling();
me.subscribe((account) => {
  if (!account) return;
  readOpenedNotification();
  void registerAgainIfNeeded();
});
if ('serviceWorker' in navigator)
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null || Reflect.get(data, 'type') !== SW_MESSAGE.open) return;
    const url: unknown = Reflect.get(data, 'url');
    if (typeof url === 'string' && url.startsWith('/')) {
      navigate(url);
      readOpenedNotification();
    }
  });
