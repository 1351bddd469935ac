import { useEffect, useRef, useState } from 'preact/hooks';
import { offline } from '../../../api/connectivity';
import { ApiError } from '../../../api/errors';
import type { PagedQuery } from '../../../ui/data';
import type { CursorPage } from '../api';

/**
 * A keyset-paginated list with "load more" (the server's X-Next-Cursor), in the shape the
 * one paged list (ui/PagedList) draws; `deps` are its filters.
 */
export function useCursorList<T>(fetchPage: (cursor: string | null) => Promise<CursorPage<T>>, deps: unknown[]): PagedQuery<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(fetchPage);
  latest.current = fetchPage;
  const generation = useRef(0);

  const load = (cursor: string | null) => {
    const mine = generation.current;
    setLoading(true);
    setError(null);
    latest.current(cursor).then(
      (page) => {
        if (mine !== generation.current) return;
        setItems((old) => (cursor === null ? page.items : [...old, ...page.items]));
        setNext(page.next);
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
    load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps are the list's filters
  }, [...deps, attempt]);
  const isNetwork = error instanceof ApiError && error.network;
  useEffect(
    () =>
      offline.subscribe((isOffline) => {
        if (!isOffline && isNetwork) setAttempt((n) => n + 1);
      }),
    [isNetwork],
  );
  return {
    items,
    setItems: (update) => setItems(update),
    total: null,
    loading,
    error,
    needsConnection: items.length === 0 && isNetwork,
    hasMore: next !== null,
    loadMore: () => next !== null && load(next),
    reload: () => setAttempt((n) => n + 1),
  };
}
