/**
 * The typed API client: openapi-fetch over the generated `paths`, so a path, its parameters,
 * its body and its answer are checked against the server's OpenAPI document at compile time.
 * Features wrap each endpoint in a function of their own (features/<domain>/api.ts).
 */
import createClient from 'openapi-fetch';
import { setOffline } from './connectivity';
import { ApiError, toApiError } from './errors';
import type { paths } from './schema';
import type { Pagination } from './types';

export const client = createClient<paths>({ credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });

// ---- CSRF: every write carries the session's token; a stale one is fetched again once.
let csrfToken: string | null = null;
let csrfPending: Promise<string> | null = null;

export function refreshCsrf(): Promise<string> {
  csrfPending ??= call(() => client.GET('/api/v1/auth/csrf'))
    .then((r) => (csrfToken = r.csrf_token))
    .finally(() => {
      csrfPending = null;
    });
  return csrfPending;
}

/** The session changed (sign-in, sign-out): the old token is bound to the old session. */
export function forgetCsrf(): void {
  csrfToken = null;
}

client.use({
  async onRequest({ request }) {
    if (request.method !== 'GET') request.headers.set('X-CSRFToken', csrfToken ?? (await refreshCsrf()));
    return request;
  },
});

// ---- session problems are reported to whoever listens (the session module).
type AuthListener = (error: ApiError) => void;
let authListener: AuthListener | null = null;

export function onAuthProblem(listener: AuthListener): void {
  authListener = listener;
}

const AUTH_PROBLEMS = new Set(['unauthorized', 'account_pending', 'account_rejected', 'account_deactivated']);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

async function send<T>(request: () => Promise<Answer<T>>, retried = false): Promise<Answer<T>> {
  let answer: Answer<T>;
  try {
    answer = await request();
  } catch {
    setOffline(true);
    throw new ApiError(0, 'network');
  }
  setOffline(false);
  const { response } = answer;
  if (!response.ok) {
    const error = toApiError(response.status, answer.error, response.headers.get('Retry-After'));
    if (error.error === 'csrf_failed' && !retried) {
      forgetCsrf();
      await refreshCsrf();
      return send(request, true);
    }
    if (AUTH_PROBLEMS.has(error.error) && (response.status === 401 || response.status === 403)) authListener?.(error);
    throw error;
  }
  return answer;
}

function body<T>(answer: Answer<T>): T {
  if (answer.data === undefined) throw new ApiError(answer.response.status, 'bad_request');
  return answer.data;
}

/** Call one endpoint; resolves to its typed answer or throws ApiError. */
export async function call<T>(request: () => Promise<Answer<T>>): Promise<T> {
  return body(await send(request));
}

/** Call an endpoint that answers 204 No Content. */
export async function callNoContent(request: () => Promise<Answer<unknown>>): Promise<void> {
  await send(request);
}

export interface Page<T> {
  items: T[];
  pagination: Pagination | null;
}

export function parsePagination(header: string | null): Pagination | null {
  if (!header) return null;
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const number = (key: string) => {
    const v: unknown = Reflect.get(value, key);
    return typeof v === 'number' ? v : undefined;
  };
  return {
    total: number('total'),
    total_pages: number('total_pages'),
    first_page: number('first_page'),
    last_page: number('last_page'),
    page: number('page'),
    next_page: number('next_page'),
    previous_page: number('previous_page'),
  };
}

/** Call a paginated list endpoint; the page's position comes from the X-Pagination header. */
export async function callPage<T>(request: () => Promise<Answer<T[]>>): Promise<Page<T>> {
  const answer = await send(request);
  return { items: body(answer), pagination: parsePagination(answer.response.headers.get('X-Pagination')) };
}

/** Every page of a list (for pickers), capped so a huge scope can't hang the phone. */
export async function allPages<T>(fetchPage: (page: number) => Promise<Page<T>>, maxPages = 10): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { items, pagination } = await fetchPage(page);
    out.push(...items);
    if (!pagination?.next_page) break;
  }
  return out;
}
