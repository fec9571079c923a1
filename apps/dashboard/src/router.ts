import { useEffect, useState } from 'react';

/** The dashboard's routes, kept in the URL hash so the server needs no SPA fallback. */
export type Route =
  | { name: 'workflows' }
  | { name: 'run'; runId: string }
  | { name: 'history' }
  | { name: 'workers' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run) return { name: 'run', runId: decodeURIComponent(run[1]!) };
  if (path === '/history') return { name: 'history' };
  if (path === '/workers') return { name: 'workers' };
  return { name: 'workflows' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'history':
      return '#/history';
    case 'workers':
      return '#/workers';
    default:
      return '#/';
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
