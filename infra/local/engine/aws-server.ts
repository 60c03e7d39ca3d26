import http from 'node:http';
import { AwsServiceError } from './aws-error';
import type { VirtualClock } from './clock';
import { parseFaultSettings, type FaultInjector } from './faults';
import { readBody } from './http-util';
import { isS3Request, serveS3 } from './s3/http';
import type { LocalSqs } from './sqs';
import { isQueryRequest, queryErrorHeader, serveSqsQuery } from './sqs-query';
import type { LocalS3 } from './s3/service';
import { CONDITIONAL_WRITES, startAccounting, type Accounting } from './capacity-accounting';
import { TRACE_HEADER, contextFromHeader, traceContext, unitsFor, type PlatformTrace } from './trace';

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

  // SQS's query protocol (older clients): a form with `Action`, no X-Amz-Target, answered in XML.
  if (options.services.AmazonSQS && isQueryRequest(request)) return serveSqsQuery(request, body, response, options.services.AmazonSQS as unknown as LocalSqs);

  // What a function's call does is attributed to it (see trace.ts); the header goes no further.
  const headers = request.headers as AwsRequest['headers'];
  let answer: AwsAnswer;
  if (options.trace && headers[TRACE_HEADER] !== undefined) {
    const context = contextFromHeader(headers[TRACE_HEADER]);
    delete headers[TRACE_HEADER];
    answer = await traceContext.run(context, () => dispatchAwsRequest({ headers, body }, options));
  } else answer = await dispatchAwsRequest({ headers, body }, options);
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/** A request to a service of the endpoint (`X-Amz-Target` routed), however it arrived: header names in lower case. */
export interface AwsRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | string;
}

/** What the endpoint answers it. */
export interface AwsAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/**
 * Serves one request of the JSON protocols (DynamoDB through the proxy, Step Functions,
 * EventBridge, SQS): over HTTP from `createAwsServer`, or handed over in this process by the
 * functions' own SDK clients (`in-process.ts`). The trace context of the caller is the current one.
 */
export async function dispatchAwsRequest(request: AwsRequest, options: AwsServerOptions): Promise<AwsAnswer> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const [prefix, action] = target.split('.');
  if (prefix === DYNAMODB_PREFIX) {
    const throttle = options.faults?.dynamodb();
    if (throttle) return awsError('application/x-amz-json-1.0', new AwsServiceError(throttle.type, throttle.message, 400));
    return options.trace ? tracedProxy(request, options.dynamoDbEndpoint, action, options.trace) : proxy(request, options.dynamoDbEndpoint);
  }
  const contentType = String(request.headers['content-type'] ?? 'application/x-amz-json-1.1');
  const service = options.services[prefix];
  const operation = service?.[action];
  // Actions are the service's capitalised methods; nothing else on the object is reachable.
  if (!service || !/^[A-Z][A-Za-z]+$/.test(action ?? '') || typeof operation !== 'function') {
    return awsError(contentType, new AwsServiceError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target header)'}`));
  }
  let input: unknown;
  try {
    const text = typeof request.body === 'string' ? request.body : request.body.toString('utf8');
    input = text.length ? JSON.parse(text) : {};
  } catch {
    return awsError(contentType, new AwsServiceError('SerializationException', 'Request body is not valid JSON'));
  }
  try {
    const result = await (operation as (input: unknown) => Promise<unknown>).call(service, input);
    return { status: 200, headers: { 'content-type': contentType, 'x-amzn-requestid': crypto.randomUUID() }, body: JSON.stringify(result ?? {}) };
  } catch (error) {
    if (error instanceof AwsServiceError) return awsError(contentType, error, prefix === 'AmazonSQS' ? { 'x-amzn-query-error': queryErrorHeader(error) } : {});
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

/** Headers a hop does not pass on (they describe the connection or the body's framing, which the next hop sets itself). */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function forwardedHeaders(request: AwsRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // Bodies come back uncompressed, as the caller reads them whatever it asked for.
    if (value === undefined || HOP_HEADERS.has(name) || name === 'accept-encoding') continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function answerHeaders(upstream: http.IncomingHttpHeaders, dropped: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_HEADERS.has(name) || dropped.includes(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Connections to DynamoDB Local are kept open and reused: a proxied call is a write on a warm
 * socket, not a new connection (and DynamoDB Local's own keep-alive is longer than the bursts).
 */
const dynamoAgent = new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, scheduling: 'lifo' });

function post(endpoint: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = http.request(endpoint, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: dynamoAgent }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }));
      answer.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

async function proxy(request: AwsRequest, endpoint: string): Promise<AwsAnswer> {
  const upstream = await post(endpoint, forwardedHeaders(request), request.body);
  return { status: upstream.status, headers: answerHeaders(upstream.headers, ['content-encoding']), body: upstream.body };
}

/**
 * The proxy with capacity accounting: asks DynamoDB Local for the consumed capacity and hands the
 * caller the response it would have had without asking (the checksum header goes, as the body
 * may change).
 */
async function tracedProxy(request: AwsRequest, endpoint: string, action: string, trace: PlatformTrace): Promise<AwsAnswer> {
  const text = typeof request.body === 'string' ? request.body : request.body.toString('utf8');
  const sizing = { endpoint, sizeTransactions: trace.sizeTransactions };
  let accounting: Accounting | undefined;
  let sent = trace.sizeTransactions && action === 'TransactWriteItems' ? undefined : quickAccounting(action, text);
  if (sent === undefined) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text);
    } catch {
      return proxy(request, endpoint);
    }
    accounting = await startAccounting(action, parsed, sizing);
    sent = JSON.stringify(accounting.request);
  }
  const startedAt = performance.now();
  trace.callStarted?.();
  let upstream: Awaited<ReturnType<typeof post>>;
  try {
    upstream = await post(endpoint, forwardedHeaders(request), sent);
  } finally {
    trace.callEnded?.();
  }
  const durationMs = performance.now() - startedAt;
  let answer: Buffer | string = upstream.body;
  let units = { readUnits: 0, writeUnits: 0 };
  const taken = !accounting && upstream.status < 400 ? trailingCapacity(upstream.body.toString('utf8')) : undefined;
  if (taken) {
    units = unitsFor(action, taken.consumed);
    answer = taken.answer;
  } else {
    try {
      // The quick request added what startAccounting adds, so its settling applies as it is.
      accounting ??= await startAccounting(action, JSON.parse(text), sizing);
      const { answer: result, ...consumed } = await accounting.settle(upstream.status, JSON.parse(upstream.body.toString('utf8') || '{}'));
      units = consumed;
      answer = JSON.stringify(result);
    } catch {
      // Not JSON: passed on as it came.
    }
  }
  trace.dynamodb({ ...traceContext.getStore(), action, via: 'sdk', request: text, ...units, startedAt, durationMs, status: upstream.status });
  return { status: upstream.status, headers: answerHeaders(upstream.headers, ['content-encoding', 'x-amz-crc32']), body: answer };
}

/**
 * The request as `startAccounting` would send it, written without parsing the request: its
 * fields (the consumed capacity; the item, for a conditional write that fails) put in front. Only
 * when the request names neither (most do not); undefined otherwise, and the request is read whole.
 * A profile of an order burst had the parsing and writing again at 2 % of the process's time.
 */
export function quickAccounting(action: string, text: string): string | undefined {
  if (text !== '{}' && !text.startsWith('{"')) return undefined;
  if (text.includes('"ReturnConsumedCapacity"') || text.includes('"ReturnValuesOnConditionCheckFailure"')) return undefined;
  // A write whose attribute is named ConditionExpression asks for the item too: a failure of it returns none.
  const conditional = CONDITIONAL_WRITES.has(action) && text.includes('"ConditionExpression"');
  const fields = `"ReturnConsumedCapacity":"TOTAL"${conditional ? ',"ReturnValuesOnConditionCheckFailure":"ALL_OLD"' : ''}`;
  return text === '{}' ? `{${fields}}` : `{${fields},${text.slice(1)}`;
}

/** DynamoDB Local writes ConsumedCapacity last, as a flat object (TOTAL) or a list of them. */
const TRAILING_CAPACITY = /,?"ConsumedCapacity":(\{[^{}]*\}|\[(?:\{[^{}]*\},?)*\])\}$/;

/** A successful answer's capacity, read from its end, and the answer without it; undefined when it is not there. */
export function trailingCapacity(text: string): { consumed: unknown; answer: string } | undefined {
  const at = text.lastIndexOf('"ConsumedCapacity":');
  if (at <= 0) return undefined;
  const match = TRAILING_CAPACITY.exec(text.slice(text[at - 1] === ',' ? at - 1 : at));
  if (!match) return undefined;
  return { consumed: JSON.parse(match[1]), answer: `${text.slice(0, text.length - match[0].length)}}` };
}

function awsError(contentType: string, error: AwsServiceError, headers: Record<string, string> = {}): AwsAnswer {
  return {
    status: error.status,
    headers: { 'content-type': contentType, 'x-amzn-errortype': error.code, 'x-amzn-requestid': crypto.randomUUID(), ...headers },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
