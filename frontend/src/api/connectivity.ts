import { signal } from '@preact/signals';

/**
 * Whether the server can be reached. navigator.onLine is only a hint (it can say "online"
 * with no network), so a failed request also sets this and any answer clears it.
 */
export const offline = signal(typeof navigator !== 'undefined' && !navigator.onLine);

let probe: number | undefined;

export function setOffline(value: boolean): void {
  offline.value = value;
  if (value && probe === undefined) {
    probe = window.setInterval(() => {
      fetch('/api/v1/ping', { credentials: 'same-origin', cache: 'no-store' }).then(
        () => setOffline(false),
        () => undefined,
      );
    }, 15000);
  } else if (!value && probe !== undefined) {
    clearInterval(probe);
    probe = undefined;
  }
}

export function watchConnectivity(): void {
  window.addEventListener('online', () => setOffline(false));
  window.addEventListener('offline', () => setOffline(true));
  if (offline.peek()) setOffline(true);
}
