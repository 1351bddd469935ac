import { useEffect, useRef, useState } from 'preact/hooks';
import { offline } from '../api/connectivity';
import { ApiError } from '../api/errors';
import type { Page } from '../api/client';

const isNetwork = (e: unknown) => e instanceof ApiError && e.network;

/** Run `effect` when the connection comes back. */
function useOnReconnect(effect: () => void): void {
  const latest = useRef(effect);
  latest.current = effect;
  useEffect(
    () =>
      offline.subscribe((isOffline) => {
        if (!isOffline) latest.current();
      }),
    [],
  );
}

export interface Query<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Nothing to show because the server can't be reached. */
  needsConnection: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/**
 * Data for a screen from `fetcher`, fetched again when `deps` change, and by itself when the
 * connection returns after a failed attempt.
 */
export function useQuery<T>(fetcher: () => Promise<T>, deps: unknown[]): Query<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(fetcher);
  latest.current = fetcher;
  useEffect(() => {
    let live = true;
    setState((old) => ({ data: old.data, loading: true }));
    latest.current().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState((old) => ({ data: old.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps say when to fetch again
  }, [...deps, attempt]);
  useOnReconnect(() => {
    if (isNetwork(state.error)) setAttempt((n) => n + 1);
  });
  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    needsConnection: state.data === undefined && isNetwork(state.error),
    reload: () => setAttempt((n) => n + 1),
    setData: (data) => setState({ data, loading: false }),
  };
}

export interface PagedQuery<T> {
  items: T[];
  setItems: (update: (items: T[]) => T[]) => void;
  total: number | null;
  loading: boolean;
  error: unknown;
  needsConnection: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * A paginated list with "load more"; `deps` are its filters. `fetchPage` is null while the list
 * cannot be asked for yet (its unit still loading): it stays loading, never empty.
 */
export function usePagedQuery<T>(fetchPage: ((page: number) => Promise<Page<T>>) | null, deps: unknown[]): PagedQuery<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(fetchPage);
  latest.current = fetchPage;
  const generation = useRef(0);

  const load = (page: number, replace: boolean) => {
    const mine = generation.current;
    setLoading(true);
    setError(null);
    const fetching = latest.current;
    if (fetching === null) return;
    fetching(page).then(
      ({ items: rows, pagination }) => {
        if (mine !== generation.current) return;
        setItems((old) => (replace ? rows : [...old, ...rows]));
        setNext(pagination?.next_page ?? null);
        setTotal(pagination?.total ?? null);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        setError(e);
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    generation.current++;
    load(1, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps are the list's filters
  }, [...deps, attempt]);
  useOnReconnect(() => {
    if (isNetwork(error)) setAttempt((n) => n + 1);
  });

  return {
    items,
    setItems,
    total,
    loading,
    error,
    needsConnection: items.length === 0 && isNetwork(error),
    hasMore: next !== null,
    loadMore: () => next !== null && load(next, false),
    reload: () => setAttempt((n) => n + 1),
  };
}
