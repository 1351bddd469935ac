/**
 * One write waiting to reach the server: what to send, whose it is, and how it went so far.
 * Shared by the page and the service worker (no DOM-only names here).
 */
import { uuid4 } from './uuid';

export type OutboxMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A file of a multipart body (a photo). IndexedDB keeps Blobs as they are. */
export interface FilePart {
  name: string;
  filename: string;
  blob: Blob;
}

export type OutboxBody =
  | { type: 'none' }
  /** Serialised once, when the entry is made: a replay sends the same bytes (the key's hash covers them). */
  | { type: 'json'; text: string }
  /** Built with a boundary of its own for the same reason: FormData would pick a new one each time. */
  | { type: 'multipart'; boundary: string; fields: [string, string][]; files: FilePart[] };

/**
 * - `session`: sent with the signed-in session's cookie and a CSRF token fetched at replay
 *   time, and only while the user who made it is the one signed in.
 * - `token`: the body carries its own credential (an alert answer from a notification's
 *   button); sent without cookies, whoever is signed in.
 */
export type OutboxAuth = 'session' | 'token';

/** Why an entry is still waiting (for the screens). */
export type WaitReason = 'network' | 'server' | 'rate' | 'signin';

export interface OutboxEntry {
  /** The Idempotency-Key: made with the entry, sent with every attempt. Also the store's key. */
  key: string;
  /** Creation order; entries are sent oldest first. */
  seq: number;
  /** The user whose session made it (for a token, the user the token names). */
  userId: number;
  auth: OutboxAuth;
  method: OutboxMethod;
  /** An API path, e.g. /api/v1/alerts/12/answer; may hold AFTER (see `after`). */
  path: string;
  body: OutboxBody;
  /** The key of an earlier entry: once that one is sent, its server id replaces AFTER here. */
  after?: string;
  /** What it is, for the screens: `alert_answer`, later `report`, `report_photo`, ... */
  kind: string;
  /** What the screens show about it (an alert's id and title, the answer). */
  label: Record<string, string | number>;
  createdAt: number;
  attempts: number;
  /** Not before this time (backoff, or the server's Retry-After). */
  retryAt: number;
  waiting?: WaitReason;
  /** A 4xx: the server refused it. Shown as "failed: <reason>"; never retried by itself. */
  failed?: { status: number; error: string };
  /** Nice to have (an alert's "seen"): not counted on the screens, and dropped rather than failed when refused. */
  quiet?: boolean;
}

/** The placeholder for an earlier entry's server id, in `path` and in string values of the body. */
export const AFTER = '{after}';

export interface NewEntry {
  userId: number;
  auth: OutboxAuth;
  method: OutboxMethod;
  path: string;
  json?: unknown;
  multipart?: { fields: [string, string][]; files: FilePart[] };
  after?: string;
  kind: string;
  label?: Record<string, string | number>;
  quiet?: boolean;
}

let lastSeq = 0;

/** A new entry with its Idempotency-Key. */
export function makeEntry(spec: NewEntry, now = Date.now()): OutboxEntry {
  const key = uuid4();
  // Strictly increasing even within one millisecond (several photos of one report).
  lastSeq = Math.max(now * 1000, lastSeq + 1);
  const body: OutboxBody =
    spec.json !== undefined
      ? { type: 'json', text: JSON.stringify(spec.json) }
      : spec.multipart
        ? { type: 'multipart', boundary: 'pingan-' + key, ...spec.multipart }
        : { type: 'none' };
  return {
    key,
    seq: lastSeq,
    userId: spec.userId,
    auth: spec.auth,
    method: spec.method,
    path: spec.path,
    body,
    after: spec.after,
    kind: spec.kind,
    label: spec.label ?? {},
    ...(spec.quiet ? { quiet: true } : {}),
    createdAt: now,
    attempts: 0,
    retryAt: 0,
  };
}

/**
 * Entries that must go out in order: `head` first, then each of `tail` once the one it hangs on
 * is sent. `fanOut` hangs every tail entry on the head (a report's photos need the report's
 * server id, AFTER in their path); otherwise each hangs on the one before (a handler's photos,
 * then the resolve that reports them).
 */
export function chainEntries(userId: number, head: Omit<NewEntry, 'userId'>, tail: Omit<NewEntry, 'userId'>[], fanOut: boolean, now = Date.now()): OutboxEntry[] {
  const first = makeEntry({ ...head, userId }, now);
  const out = [first];
  for (const spec of tail) out.push(makeEntry({ ...spec, userId, after: (fanOut ? first : out[out.length - 1]).key }, now));
  return out;
}

function fillJson(value: unknown, id: number): unknown {
  if (value === AFTER) return id;
  if (Array.isArray(value)) return value.map((item) => fillJson(item, id));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, id)]));
  return value;
}

/** Whether the entry needs the earlier one's server id (AFTER in its path or body), or only its going first. */
export function usesAfter(entry: OutboxEntry): boolean {
  const b = entry.body;
  return (
    entry.path.includes(AFTER) ||
    (b.type === 'json' && b.text.includes(JSON.stringify(AFTER))) ||
    (b.type === 'multipart' && b.fields.some(([, value]) => value === AFTER))
  );
}

/** The earlier entry was sent and the server gave it `id`: put it where AFTER stands. */
export function resolveAfter(entry: OutboxEntry, id: number): OutboxEntry {
  const path = entry.path.split(AFTER).join(String(id));
  let body = entry.body;
  if (body.type === 'json') body = { type: 'json', text: JSON.stringify(fillJson(JSON.parse(body.text), id)) };
  else if (body.type === 'multipart') body = { ...body, fields: body.fields.map(([name, value]) => [name, value === AFTER ? String(id) : value]) };
  return { ...entry, path, body, after: undefined };
}

/** Seconds to wait after the n-th failed attempt: 5, 10, 20, ... up to 5 minutes, ±20 %. */
export function backoffSeconds(attempts: number, random = Math.random): number {
  const base = Math.min(5 * 2 ** Math.max(0, attempts - 1), 300);
  return base * (0.8 + 0.4 * random());
}

/** The request for one attempt. */
export function requestOf(entry: OutboxEntry, csrfToken: string | null): { url: string; init: RequestInit } {
  const headers: Record<string, string> = { Accept: 'application/json', 'Idempotency-Key': entry.key };
  if (entry.auth === 'session' && csrfToken) headers['X-CSRFToken'] = csrfToken;
  let body: BodyInit | undefined;
  const b = entry.body;
  if (b.type === 'json') {
    headers['Content-Type'] = 'application/json';
    body = b.text;
  } else if (b.type === 'multipart') {
    headers['Content-Type'] = `multipart/form-data; boundary=${b.boundary}`;
    const parts: (string | Blob)[] = [];
    for (const [name, value] of b.fields) parts.push(`--${b.boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    for (const file of b.files)
      parts.push(
        `--${b.boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.blob.type || 'application/octet-stream'}\r\n\r\n`,
        file.blob,
        '\r\n',
      );
    parts.push(`--${b.boundary}--\r\n`);
    body = new Blob(parts);
  }
  return {
    url: entry.path,
    init: {
      method: entry.method,
      headers,
      body,
      credentials: entry.auth === 'session' ? 'same-origin' : 'omit',
      cache: 'no-store',
    },
  };
}

export type Outcome =
  | { kind: 'sent'; id: number | null }
  | { kind: 'retry'; reason: 'server' | 'rate'; afterSeconds: number | null }
  | { kind: 'signin' }
  | { kind: 'csrf' }
  | { kind: 'failed'; status: number; error: string };

const SIGN_IN = new Set(['unauthorized', 'account_pending', 'account_rejected', 'account_deactivated']);

function errorId(status: number, body: unknown): string {
  const error = typeof body === 'object' && body !== null ? Reflect.get(body, 'error') : undefined;
  if (typeof error === 'string' && /^[a-z][a-z0-9_]*$/.test(error)) return error;
  return status === 404 ? 'not_found' : status === 409 ? 'conflict' : status === 422 ? 'validation_failed' : 'bad_request';
}

/** What an answer means for the entry: sent, try again later, needs a sign-in, or refused for good. */
export function classify(status: number, body: unknown, retryAfter: string | null): Outcome {
  if (status >= 200 && status < 300) {
    const id = typeof body === 'object' && body !== null ? Reflect.get(body, 'id') : undefined;
    return { kind: 'sent', id: typeof id === 'number' ? id : null };
  }
  const seconds = Number(retryAfter);
  const after = retryAfter !== null && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
  if (status === 429) return { kind: 'retry', reason: 'rate', afterSeconds: after ?? 60 };
  if (status >= 500 || status === 408) return { kind: 'retry', reason: 'server', afterSeconds: after };
  const error = errorId(status, body);
  if (status === 401 || (status === 403 && SIGN_IN.has(error))) return { kind: 'signin' };
  if (status === 403 && error === 'csrf_failed') return { kind: 'csrf' };
  return { kind: 'failed', status, error };
}
