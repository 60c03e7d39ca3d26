import http from 'node:http';
import { AwsServiceError } from './aws-error';
import type { VirtualClock } from './clock';
import { parseFaultSettings, type FaultInjector } from './faults';
import { readBody } from './http-util';
import { isS3Request, serveS3 } from './s3/http';
import type { LocalSqs } from './sqs';
import { isQueryRequest, queryErrorHeader, serveSqsQuery } from './sqs-query';
import type { LocalS3 } from './s3/service';
import { startAccounting } from './capacity-accounting';
import { TRACE_HEADER, contextFromHeader, traceContext, type PlatformTrace } from './trace';

/** A service answering `X-Amz-Target: <Prefix>.<Action>` with `Action(request)`. */
export type ServiceApi = Record<string, unknown>;

export interface AwsServerOptions {
  /** `AWSStepFunctions`, `AWSEvents`, `AmazonSQS` → the object whose methods are the actions. */
  services: Record<string, ServiceApi>;
  /** DynamoDB Local's endpoint: DynamoDB requests are passed through unchanged. */
  dynamoDbEndpoint: string;
  /** S3, path-style: requests without X-Amz-Target whose signature names service s3 (see `s3/http.ts`). */
  s3?: LocalS3;
  clock: VirtualClock;
  /** Injected faults: `/_local/faults` sets, shows and clears them; DynamoDB requests consult them. */
  faults?: FaultInjector;
  log?: (line: string) => void;
  /** Records DynamoDB calls with their capacity (see trace.ts); nothing when omitted. */
  trace?: PlatformTrace;
}

const DYNAMODB_PREFIX = 'DynamoDB_20120810';

/**
 * The one AWS-compatible endpoint: requests are routed by their `X-Amz-Target` header, so AWS SDK
 * v3 clients work unchanged with `endpoint` set; S3's REST requests, which have none, by the
 * service their signature names. Also serves the virtual clock at `/_local/clock`.
 */
export function createAwsServer(options: AwsServerOptions): http.Server {
  return http.createServer((request, response) => {
    handle(request, response, options).catch((error: Error) => {
      options.log?.(`aws endpoint: ${error.stack ?? error.message}`);
      if (!response.headersSent) sendJson(response, 500, { __type: 'InternalFailure', message: error.message });
    });
  });
}

async function handle(request: http.IncomingMessage, response: http.ServerResponse, options: AwsServerOptions) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const local = url.pathname === '/_local/clock' || url.pathname === '/_local/health' || url.pathname === '/_local/faults';
  // S3 reads its own body (objects are larger than API requests) and keeps the raw path (keys may hold `..`).
  if (!local && isS3Request(request, options.s3)) return serveS3(request, response, options.s3, options.log);
  const body = await readBody(request);
  if (url.pathname === '/_local/clock') return clockRoute(request.method ?? 'GET', body, response, options.clock);
  if (url.pathname === '/_local/health') return sendJson(response, 200, { ok: true, now: options.clock.nowIso() });
  if (url.pathname === '/_local/faults' && options.faults) return faultsRoute(request.method ?? 'GET', body, response, options.faults);

  // What a function's call does is attributed to it (see trace.ts); the header goes no further.
  if (options.trace && request.headers[TRACE_HEADER] !== undefined) {
    const context = contextFromHeader(request.headers[TRACE_HEADER]);
    delete request.headers[TRACE_HEADER];
    return traceContext.run(context, () => route(request, body, response, options));
  }
  return route(request, body, response, options);
}

async function route(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse, options: AwsServerOptions) {
  // SQS's query protocol (older clients): a form with `Action`, no X-Amz-Target, answered in XML.
  if (options.services.AmazonSQS && isQueryRequest(request)) return serveSqsQuery(request, body, response, options.services.AmazonSQS as unknown as LocalSqs);
  const target = String(request.headers['x-amz-target'] ?? '');
  const [prefix, action] = target.split('.');
  if (prefix === DYNAMODB_PREFIX) {
    const throttle = options.faults?.dynamodb();
    if (throttle) return sendAwsError(response, 'application/x-amz-json-1.0', new AwsServiceError(throttle.type, throttle.message, 400));
    return options.trace ? tracedProxy(request, body, response, options.dynamoDbEndpoint, action, options.trace) : proxy(request, body, response, options.dynamoDbEndpoint);
  }
  const contentType = String(request.headers['content-type'] ?? 'application/x-amz-json-1.1');
  const service = options.services[prefix];
  const operation = service?.[action];
  // Actions are the service's capitalised methods; nothing else on the object is reachable.
  if (!service || !/^[A-Z][A-Za-z]+$/.test(action ?? '') || typeof operation !== 'function') {
    return sendAwsError(response, contentType, new AwsServiceError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target header)'}`));
  }
  let input: unknown;
  try {
    input = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return sendAwsError(response, contentType, new AwsServiceError('SerializationException', 'Request body is not valid JSON'));
  }
  try {
    const result = await (operation as (input: unknown) => Promise<unknown>).call(service, input);
    response.writeHead(200, { 'content-type': contentType, 'x-amzn-requestid': crypto.randomUUID() });
    response.end(JSON.stringify(result ?? {}));
  } catch (error) {
    if (error instanceof AwsServiceError) return sendAwsError(response, contentType, error, prefix === 'AmazonSQS' ? { 'x-amzn-query-error': queryErrorHeader(error) } : {});
    throw error;
  }
}

async function clockRoute(method: string, body: Buffer, response: http.ServerResponse, clock: VirtualClock) {
  if (method === 'GET') return sendJson(response, 200, { now: clock.nowIso() });
  if (method !== 'POST') return sendJson(response, 405, { message: 'use GET or POST' });
  let advanceSeconds: unknown;
  try {
    advanceSeconds = JSON.parse(body.toString('utf8') || '{}').advanceSeconds;
  } catch {
    return sendJson(response, 400, { message: 'body must be JSON: {"advanceSeconds": N}' });
  }
  if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds) || advanceSeconds < 0) {
    return sendJson(response, 400, { message: 'advanceSeconds must be a non-negative number of seconds' });
  }
  const now = await clock.advance(advanceSeconds);
  sendJson(response, 200, { now, advancedSeconds: advanceSeconds });
}

function faultsRoute(method: string, body: Buffer, response: http.ServerResponse, faults: FaultInjector) {
  if (method === 'GET') return sendJson(response, 200, faults.status());
  if (method === 'DELETE') {
    faults.clear();
    return sendJson(response, 200, faults.status());
  }
  if (method !== 'POST') return sendJson(response, 405, { message: 'use GET, POST or DELETE' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return sendJson(response, 400, { message: 'body must be JSON', errors: [{ field: '(body)', message: 'must be a JSON object' }] });
  }
  const { settings, errors } = parseFaultSettings(parsed);
  if (!settings) return sendJson(response, 400, { message: `invalid faults: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors });
  faults.set(settings);
  sendJson(response, 200, faults.status());
}

async function proxy(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse, endpoint: string) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const upstream = await fetch(endpoint, { method: 'POST', headers, body });
  const payload = Buffer.from(await upstream.arrayBuffer());
  const out: Record<string, string> = {};
  upstream.headers.forEach((value, name) => {
    if (!['content-length', 'connection', 'transfer-encoding', 'content-encoding'].includes(name)) out[name] = value;
  });
  response.writeHead(upstream.status, out);
  response.end(payload);
}

/**
 * The proxy with capacity accounting: asks DynamoDB Local for the consumed capacity and hands the
 * caller the response it would have had without asking (the checksum header goes, as the body
 * may change).
 */
async function tracedProxy(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse, endpoint: string, action: string, trace: PlatformTrace) {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return proxy(request, body, response, endpoint);
  }
  const accounting = await startAccounting(action, parsed, { endpoint, sizeTransactions: trace.sizeTransactions });
  const sent = Buffer.from(JSON.stringify(accounting.request));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const startedAt = performance.now();
  trace.callStarted?.();
  let upstream: Response;
  let payload: Buffer;
  try {
    upstream = await fetch(endpoint, { method: 'POST', headers, body: sent });
    payload = Buffer.from(await upstream.arrayBuffer());
  } finally {
    trace.callEnded?.();
  }
  const durationMs = performance.now() - startedAt;
  let answer = payload;
  let units = { readUnits: 0, writeUnits: 0 };
  try {
    const { answer: result, ...consumed } = await accounting.settle(upstream.status, JSON.parse(payload.toString('utf8') || '{}'));
    units = consumed;
    answer = Buffer.from(JSON.stringify(result));
  } catch {
    // Not JSON: passed on as it came.
  }
  trace.dynamodb({ ...traceContext.getStore(), action, via: 'sdk', request: body.toString('utf8'), ...units, startedAt, durationMs, status: upstream.status });
  const out: Record<string, string> = {};
  upstream.headers.forEach((value, name) => {
    if (!['content-length', 'connection', 'transfer-encoding', 'content-encoding', 'x-amz-crc32'].includes(name)) out[name] = value;
  });
  response.writeHead(upstream.status, out);
  response.end(answer);
}

function sendAwsError(response: http.ServerResponse, contentType: string, error: AwsServiceError, headers: Record<string, string> = {}) {
  response.writeHead(error.status, { 'content-type': contentType, 'x-amzn-errortype': error.code, 'x-amzn-requestid': crypto.randomUUID(), ...headers });
  response.end(JSON.stringify({ __type: error.code, message: error.message }));
}

function sendJson(response: http.ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
