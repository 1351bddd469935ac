import { storage } from '../../lib/storage';
import { OUTBOX_DB } from '../../outbox/constants';

/** Everything stored for the signed-in user lives under this localStorage prefix. */
export const USER_KEY_PREFIX = 'pingan.user.';

/**
 * Forget what this phone kept for the user who is leaving (shared phones): their cached
 * account, every runtime cache of the service worker and every IndexedDB database but the
 * outbox, whose entries are kept per user (signing out drops that user's; a session the
 * server ended keeps them for the same user's next sign-in: outbox/page.ts). The app shell's
 * precache stays, so the next person can still open the app offline. Device settings
 * (language, whether "add to home screen" was offered) are not personal and stay too.
 */
export async function clearUserData(): Promise<void> {
  storage.clear(USER_KEY_PREFIX);
  const work: Promise<unknown>[] = [];
  if (typeof caches !== 'undefined')
    work.push(
      caches.keys().then((names) =>
        Promise.all(names.filter((name) => !name.startsWith('workbox-precache')).map((name) => caches.delete(name))),
      ),
    );
  if (typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function')
    work.push(
      indexedDB.databases().then((databases) =>
        Promise.all(
          databases.map(
            ({ name }) =>
              name &&
              name !== OUTBOX_DB &&
              new Promise<void>((resolve) => {
                const request = indexedDB.deleteDatabase(name);
                request.onsuccess = request.onerror = request.onblocked = () => resolve();
              }),
          ),
        ),
      ),
    );
  await Promise.allSettled(work);
}
