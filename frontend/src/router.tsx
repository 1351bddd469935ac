import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { createStore, useStore } from './store';

export const pathStore = createStore<string>(location.pathname);
let reloadOnNavigate = false;

/** A new service worker took over: load fresh code at the next navigation. */
export function markUpdateReady(): void {
  reloadOnNavigate = true;
}

export function navigate(to: string, replace = false): void {
  if (reloadOnNavigate) {
    location[replace ? 'replace' : 'assign'](to);
    return;
  }
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  pathStore.set(location.pathname);
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => pathStore.set(location.pathname));

export function usePath(): string {
  return useStore(pathStore);
}

/** Match "/teams/:id" against a path; returns params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = (path.length > 1 ? path.replace(/\/+$/, '') : path).split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      if (!s[i]) return null;
      params[p[i].slice(1)] = decodeURIComponent(s[i]);
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}

type LinkProps = AnchorHTMLAttributes & { href: string; children?: ComponentChildren };

export function Link({ href, onClick, ...rest }: LinkProps) {
  return (
    <a
      href={href}
      onClick={(e) => {
        if (onClick) (onClick as (e: MouseEvent) => void)(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}
