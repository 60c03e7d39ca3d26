import type http from 'node:http';
import path from 'node:path';

/** A single-page web app the HTTP API's port also serves, from its own origin (no CORS). */
export interface StaticSite {
  /** The path the site is served under, with slashes on both ends: `/console/`. */
  basePath: string;
  /** The site's files by path relative to `basePath` (`index.html`, `app.js`); the server asks once, on first use. */
  files(): Promise<Map<string, Uint8Array>>;
  /** Headers on every answer besides the engine's own security headers (e.g. the site's Content-Security-Policy). */
  headers?: Record<string, string>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The same security headers the CDN adds in AWS, so what works here works there. */
export const SITE_SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * Serves `site` for a GET or HEAD under its base path and says whether it did. A path without a
 * file extension is one of the app's own pages (`/console/flows/refund/R-1`): it gets `index.html`,
 * so links and reloads work. The base path without its slash is redirected to it.
 */
export async function serveStaticSite(site: StaticSite, request: http.IncomingMessage, response: http.ServerResponse, pathname: string): Promise<boolean> {
  const method = request.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (pathname === site.basePath.replace(/\/$/, '')) {
    response.writeHead(308, { location: site.basePath });
    response.end();
    return true;
  }
  if (!pathname.startsWith(site.basePath)) return false;
  const relative = decodeURIComponent(pathname.slice(site.basePath.length));
  const files = await site.files();
  const extension = path.posix.extname(relative);
  const name = extension === '' ? 'index.html' : relative;
  const body = files.get(name);
  if (!body) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SITE_SECURITY_HEADERS, ...site.headers });
    response.end(`no ${relative} in this site\n`);
    return true;
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.posix.extname(name)] ?? 'application/octet-stream',
    'content-length': body.byteLength,
    // Pages always fresh; the bundle is rebuilt on every start, so it is not cached either.
    'cache-control': 'no-cache',
    ...SITE_SECURITY_HEADERS,
    ...site.headers,
  });
  response.end(method === 'HEAD' ? undefined : body);
  return true;
}
