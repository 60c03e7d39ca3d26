/**
 * S3 on the platform's one AWS endpoint: which requests are S3's, and serving them. S3's REST
 * requests carry no `X-Amz-Target`; the AWS SDK signs them with a SigV4 credential scope naming
 * the service (`Credential=<key>/<date>/<region>/s3/aws4_request`), in the Authorization header or,
 * for a presigned URL, the `X-Amz-Credential` query parameter. Unsigned requests (curl, a
 * browser) are S3's when their path starts with a bucket the platform serves.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readBody } from '../http-util';
import { S3Error, entityTooLarge, errorResponse, type LocalS3, type S3Response } from './service';

const S3_SCOPE = /^AWS4-[A-Z0-9-]+ .*Credential=[^,\s]*\/s3\/aws4_request/;

export function isS3Request(request: http.IncomingMessage, s3: Pick<LocalS3, 'hasBucket'> | undefined): boolean {
  if (request.headers['x-amz-target'] !== undefined) return false;
  const authorization = request.headers.authorization ?? '';
  if (S3_SCOPE.test(authorization)) return true;
  const url = request.url ?? '/';
  const mark = url.indexOf('?');
  const query = new URLSearchParams(mark < 0 ? '' : url.slice(mark + 1));
  if (/\/s3\/aws4_request$/.test(query.get('X-Amz-Credential') ?? '')) return true;
  if (authorization !== '' || s3 === undefined) return false;
  const firstSegment = (mark < 0 ? url : url.slice(0, mark)).split('/')[1] ?? '';
  try {
    return firstSegment !== '' && s3.hasBucket(decodeURIComponent(firstSegment));
  } catch {
    return false;
  }
}

/** Reads the request (within the object size limit), lets the service answer, writes the answer. */
export async function serveS3(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  s3: LocalS3 | undefined,
  log?: (line: string) => void,
): Promise<void> {
  const method = request.method ?? 'GET';
  const send = (answer: S3Response) => {
    response.writeHead(answer.status, answer.headers);
    response.end(method === 'HEAD' ? undefined : answer.body);
  };
  const fail = (error: S3Error) => send(errorResponse(error, method, randomBytes(8).toString('hex').toUpperCase()));
  if (!s3) return fail(new S3Error('ServiceUnavailable', 'The local platform is still starting; try again', 503));

  // Refused before the body is read (a client sending Expect: 100-continue then sends nothing).
  const declared = Math.max(Number(request.headers['content-length'] ?? 0), Number(request.headers['x-amz-decoded-content-length'] ?? 0));
  if (declared > s3.maxObjectBytes) {
    response.setHeader('connection', 'close');
    return fail(entityTooLarge(s3.maxObjectBytes));
  }
  let body: Buffer;
  try {
    // aws-chunked framing adds some bytes per 64 KiB chunk on top of the payload.
    body = await readBody(request, s3.maxObjectBytes + 1024 * 1024);
  } catch {
    return;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  let answer: S3Response;
  try {
    answer = await s3.handle({ method, url: request.url ?? '/', headers, body });
  } catch (error) {
    log?.(`s3: ${(error as Error).stack ?? String(error)}`);
    return fail(new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500));
  }
  send(answer);
}
