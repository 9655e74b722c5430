/** A tiny History API router: the URL is the state; pages read it through useLocation. */
import { useMemo, useSyncExternalStore } from 'react';

export type Route =
  | { name: 'signIn' }
  | { name: 'search' }
  | { name: 'person'; id: string }
  | { name: 'ingest' }
  | { name: 'ingestJob'; jobId: string }
  | { name: 'password' }
  | { name: 'overstayReport' }
  | { name: 'departures' }
  | { name: 'reviews' }
  | { name: 'review'; id: string }
  | { name: 'matchModel' }
  | { name: 'notFound' };

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot() && !options.replace) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  if (!options.replace) window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

export interface Location {
  pathname: string;
  search: string;
  query: URLSearchParams;
  /** pathname + search, for "come back here after signing in". */
  href: string;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const url = new URL(href, window.location.origin);
    return { pathname: url.pathname, search: url.search, query: url.searchParams, href };
  }, [href]);
}

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/') return { name: 'search' };
  if (path === '/sign-in') return { name: 'signIn' };
  if (path === '/ingest') return { name: 'ingest' };
  if (path === '/account/password') return { name: 'password' };
  if (path === '/reports/overstays') return { name: 'overstayReport' };
  if (path === '/departures') return { name: 'departures' };
  if (path === '/reviews') return { name: 'reviews' };
  if (path === '/match-model') return { name: 'matchModel' };
  const person = /^\/people\/([^/]+)$/.exec(path);
  if (person?.[1]) return { name: 'person', id: decodeURIComponent(person[1]) };
  const review = /^\/reviews\/([^/]+)$/.exec(path);
  if (review?.[1]) return { name: 'review', id: decodeURIComponent(review[1]) };
  const job = /^\/ingest\/([^/]+)$/.exec(path);
  if (job?.[1]) return { name: 'ingestJob', jobId: decodeURIComponent(job[1]) };
  return { name: 'notFound' };
}

/** Only same-site paths are followed after sign-in (no open redirects). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/sign-in')) return '/';
  return next;
}

export function signInHref(next: string): string {
  const target = safeNext(next);
  return target === '/' ? '/sign-in' : `/sign-in?${new URLSearchParams({ next: target }).toString()}`;
}
