import { describe, expect, it } from 'vitest';
import { AFTER, backoffSeconds, chainEntries, makeEntry, requestOf, resolveAfter, type NewEntry, type OutboxEntry } from './entry';
import { replay, summarise, timeoutMs, type OutboxStore, type ReplayEnv } from './replay';

function memoryStore(entries: OutboxEntry[] = []): OutboxStore & { map: Map<string, OutboxEntry> } {
  const map = new Map(entries.map((e) => [e.key, e]));
  return {
    map,
    all: async () => [...map.values()],
    put: async (e) => void map.set(e.key, e),
    delete: async (key) => void map.delete(key),
  };
}

interface Sent {
  url: string;
  init: RequestInit;
  headers: Record<string, string>;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'offline';

function env(store: OutboxStore, answers: (sent: Sent) => Answer, user: number | null = 7) {
  const sent: Sent[] = [];
  let tokens = 0;
  let clock = 1_000_000;
  const e: ReplayEnv & { sent: Sent[]; tick: (ms: number) => void; tokensFetched: () => number } = {
    store,
    sent,
    fetch: async (url, init) => {
      const request = { url, init, headers: { ...(init.headers as Record<string, string>) } };
      sent.push(request);
      const answer = answers(request);
      if (answer === 'offline') throw new TypeError('Failed to fetch');
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
    },
    signedInUser: async () => user,
    csrfToken: async () => `csrf-${++tokens}`,
    now: () => clock,
    random: () => 0.5,
    tick: (ms) => (clock += ms),
    tokensFetched: () => tokens,
  };
  return e;
}

const answer = (alertId: number, extra: Partial<NewEntry> = {}): OutboxEntry =>
  makeEntry({ userId: 7, auth: 'session', method: 'POST', path: `/api/v1/alerts/${alertId}/answer`, json: { answer: 'on_my_way' }, kind: 'alert_answer', ...extra });

describe('replay', () => {
  it('sends a session entry of the signed-in user with its key and a fresh CSRF token, then forgets it', async () => {
    const entry = answer(1);
    const store = memoryStore([entry]);
    const e = env(store, () => ({ status: 200, body: { answer: 'on_my_way' } }));
    const result = await replay(e);
    expect(result.sent.map((s) => s.key)).toEqual([entry.key]);
    expect(e.sent[0].headers['Idempotency-Key']).toBe(entry.key);
    expect(e.sent[0].headers['X-CSRFToken']).toBe('csrf-1');
    expect(e.sent[0].init.credentials).toBe('same-origin');
    expect(e.sent[0].init.body).toBe('{"answer":"on_my_way"}');
    expect(store.map.size).toBe(0);
  });

  it("keeps another person's entries for when they sign in here again", async () => {
    const store = memoryStore([answer(1, { userId: 8 })]);
    const e = env(store, () => ({ status: 200 }), 7);
    const result = await replay(e);
    expect(e.sent).toEqual([]);
    expect(result.signInNeeded).toBe(false);
    expect(store.map.size).toBe(1);
  });

  it('holds session entries while nobody is signed in, and says a sign-in is needed', async () => {
    const store = memoryStore([answer(1)]);
    const e = env(store, () => ({ status: 200 }), null);
    const result = await replay(e);
    expect(e.sent).toEqual([]);
    expect(result.signInNeeded).toBe(true);
    expect([...store.map.values()][0].waiting).toBe('signin');
  });

  it('on a 401 holds the session entries but still sends those that carry a token', async () => {
    const first = answer(1);
    const second = answer(2);
    const byToken = makeEntry({ userId: 7, auth: 'token', method: 'POST', path: '/api/v1/alerts/3/answer', json: { answer: 'cannot_come', token: '7.abc' }, kind: 'alert_answer' });
    const store = memoryStore([first, second, byToken]);
    const e = env(store, (s) => (s.url.includes('/3/') ? { status: 200 } : { status: 401, body: { error: 'unauthorized' } }));
    const result = await replay(e);
    expect(result.signInNeeded).toBe(true);
    expect(e.sent.map((s) => s.url)).toEqual(['/api/v1/alerts/1/answer', '/api/v1/alerts/3/answer']);
    expect(e.sent[1].init.credentials).toBe('omit');
    expect(e.sent[1].headers['X-CSRFToken']).toBeUndefined();
    expect([...store.map.keys()].sort()).toEqual([first.key, second.key].sort());
  });

  it('marks a 4xx failed with its error id and does not send it again', async () => {
    const store = memoryStore([answer(1)]);
    const e = env(store, () => ({ status: 422, body: { error: 'alert_closed' } }));
    const result = await replay(e);
    expect(result.failed[0].failed).toEqual({ status: 422, error: 'alert_closed' });
    await replay(e, { force: true });
    expect(e.sent.length).toBe(1);
  });

  it('retries a 5xx after a backoff, sooner when forced', async () => {
    const store = memoryStore([answer(1)]);
    let status = 503;
    const e = env(store, () => ({ status }));
    const first = await replay(e);
    const [waiting] = store.map.values();
    expect(waiting.attempts).toBe(1);
    expect(waiting.waiting).toBe('server');
    expect(first.nextRetryAt).toBe(1_000_000 + 5000);
    await replay(e);
    expect(e.sent.length).toBe(1); // still backing off
    status = 200;
    await replay(e, { force: true });
    expect(store.map.size).toBe(0);
  });

  it('stops at a network failure: later entries are not tried in that pass', async () => {
    const store = memoryStore([answer(1), answer(2)]);
    const e = env(store, () => 'offline');
    const result = await replay(e);
    expect(result.unreachable).toBe(true);
    expect(e.sent.length).toBe(1);
    const entries = [...store.map.values()].sort((a, b) => a.seq - b.seq);
    expect(entries.map((x) => x.attempts)).toEqual([1, 0]);
  });

  it('drops a quiet entry the server refuses instead of showing it failed (a "seen" for a cancelled alert)', async () => {
    const seen = makeEntry({ userId: 7, auth: 'token', method: 'POST', path: '/api/v1/alerts/1/answer', json: { answer: 'seen', token: '7.x' }, kind: 'alert_answer', quiet: true });
    const store = memoryStore([seen]);
    const result = await replay(env(store, () => ({ status: 422, body: { error: 'alert_closed' } })));
    expect(result.failed).toEqual([]);
    expect(store.map.size).toBe(0);
    expect(summarise([seen], 7)).toEqual({ pending: 0, failed: 0, signin: 0 });
  });

  it('sends the same Idempotency-Key on every attempt', async () => {
    const store = memoryStore([answer(1)]);
    let calls = 0;
    const e = env(store, () => (++calls === 1 ? 'offline' : { status: 200 }));
    await replay(e);
    await replay(e, { force: true });
    expect(e.sent.map((s) => s.headers['Idempotency-Key'])).toEqual([e.sent[0].headers['Idempotency-Key'], e.sent[0].headers['Idempotency-Key']]);
  });

  it("waits out a 429's Retry-After even when forced", async () => {
    const store = memoryStore([answer(1)]);
    const e = env(store, () => ({ status: 429, headers: { 'Retry-After': '120' } }));
    await replay(e);
    await replay(e, { force: true });
    expect(e.sent.length).toBe(1);
    e.tick(121_000);
    await replay(e);
    expect(e.sent.length).toBe(2);
  });

  it('fetches a new CSRF token once when the server says it is stale', async () => {
    const store = memoryStore([answer(1)]);
    const e = env(store, (s) => (s.headers['X-CSRFToken'] === 'csrf-1' ? { status: 403, body: { error: 'csrf_failed' } } : { status: 200 }));
    await replay(e);
    expect(e.sent.map((s) => s.headers['X-CSRFToken'])).toEqual(['csrf-1', 'csrf-2']);
    expect(store.map.size).toBe(0);
  });

  it("fills a later entry with the earlier one's server id (a report, then its photo)", async () => {
    const report = makeEntry({ userId: 7, auth: 'session', method: 'POST', path: '/api/v1/reports', json: { title: '井盖' }, kind: 'report' });
    const photo = makeEntry({
      userId: 7,
      auth: 'session',
      method: 'POST',
      path: `/api/v1/reports/${AFTER}/photos`,
      multipart: { fields: [['report', AFTER]], files: [{ name: 'photo', filename: 'a.jpg', blob: new Blob(['jpeg'], { type: 'image/jpeg' }) }] },
      after: report.key,
      kind: 'report_photo',
    });
    const store = memoryStore([photo, report]);
    const e = env(store, (s) => (s.url === '/api/v1/reports' ? { status: 201, body: { id: 42 } } : { status: 201, body: { id: 1 } }));
    await replay(e);
    expect(e.sent.map((s) => s.url)).toEqual(['/api/v1/reports', '/api/v1/reports/42/photos']);
    const body = await new Response(e.sent[1].init.body as Blob).text();
    expect(body).toContain('name="report"\r\n\r\n42\r\n');
    expect(body).toContain('filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\njpeg\r\n');
    expect(store.map.size).toBe(0);
  });

  it('a later entry waits while the earlier one waits, and fails when it failed', async () => {
    const report = makeEntry({ userId: 7, auth: 'session', method: 'POST', path: '/api/v1/reports', json: {}, kind: 'report' });
    const photo = makeEntry({ userId: 7, auth: 'session', method: 'POST', path: `/api/v1/reports/${AFTER}/photos`, after: report.key, kind: 'report_photo' });
    const store = memoryStore([report, photo]);
    let status = 503;
    const e = env(store, () => ({ status, body: { error: 'validation_failed' } }));
    await replay(e);
    expect(e.sent.length).toBe(1);
    expect(store.map.get(photo.key)?.failed).toBeUndefined();
    status = 422;
    const result = await replay(e, { force: true });
    expect(result.failed.map((f) => f.failed?.error)).toEqual(['validation_failed', 'dependency_failed']);
  });
});

describe('chained entries (a report and its photos; a handler\'s photos, then the resolve)', () => {
  const photo = (path: string, name: string) => ({
    auth: 'session' as const,
    method: 'POST' as const,
    path,
    multipart: { fields: [], files: [{ name: 'photo', filename: name, blob: new Blob([name], { type: 'image/jpeg' }) }] },
    kind: 'report_photo',
  });
  const report = { auth: 'session' as const, method: 'POST' as const, path: '/api/v1/reports', json: { category_id: 1 }, kind: 'report' };

  it('sends the report once and both photos to its new id, even when the answer to the report was lost', async () => {
    const entries = chainEntries(7, report, [photo(`/api/v1/reports/${AFTER}/photos`, 'a.jpg'), photo(`/api/v1/reports/${AFTER}/photos`, 'b.jpg')], true);
    expect(entries.slice(1).map((e) => e.after)).toEqual([entries[0].key, entries[0].key]);
    const store = memoryStore(entries);
    let reportCalls = 0;
    // The first attempt reaches the server but its answer never comes back (the signal drops).
    const e = env(store, (s) => (s.url === '/api/v1/reports' ? (++reportCalls === 1 ? 'offline' : { status: 201, body: { id: 42 } }) : { status: 201, body: { content_id: 'x' } }));
    await replay(e);
    expect(e.sent.map((s) => s.url)).toEqual(['/api/v1/reports']);
    await replay(e, { force: true });
    expect(e.sent.map((s) => s.url)).toEqual(['/api/v1/reports', '/api/v1/reports', '/api/v1/reports/42/photos', '/api/v1/reports/42/photos']);
    // The same key both times: the server answers the replay with the report it already made.
    expect(e.sent[0].headers['Idempotency-Key']).toBe(e.sent[1].headers['Idempotency-Key']);
    expect(store.map.size).toBe(0);
  });

  it('sends a resolve only after its photos, which answer without an id', async () => {
    const entries = chainEntries(
      7,
      photo('/api/v1/reports/5/photos', 'a.jpg'),
      [photo('/api/v1/reports/5/photos', 'b.jpg'), { auth: 'session', method: 'POST', path: '/api/v1/reports/5/resolve', json: { note: 'ok' }, kind: 'report_resolve' }],
      false,
    );
    const store = memoryStore(entries);
    let status = 503;
    const e = env(store, (s) => (s.url.endsWith('/photos') ? { status, body: { content_id: 'c' } } : { status: 200, body: { id: 5 } }));
    await replay(e);
    expect(e.sent.map((s) => s.url)).toEqual(['/api/v1/reports/5/photos']); // the resolve waits for the photo
    status = 201;
    await replay(e, { force: true });
    expect(e.sent.map((s) => s.url)).toEqual(['/api/v1/reports/5/photos', '/api/v1/reports/5/photos', '/api/v1/reports/5/photos', '/api/v1/reports/5/resolve']);
    expect(store.map.size).toBe(0);
  });
});

describe('entries', () => {
  it('serialise a multipart body the same way every time (the key covers the bytes)', async () => {
    const entry = makeEntry({
      userId: 1,
      auth: 'session',
      method: 'POST',
      path: '/x',
      multipart: { fields: [['a', 'b']], files: [{ name: 'f', filename: 'f.jpg', blob: new Blob(['x']) }] },
      kind: 'k',
    });
    const once = await new Response(requestOf(entry, 't').init.body as Blob).text();
    const twice = await new Response(requestOf(entry, 't').init.body as Blob).text();
    expect(once).toBe(twice);
    expect(requestOf(entry, 't').init.headers).toMatchObject({ 'Content-Type': `multipart/form-data; boundary=pingan-${entry.key}` });
  });

  it('are ordered by creation, even within one millisecond', () => {
    const a = makeEntry({ userId: 1, auth: 'session', method: 'POST', path: '/x', kind: 'k' }, 5);
    const b = makeEntry({ userId: 1, auth: 'session', method: 'POST', path: '/x', kind: 'k' }, 5);
    expect(b.seq).toBeGreaterThan(a.seq);
    expect(a.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('replace the placeholder in nested JSON with a number', () => {
    const entry = makeEntry({ userId: 1, auth: 'session', method: 'POST', path: `/r/${AFTER}`, json: { ids: [AFTER], note: 'x' }, kind: 'k' });
    const filled = resolveAfter(entry, 9);
    expect(filled.path).toBe('/r/9');
    expect(filled.body).toEqual({ type: 'json', text: '{"ids":[9],"note":"x"}' });
  });

  it('back off 5 s, 10 s, 20 s ... up to 5 minutes, within 20 %', () => {
    expect([1, 2, 3, 10].map((n) => backoffSeconds(n, () => 0.5))).toEqual([5, 10, 20, 300]);
    expect(backoffSeconds(1, () => 0)).toBeCloseTo(4);
    expect(backoffSeconds(1, () => 1)).toBeCloseTo(6);
  });
});

describe('timeoutMs', () => {
  it('gives a request 30 s, and a photo a second more per 8 KB', () => {
    expect(timeoutMs(answer(1))).toBe(30_000);
    const photo = makeEntry({ userId: 1, auth: 'session', method: 'POST', path: '/x', multipart: { fields: [], files: [{ name: 'photo', filename: 'a.jpg', blob: new Blob([new Uint8Array(300 * 1024)]) }] }, kind: 'k' });
    expect(timeoutMs(photo)).toBe(30_000 + 38_000);
  });
});

describe('summarise', () => {
  it('counts a report and the photos that hang on it as one', () => {
    const [report, ...photos] = chainEntries(7, { auth: 'session', method: 'POST', path: '/api/v1/reports', json: {}, kind: 'report' }, [
      { auth: 'session', method: 'POST', path: `/api/v1/reports/${AFTER}/photos`, kind: 'report_photo' },
      { auth: 'session', method: 'POST', path: `/api/v1/reports/${AFTER}/photos`, kind: 'report_photo' },
    ], true);
    expect(summarise([report, ...photos], 7)).toEqual({ pending: 1, failed: 0, signin: 0 });
    // Once the report is in, the photos still to send are counted.
    expect(summarise(photos.map((photo) => resolveAfter(photo, 42)), 7)).toEqual({ pending: 2, failed: 0, signin: 0 });
  });

  it("counts only the signed-in user's entries; signed out, every entry waits for a sign-in", () => {
    const mine = answer(1);
    const theirs = answer(2, { userId: 8 });
    const refused = { ...answer(3), failed: { status: 422, error: 'alert_closed' } };
    expect(summarise([mine, theirs, refused], 7)).toEqual({ pending: 1, failed: 1, signin: 0 });
    expect(summarise([mine, theirs], null)).toEqual({ pending: 2, failed: 0, signin: 2 });
  });
});
