import { useEffect, useState } from 'preact/hooks';

/** The console's pages, from its path under /console/. */
export type Route =
  | { page: 'inbox' }
  | { page: 'task'; taskId: string }
  | { page: 'flow'; flow: string; businessKey: string }
  | { page: 'reports' }
  | { page: 'missing' };

export const BASE = '/console/';

export function routeOf(pathname: string): Route {
  const parts = pathname.replace(/^\/console\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'inbox' };
  if (parts[0] === 'tasks' && parts.length === 2) return { page: 'task', taskId: parts[1] };
  if (parts[0] === 'flows' && parts.length === 3) return { page: 'flow', flow: parts[1], businessKey: parts[2] };
  if (parts[0] === 'reports' && parts.length === 1) return { page: 'reports' };
  return { page: 'missing' };
}

export const taskHref = (taskId: string) => `${BASE}tasks/${encodeURIComponent(taskId)}`;
export const flowHref = (flow: string, businessKey: string) => `${BASE}flows/${encodeURIComponent(flow)}/${encodeURIComponent(businessKey)}`;

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  dispatchEvent(new Event('console:navigate'));
}

/** Same-origin links under /console/ change the page without reloading it (the token stays in memory). */
export function interceptLinks(): void {
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE) || link.target) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** The current location, re-read on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const read = () => ({ pathname: location.pathname, search: location.search });
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const update = () => setWhere(read());
    addEventListener('popstate', update);
    addEventListener('console:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('console:navigate', update);
    };
  }, []);
  return where;
}
