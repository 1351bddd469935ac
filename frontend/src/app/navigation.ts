/**
 * Routing helpers usable outside components. preact-iso's LocationProvider follows
 * history through popstate, so a navigation from anywhere is a history change plus that event.
 */
export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** Where to go after signing in: a same-origin path only (no `//host`, no `/\host`). */
export function safeNext(next: string | undefined | null, origin: string): string {
  if (!next || !next.startsWith('/')) return '/';
  try {
    const url = new URL(next, origin);
    return url.origin === origin ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}

/** The sign-in address that comes back to `path` afterwards (home needs no `next`). */
export function loginUrl(pathWithSearch: string): string {
  return pathWithSearch === '/' || pathWithSearch.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(pathWithSearch)}`;
}

let updateReady = false;

/** A new service worker took over: load its code at the next in-app navigation, never mid-form. */
export function markUpdateReady(): void {
  updateReady = true;
}

export function reloadIfUpdated(): void {
  if (updateReady) location.reload();
}
