/** The outbox's IndexedDB database (idb), opened the same way by the page and the service worker. */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxEntry } from './entry';
import { OUTBOX_DB } from './constants';
import type { OutboxStore } from './replay';

interface OutboxDB extends DBSchema {
  entries: { key: string; value: OutboxEntry };
}

let opening: Promise<IDBPDatabase<OutboxDB>> | null = null;

function database(): Promise<IDBPDatabase<OutboxDB>> {
  opening ??= openDB<OutboxDB>(OUTBOX_DB, 1, {
    upgrade(db) {
      db.createObjectStore('entries', { keyPath: 'key' });
    },
    // Another context deletes or upgrades it: let go, and open again next time.
    blocking(_current, _next, event) {
      (event.target as IDBDatabase | null)?.close();
      opening = null;
    },
    terminated() {
      opening = null;
    },
  }).catch((error: unknown) => {
    opening = null;
    throw error;
  });
  return opening;
}

export const idbStore: OutboxStore = {
  async all() {
    return (await database()).getAll('entries');
  },
  async put(entry) {
    await (await database()).put('entries', entry);
  },
  async delete(key) {
    await (await database()).delete('entries', key);
  },
};

/** Forget every entry of one user (they signed out of this phone). */
export async function deleteEntriesOf(userId: number): Promise<void> {
  const db = await database();
  const tx = db.transaction('entries', 'readwrite');
  for (const entry of await tx.store.getAll()) if (entry.userId === userId) await tx.store.delete(entry.key);
  await tx.done;
}
