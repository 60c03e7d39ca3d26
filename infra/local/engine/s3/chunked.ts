/**
 * The `aws-chunked` content encoding SigV4 streaming uploads use: the payload in chunks, each
 * `<hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n`, ending with a zero-size chunk and, with
 * `x-amz-trailer`, trailing headers (`x-amz-checksum-crc32:<base64>`) and a blank line. The AWS
 * SDK sends it for stream bodies (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`); signed variants
 * (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`) differ only in the chunk extensions, which
 * are read past: signatures are not verified locally.
 */

export class ChunkedEncodingError extends Error {
  constructor(
    message: string,
    /** `IncompleteBody` when the body ends early, `InvalidRequest` when it is malformed. */
    readonly code: 'IncompleteBody' | 'InvalidRequest',
  ) {
    super(message);
    this.name = 'ChunkedEncodingError';
  }
}

export interface DecodedPayload {
  body: Buffer;
  /** Trailing headers, names in lower case. */
  trailers: Record<string, string>;
}

const CRLF = Buffer.from('\r\n');

export function decodeAwsChunked(raw: Buffer): DecodedPayload {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf(CRLF, offset);
    if (lineEnd < 0) throw new ChunkedEncodingError('The aws-chunked body ends before its last chunk', 'IncompleteBody');
    const header = raw.subarray(offset, lineEnd).toString('latin1');
    const sizeText = header.split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw new ChunkedEncodingError(`Invalid aws-chunked chunk header "${header.slice(0, 80)}"`, 'InvalidRequest');
    const size = Number.parseInt(sizeText, 16);
    offset = lineEnd + CRLF.length;
    if (size === 0) break;
    if (offset + size > raw.length) throw new ChunkedEncodingError('An aws-chunked chunk is shorter than its declared size', 'IncompleteBody');
    chunks.push(raw.subarray(offset, offset + size));
    offset += size;
    if (!raw.subarray(offset, offset + CRLF.length).equals(CRLF)) {
      throw new ChunkedEncodingError('An aws-chunked chunk is longer than its declared size', 'InvalidRequest');
    }
    offset += CRLF.length;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(offset).toString('latin1').split(/\r?\n/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ChunkedEncodingError(`Invalid aws-chunked trailer "${line.slice(0, 80)}"`, 'InvalidRequest');
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(chunks), trailers };
}
