/**
 * The AWS SDK calls functions make to the platform's own endpoint, handed over in this process
 * instead of over a socket. Every function runs in the platform's process, so a call to the
 * endpoint crossed the loopback twice (the function's HTTP client, the endpoint's HTTP server)
 * only to arrive where it started: profiles of an order burst put a fifth of the process's time
 * there. The SDK still builds, signs and parses every request and response as it does against
 * AWS (its serializers, middleware, retries and error types run unchanged); only the transport
 * is skipped. The endpoint serves the request exactly as it serves one that came over HTTP
 * (`dispatchAwsRequest`), including faults and the trace.
 *
 * An app's clients use it through `AppBinding.installRequestHandler`, for the endpoint of a
 * running platform only: a client of another endpoint keeps the SDK's HTTP handler.
 */
import type { AwsAnswer, AwsRequest } from './aws-server';

/** What the SDK hands a request handler (`@smithy/protocol-http`'s HttpRequest), as far as it is read here. */
export interface SdkHttpRequest {
  hostname: string;
  port?: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** What a request handler answers (`HttpResponse`: the SDK reads a body given as bytes as it is). */
export interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

type Dispatch = (request: AwsRequest) => Promise<AwsAnswer>;

/** `host:port` of each running platform's endpoint → how it serves a request. */
const served = new Map<string, Dispatch>();

/** Serves requests for `endpoint` (`http://127.0.0.1:4566`) in this process until the returned function is called. */
export function serveInProcess(endpoint: string, dispatch: Dispatch): () => void {
  const { host } = new URL(endpoint);
  served.set(host, dispatch);
  return () => {
    if (served.get(host) === dispatch) served.delete(host);
  };
}

/**
 * A request handler for AWS SDK v3 clients (the `requestHandler` client option). A client keeps
 * it for its life; when the platform it was made for has stopped, a request fails as it would
 * over HTTP, with ECONNREFUSED.
 */
export const inProcessRequestHandler = {
  metadata: { handlerProtocol: 'http/1.1' },

  async handle(request: SdkHttpRequest, options: { abortSignal?: AbortSignal } = {}): Promise<{ response: SdkHttpResponse }> {
    const host = request.port ? `${request.hostname}:${request.port}` : request.hostname;
    const dispatch = served.get(host);
    if (!dispatch) throw Object.assign(new Error(`connect ECONNREFUSED ${host}`), { code: 'ECONNREFUSED' });
    if (options.abortSignal?.aborted) throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    const headers: AwsRequest['headers'] = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const answer = await dispatch({ headers, body: bodyOf(request.body) });
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
    return { response: { statusCode: answer.status, headers: { ...answer.headers, 'content-length': String(body.length) }, body } };
  },

  updateHttpClientConfig(): void {},
  httpHandlerConfigs(): Record<string, never> {
    return {};
  },
  destroy(): void {},
};

function bodyOf(body: unknown): Buffer | string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // Streaming bodies are S3's, whose clients keep HTTP (see the module comment).
  throw new Error('the in-process transport takes string or byte bodies only');
}
