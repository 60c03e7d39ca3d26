import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

/**
 * Route matching, event building and response mapping for a local API Gateway HTTP API
 * (Lambda proxy integration, payload format 2.0).
 */

export interface HttpRoute {
  /** `"GET /tasks/{taskId}"`, `"ANY /{proxy+}"` or `"$default"`. */
  routeKey: string;
  /** Opaque id of the Lambda to invoke. */
  target: string;
  authorization: 'JWT' | 'NONE';
}

export interface RouteMatch {
  route: HttpRoute;
  pathParameters: Record<string, string>;
}

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface ParsedRoute {
  method: string;
  segments: Segment[];
}

const DEFAULT_ROUTE = '$default';
const SEGMENT_RANK = { literal: 0, param: 1, greedy: 2 } as const;

// ---------------------------------------------------------------------------------------------
// Routing

/**
 * Most specific path wins (literal > {param} > {greedy+}, compared segment by segment), then an
 * exact method beats ANY, and `$default` only catches what nothing else matched.
 */
export function matchRoute(routes: HttpRoute[], method: string, path: string): RouteMatch | undefined {
  const requestMethod = method.toUpperCase();
  const requestSegments = splitPath(path);
  let best: { match: RouteMatch; parsed: ParsedRoute } | undefined;
  for (const route of routes) {
    if (route.routeKey === DEFAULT_ROUTE) continue;
    const parsed = parseRouteKey(route.routeKey);
    if (parsed.method !== 'ANY' && parsed.method !== requestMethod) continue;
    const pathParameters = matchSegments(parsed.segments, requestSegments);
    if (!pathParameters) continue;
    if (!best || compareRoutes(parsed, best.parsed) < 0) best = { match: { route, pathParameters }, parsed };
  }
  if (best) return best.match;
  const fallback = routes.find((route) => route.routeKey === DEFAULT_ROUTE);
  return fallback && { route: fallback, pathParameters: {} };
}

function parseRouteKey(routeKey: string): ParsedRoute {
  const match = /^([A-Za-z]+) (\/\S*)$/.exec(routeKey.trim());
  if (!match) throw new Error(`invalid route key: ${routeKey}`);
  const segments = splitPath(match[2]).map(parseSegment);
  if (segments.slice(0, -1).some((s) => s.kind === 'greedy')) {
    throw new Error(`invalid route key (greedy variable must be last): ${routeKey}`);
  }
  return { method: match[1].toUpperCase(), segments };
}

function parseSegment(segment: string): Segment {
  const greedy = /^\{([^{}+]+)\+\}$/.exec(segment);
  if (greedy) return { kind: 'greedy', name: greedy[1] };
  const param = /^\{([^{}+]+)\}$/.exec(segment);
  if (param) return { kind: 'param', name: param[1] };
  return { kind: 'literal', value: segment };
}

/** "/" has no segments; "/a/b" has two. Segments stay percent-encoded until matched. */
function splitPath(path: string): string[] {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  return trimmed === '' ? [] : trimmed.split('/');
}

function matchSegments(template: Segment[], request: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, segment] of template.entries()) {
    if (segment.kind === 'greedy') {
      const rest = request.slice(i).join('/');
      if (rest === '') return undefined;
      params[segment.name] = decodeSegment(rest);
      return params;
    }
    const raw = request[i];
    if (raw === undefined || raw === '') return undefined;
    if (segment.kind === 'literal' && decodeSegment(raw) !== segment.value) return undefined;
    if (segment.kind === 'param') params[segment.name] = decodeSegment(raw);
  }
  return template.length === request.length ? params : undefined;
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // malformed escapes pass through rather than failing the match
  }
}

function compareRoutes(a: ParsedRoute, b: ParsedRoute): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const diff = segmentRank(a.segments[i]) - segmentRank(b.segments[i]);
    if (diff !== 0) return diff;
  }
  return Number(a.method === 'ANY') - Number(b.method === 'ANY');
}

function segmentRank(segment: Segment | undefined): number {
  return segment ? SEGMENT_RANK[segment.kind] : -1;
}

// ---------------------------------------------------------------------------------------------
// Request event (payload format 2.0)

export interface EventV2Input {
  method: string;
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  routeKey: string;
  pathParameters: Record<string, string>;
  /** Verified token claims; omit for routes without an authorizer. */
  claims?: Record<string, unknown>;
  /** The route's matched authorization scopes; API Gateway sends null when the route has none. */
  scopes?: string[] | null;
  stage?: string;
  protocol?: string;
  now: Date;
  sourceIp: string;
  requestId: string;
}

const LOCAL_ACCOUNT_ID = '000000000000';
const LOCAL_API_ID = 'local';
// Media types API Gateway HTTP APIs pass through as text; every other body (including one
// without a content-type, and form posts) arrives base64-encoded.
const TEXT_MEDIA_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function buildEventV2(input: EventV2Input): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { cookies, headers } = splitCookies(normalizeHeaders(input.headers));
  const queryStringParameters = parseQueryString(input.rawQueryString);
  const hasPathParameters = Object.keys(input.pathParameters).length > 0;
  const event = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString.replace(/^\?/, ''),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: buildRequestContext(input, headers),
    ...(hasPathParameters ? { pathParameters: { ...input.pathParameters } } : {}),
    ...encodeBody(input.body, headers['content-type']),
  };
  // Routes without an authorizer get no `authorizer` key at all, as in AWS; the cast keeps the
  // JWT event type that handlers on authorized routes are written against.
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function buildRequestContext(input: EventV2Input, headers: Record<string, string>) {
  const domainName = headers.host?.replace(/:\d+$/, '') ?? 'localhost';
  return {
    accountId: LOCAL_ACCOUNT_ID,
    apiId: LOCAL_API_ID,
    ...(input.claims ? { authorizer: { jwt: { claims: renderClaims(input.claims), scopes: input.scopes ?? null } } } : {}),
    domainName,
    domainPrefix: domainName.split('.')[0],
    http: {
      method: input.method.toUpperCase(),
      path: input.rawPath,
      protocol: input.protocol ?? 'HTTP/1.1',
      sourceIp: input.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: input.requestId,
    routeKey: input.routeKey,
    stage: input.stage ?? '$default',
    time: formatRequestTime(input.now),
    timeEpoch: input.now.getTime(),
  };
}

/** Lower-case names; repeated headers are joined with commas. */
function normalizeHeaders(raw: EventV2Input['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(',') : value;
    headers[key] = key in headers ? `${headers[key]},${joined}` : joined;
  }
  return headers;
}

/** Format 2.0 moves the cookie header into a `cookies` array, one entry per cookie. */
function splitCookies(headers: Record<string, string>): { cookies: string[]; headers: Record<string, string> } {
  const { cookie, ...rest } = headers;
  const cookies = (cookie ?? '')
    .split(/[;,]/)
    .map((c) => c.trim())
    .filter(Boolean);
  return { cookies, headers: rest };
}

function parseQueryString(rawQueryString: string): Record<string, string> | undefined {
  const query = rawQueryString.replace(/^\?/, '');
  if (!query) return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    params[name] = name in params ? `${params[name]},${value}` : value;
  }
  return params;
}

function encodeBody(body: Buffer, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { isBase64Encoded: false };
  if (isTextContentType(contentType)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}

function isTextContentType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return mediaType.startsWith('text/') || TEXT_MEDIA_TYPES.has(mediaType);
}

/** API Gateway's `$context.requestTime` layout: `12/Mar/2020:19:03:58 +0000`, always UTC. */
export function formatRequestTime(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${pad(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}`;
  const time = `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`;
  return `${date}:${time} +0000`;
}

/**
 * The JWT authorizer hands every claim to the Lambda as a string. Arrays come out in Go's
 * `%v` form (`cognito:groups` ["a","b"] → "[a b]"); nested objects follow the same convention.
 */
export function renderClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, renderClaimValue(value)]));
}

function renderClaimValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(renderClaimValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${renderClaimValue(v)}`).join(' ')}]`;
  }
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Response mapping (payload format 2.0)

export interface HttpResponse {
  statusCode: number;
  /** Lower-cased names. `set-cookie` values are in `cookies`, one per header line. */
  headers: Record<string, string>;
  /** Body as UTF-8 text; write `rawBody` instead when bytes matter (base64 responses). */
  body: string;
  rawBody: Buffer;
  cookies: string[];
}

/**
 * An object with `statusCode` is a structured response; anything else is taken as the body of a
 * 200 `application/json` response (strings verbatim, other values as JSON), as AWS documents.
 */
export function toHttpResponse(result: unknown): HttpResponse {
  if (isStructured(result)) return structuredResponse(result);
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return response(200, { 'content-type': 'application/json' }, Buffer.from(text, 'utf8'), []);
}

interface StructuredResult {
  statusCode: unknown;
  headers?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
  cookies?: unknown;
}

function isStructured(result: unknown): result is StructuredResult {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result;
}

/** A malformed structured response is what API Gateway answers with 500 Internal Server Error. */
function structuredResponse(result: StructuredResult): HttpResponse {
  const { statusCode, body = '', isBase64Encoded, cookies = [] } = result;
  const valid =
    Number.isInteger(statusCode) &&
    (statusCode as number) >= 100 &&
    (statusCode as number) <= 599 &&
    typeof body === 'string' &&
    Array.isArray(cookies);
  if (!valid) return errorResponse(500, 'Internal Server Error');
  const bytes = Buffer.from(body as string, isBase64Encoded === true ? 'base64' : 'utf8');
  return response(statusCode as number, stringHeaders(result.headers), bytes, (cookies as unknown[]).map(String));
}

function stringHeaders(headers: unknown): Record<string, string> {
  if (typeof headers !== 'object' || headers === null) return {};
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}

function response(statusCode: number, headers: Record<string, string>, rawBody: Buffer, cookies: string[]): HttpResponse {
  return { statusCode, headers, body: rawBody.toString('utf8'), rawBody, cookies };
}

function errorResponse(status: number, message: string): HttpResponse {
  return response(status, { 'content-type': 'application/json' }, Buffer.from(httpErrorBody(status, message)), []);
}

/**
 * The JSON body API Gateway itself sends for its own errors. Statuses it answers with a fixed
 * text (401 `{"message":"Unauthorized"}`, 404 `{"message":"Not Found"}`, ...) ignore `message`,
 * so internal reasons never leak into the body; put them in `wwwAuthenticate()` instead.
 */
export function httpErrorBody(status: number, message: string): string {
  return JSON.stringify({ message: GATEWAY_MESSAGES[status] ?? message });
}

const GATEWAY_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The `www-authenticate` header the JWT authorizer adds to its 401, carrying the reason. */
export function wwwAuthenticate(reason: string): string {
  return `Bearer scope="" error="invalid_token" error_description="${reason.replace(/["\\]/g, '')}"`;
}
