import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { LocalIssuer } from './auth';
import type { VirtualClock } from './clock';
import { readBody } from './http-util';
import { buildEventV2, httpErrorBody, matchRoute, toHttpResponse, wwwAuthenticate, type HttpRoute } from './http-api';
import type { LocalApi } from './model';
import { serveStaticSite, type StaticSite } from './static-site';

export interface ApiServerOptions {
  apis: LocalApi[];
  issuer: LocalIssuer;
  invoke(functionName: string, event: unknown): Promise<unknown>;
  clock: VirtualClock;
  log?: (line: string) => void;
  /** A web app served on the same port (same origin as the API), e.g. the app's console. */
  site?: StaticSite;
}

/** Where a local web page gets a token for a user and groups (the local stand-in for a sign-in page). */
export const LOCAL_TOKEN_PATH = '/_local/token';
export const LOCAL_CLOCK_PATH = '/_local/clock';

/**
 * The ops API as API Gateway serves it: the template's routes, the JWT authorizer (against the
 * local issuer, on the virtual clock), payload format 2.0 to the route's function and back.
 */
export function createApiServer(options: ApiServerOptions): http.Server {
  const routes: HttpRoute[] = options.apis.flatMap((api) =>
    api.routes.map((route) => ({ routeKey: route.routeKey, target: route.functionName, authorization: route.authorization })),
  );
  // The site is built on its first request, once for the server's life.
  const site = options.site;
  let files: ReturnType<StaticSite['files']> | undefined;
  const served = site ? { ...options, site: { ...site, files: () => (files ??= site.files()) } } : options;
  return http.createServer((request, response) => {
    serve(request, response, routes, served).catch((error: Error) => {
      options.log?.(`ops api: ${error.stack ?? error.message}`);
      if (!response.headersSent) send(response, 500, httpErrorBody(500, ''));
    });
  });
}

async function serve(request: http.IncomingMessage, response: http.ServerResponse, routes: HttpRoute[], options: ApiServerOptions) {
  const body = await readBody(request);
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  if (options.site && (await serveStaticSite(options.site, request, response, url.pathname))) return;
  if (url.pathname === LOCAL_TOKEN_PATH && method === 'POST') return mintLocalToken(body, response, options);
  // The virtual clock, read-only, for a page on this origin (the AWS endpoint's /_local/clock also moves it).
  if (url.pathname === LOCAL_CLOCK_PATH && method === 'GET') return send(response, 200, JSON.stringify({ now: new Date(options.clock.now()).toISOString() }));
  const match = matchRoute(routes, method, url.pathname);
  if (!match) return send(response, 404, httpErrorBody(404, ''));

  let claims: Record<string, unknown> | undefined;
  if (match.route.authorization === 'JWT') {
    try {
      claims = await options.issuer.verify(String(request.headers.authorization ?? ''), new Date(options.clock.now()));
    } catch (error) {
      return send(response, 401, httpErrorBody(401, ''), { 'www-authenticate': wwwAuthenticate((error as Error).message) });
    }
  }
  const event = buildEventV2({
    method,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers: request.headers,
    body,
    routeKey: match.route.routeKey,
    pathParameters: match.pathParameters,
    claims,
    now: new Date(options.clock.now()),
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    requestId: randomUUID(),
  });
  let result: unknown;
  try {
    result = await options.invoke(match.route.target, event);
  } catch (error) {
    // API Gateway hides a failed integration behind a plain 500; the reason is in the function log.
    options.log?.(`ops api: ${match.route.routeKey} failed: ${(error as Error).name}: ${(error as Error).message}`);
    return send(response, 500, httpErrorBody(500, ''));
  }
  const reply = toHttpResponse(result);
  response.writeHead(reply.statusCode, { ...reply.headers, ...(reply.cookies.length ? { 'set-cookie': reply.cookies } : {}) });
  response.end(reply.rawBody);
}

/**
 * `POST /_local/token {"user", "groups"}` → `{"token"}`: what `npm run ops -- token` mints, for a
 * browser. Only the local platform has it; in AWS the console signs in through the user pool.
 */
async function mintLocalToken(body: Buffer, response: http.ServerResponse, options: ApiServerOptions) {
  let request: { user?: unknown; groups?: unknown };
  try {
    request = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return send(response, 400, JSON.stringify({ message: 'body is not JSON', errors: [{ field: 'body', message: 'must be a JSON object' }] }));
  }
  const user = typeof request.user === 'string' ? request.user.trim() : '';
  const groups = Array.isArray(request.groups) && request.groups.every((g) => typeof g === 'string') ? (request.groups as string[]) : undefined;
  const errors = [
    ...(user ? [] : [{ field: 'user', message: 'user is required' }]),
    ...(groups ? [] : [{ field: 'groups', message: 'groups must be a list of group names' }]),
  ];
  if (errors.length > 0) return send(response, 400, JSON.stringify({ message: 'cannot mint a token', errors }));
  const token = await options.issuer.mint({ user, groups: groups!.map((g) => g.trim()).filter(Boolean), now: new Date(options.clock.now()) });
  return send(response, 200, JSON.stringify({ token }));
}

function send(response: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
}
