/**
 * Sending what the outbox holds, oldest first, exactly once (the server keeps each entry's
 * Idempotency-Key). The page and the service worker run the same code with their own
 * answers to "who is signed in" and "the CSRF token"; a lock keeps two of them from sending
 * the same entry at once.
 */
import { backoffSeconds, classify, requestOf, resolveAfter, usesAfter, type OutboxEntry } from './entry';

export interface OutboxStore {
  all(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface ReplayEnv {
  store: OutboxStore;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The id of the user signed in now, or null for nobody; throws when it can't be known (no signal). */
  signedInUser(): Promise<number | null>;
  /** A CSRF token for the current session, fetched now. */
  csrfToken(): Promise<string>;
  now?: () => number;
  random?: () => number;
}

export interface ReplayOptions {
  /** Don't wait out the backoff of network and server failures (the signal came back, the app started, a tap). */
  force?: boolean;
}

export interface ReplayResult {
  sent: OutboxEntry[];
  /** Refused by the server in this run. */
  failed: OutboxEntry[];
  /** A session entry was answered 401, or nobody is signed in while entries wait. */
  signInNeeded: boolean;
  /** The run stopped early: the server can't be reached. */
  unreachable: boolean;
  /** When the next entry's backoff ends (for a timer), or null. */
  nextRetryAt: number | null;
}

async function readBody(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** 30 s, plus a second per 8 KB of files (a 300 KB photo on 2G takes most of a minute). */
export function timeoutMs(entry: OutboxEntry): number {
  const bytes = entry.body.type === 'multipart' ? entry.body.files.reduce((sum, file) => sum + file.blob.size, 0) : 0;
  return 30_000 + Math.ceil(bytes / 8192) * 1000;
}

/** One pass over the outbox. Network failure ends the pass: nothing else would get through either. */
export async function replay(env: ReplayEnv, options: ReplayOptions = {}): Promise<ReplayResult> {
  const now = env.now ?? Date.now;
  const result: ReplayResult = { sent: [], failed: [], signInNeeded: false, unreachable: false, nextRetryAt: null };
  const entries = (await env.store.all()).sort((a, b) => a.seq - b.seq);
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  let user: number | null | undefined;
  let csrf: string | null = null;

  const save = async (entry: OutboxEntry) => {
    byKey.set(entry.key, entry);
    await env.store.put(entry);
  };
  const wait = async (entry: OutboxEntry, reason: 'network' | 'server' | 'rate', afterSeconds: number | null) => {
    const attempts = entry.attempts + 1;
    const seconds = afterSeconds ?? backoffSeconds(attempts, env.random);
    const next = { ...entry, attempts, waiting: reason, retryAt: now() + seconds * 1000 };
    result.nextRetryAt = Math.min(result.nextRetryAt ?? Infinity, next.retryAt);
    await save(next);
  };

  for (const listed of entries) {
    let entry = byKey.get(listed.key)!;
    if (entry.failed) continue;
    if (entry.after !== undefined) {
      const earlier = byKey.get(entry.after);
      if (earlier && !earlier.failed) continue; // not sent yet: this one waits for it
      // The earlier one was refused or discarded: this one can't be sent either.
      const failed = { ...entry, failed: { status: 0, error: 'dependency_failed' } };
      await save(failed);
      result.failed.push(failed);
      continue;
    }
    const backingOff = entry.retryAt > now() && (!options.force || entry.waiting === 'rate');
    if (backingOff) {
      result.nextRetryAt = Math.min(result.nextRetryAt ?? Infinity, entry.retryAt);
      continue;
    }
    if (entry.auth === 'session') {
      if (user === undefined) {
        try {
          user = await env.signedInUser();
        } catch {
          result.unreachable = true;
          break;
        }
      }
      if (user === null) {
        result.signInNeeded = true;
        if (entry.waiting !== 'signin') await save({ ...entry, waiting: 'signin' });
        continue;
      }
      if (user !== entry.userId) continue; // another person's: it waits for them to sign in here
    }

    let outcome;
    for (let tries = 0; tries < 2; tries++) {
      if (entry.auth === 'session' && csrf === null) {
        try {
          csrf = await env.csrfToken();
        } catch {
          outcome = null;
          break;
        }
      }
      const { url, init } = requestOf(entry, csrf);
      // A request that hangs (a weak signal) is given up after a while, longer for a photo;
      // if it did arrive, the key makes the next attempt return the same answer.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs(entry));
      let response: Response;
      try {
        response = await env.fetch(url, { ...init, signal: controller.signal });
      } catch {
        outcome = null;
        break;
      } finally {
        clearTimeout(timer);
      }
      outcome = classify(response.status, await readBody(response), response.headers.get('Retry-After'));
      if (outcome.kind !== 'csrf') break;
      csrf = null; // stale: fetch a fresh one and try once more
    }

    if (!outcome) {
      await wait(entry, 'network', null);
      result.unreachable = true;
      break;
    }
    switch (outcome.kind) {
      case 'sent':
        await env.store.delete(entry.key);
        byKey.delete(entry.key);
        result.sent.push(entry);
        for (const later of byKey.values())
          if (later.after === entry.key) {
            if (outcome.id !== null) await save(resolveAfter(later, outcome.id));
            // Only its turn depended on the earlier one (a resolve after its photos, which answer without an id).
            else if (!usesAfter(later)) await save({ ...later, after: undefined });
            else await save({ ...later, after: undefined, failed: { status: 0, error: 'dependency_failed' } });
          }
        break;
      case 'retry':
        await wait(entry, outcome.reason, outcome.afterSeconds);
        break;
      case 'signin':
        result.signInNeeded = true;
        user = null;
        await save({ ...entry, waiting: 'signin' });
        break;
      case 'csrf':
      case 'failed': {
        if (entry.quiet) {
          await env.store.delete(entry.key);
          byKey.delete(entry.key);
          break;
        }
        entry = { ...entry, waiting: undefined, failed: outcome.kind === 'failed' ? { status: outcome.status, error: outcome.error } : { status: 403, error: 'csrf_failed' } };
        await save(entry);
        result.failed.push(entry);
        break;
      }
    }
  }
  return result;
}

/** Run `task` holding the outbox lock, shared by every tab and the service worker (Web Locks where present). */
export function withOutboxLock<T>(task: () => Promise<T>): Promise<T> {
  // Older browsers (and Node, for the tests) have no Web Locks: one sender at a time is then up to the caller.
  const locks: LockManager | undefined = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return task();
  // The lock is held until the task's promise settles; `request` resolves with its result.
  return locks.request('pingan-outbox', task).then((result) => result);
}

/** What the screens count: entries still to send and entries refused, of one user. */
export interface OutboxSummary {
  pending: number;
  failed: number;
  /** Of the pending ones, those waiting for their user to sign in. */
  signin: number;
}

export function summarise(entries: OutboxEntry[], userId: number | null): OutboxSummary {
  const summary: OutboxSummary = { pending: 0, failed: 0, signin: 0 };
  for (const entry of entries) {
    // Signed out, the phone says only how many wait; signed in, only the user's own count.
    if (entry.quiet || (userId !== null && entry.userId !== userId)) continue;
    // Counted with the entry it hangs on: one report with two photos is one thing to send.
    if (entry.after !== undefined) continue;
    if (entry.failed) summary.failed++;
    else {
      summary.pending++;
      if (userId === null && entry.auth === 'session') summary.signin++;
    }
  }
  return summary;
}
