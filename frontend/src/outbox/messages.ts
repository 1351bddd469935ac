/** What the page and the service worker say to each other. */
/** The Background Sync tag the page registers and the service worker answers. */
export const OUTBOX_SYNC_TAG = 'pingan-outbox';
/** What the service worker tells open pages (postMessage `{type}`). */
export const SW_MESSAGE = {
  /** The outbox changed (an answer from a notification's button, a replay by Background Sync). */
  outbox: 'pingan:outbox',
  /** A push arrived: the bell asks for the unread count now. */
  notification: 'pingan:notification',
  /** A notification was tapped while the app is open: go to `url` in the app (no reload). */
  open: 'pingan:open',
} as const;
