/**
 * Amazon S3 for the local platform: the buckets the template declares, their objects in memory
 * (and, with a directory, on disk), served in S3's REST protocol, path-style
 * (`/<bucket>/<key>`), as the AWS SDK v3 sends it with `forcePathStyle: true`.
 *
 * Operations: ListBuckets, HeadBucket, GetBucketLocation, ListObjectsV2, ListObjects,
 * PutObject, CopyObject, GetObject (ranges, conditions), HeadObject, DeleteObject,
 * DeleteObjects. Anything else (multipart uploads, versioning, ACLs, tagging, bucket
 * configuration, creating or deleting buckets) answers `501 NotImplemented` rather than pretend.
 *
 * `handle` takes a request as it came over HTTP (method, raw target, headers, body) and returns
 * status, headers and body, so the service can be tested without a server.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalBucket } from '../model';
import { CHECKSUM_ALGORITHMS, checksum, md5Base64, md5Hex, sha256Hex } from './checksums';
import { ChunkedEncodingError, decodeAwsChunked } from './chunked';
import { elementTexts, xmlDocument, type XmlNode } from './xml';

export interface S3Request {
  method: string;
  /** The request target as sent: percent-encoded path, then the query (`/bucket/a%20b.png?x-id=GetObject`). */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
}

/** An error S3 answers with: `<Error><Code>` and `<Message>`, plus elements such as `<Key>`. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export interface LocalS3Options {
  /** "Now" for Last-Modified and conditions (the virtual clock in the local platform). */
  now?: () => number;
  /** Keep objects here (`<dir>/<bucket>/`), loaded again at start; in memory only when omitted. */
  dir?: string;
  /** The largest object a PutObject may carry (default 64 MiB; S3 allows 5 GiB). */
  maxObjectBytes?: number;
}

interface StoredObject {
  key: string;
  body: Buffer;
  /** The MD5 of the body in hex, in double quotes, as S3 writes it. */
  etag: string;
  /** Milliseconds, whole seconds (HTTP dates have no finer resolution). */
  lastModified: number;
  contentType: string;
  /** Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires: as given. */
  headers: Record<string, string>;
  /** User metadata (`x-amz-meta-<name>`), names in lower case without the prefix. */
  metadata: Record<string, string>;
  /** Checksums given (and checked) on upload, by algorithm (`crc32` → base64). */
  checksums: Record<string, string>;
}

interface Bucket {
  name: string;
  createdAt: number;
  objects: Map<string, StoredObject>;
  /** Keys in UTF-8 byte order, as S3 lists them; rebuilt after a write. */
  sorted?: string[];
}

const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;
const MAX_KEYS = 1000;
const STORED_HEADERS = ['content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires'];
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};
/** Query parameters naming a sub-resource or feature this S3 does not serve. */
const UNSUPPORTED_SUBRESOURCES = [
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'encryption', 'intelligent-tiering', 'inventory', 'legal-hold',
  'lifecycle', 'logging', 'metadataTable', 'metrics', 'notification', 'object-lock', 'ownershipControls', 'partNumber',
  'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'restore', 'retention', 'select',
  'session', 'tagging', 'torrent', 'uploadId', 'uploads', 'versioning', 'versions', 'website',
];
const OWNER: XmlNode[] = [
  ['ID', sha256Hex(Buffer.from(LOCAL_ACCOUNT))],
  ['DisplayName', 'local'],
];

/** Byte order of the UTF-8 encodings, S3's listing order (not JavaScript's UTF-16 order). */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const isoDate = (ms: number) => new Date(ms).toISOString();
const httpDate = (ms: number) => new Date(ms).toUTCString();

export class LocalS3 {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly files?: ObjectFiles;
  readonly maxObjectBytes: number;

  constructor(buckets: LocalBucket[], options: LocalS3Options = {}) {
    this.now = options.now ?? Date.now;
    this.maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    this.files = options.dir ? new ObjectFiles(options.dir) : undefined;
    const createdAt = Math.floor(this.now() / 1000) * 1000;
    for (const { name } of buckets) {
      const objects = new Map((this.files?.load(name) ?? []).map((object) => [object.key, object]));
      this.buckets.set(name, { name, createdAt, objects });
    }
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  async handle(request: S3Request): Promise<S3Response> {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    let response: S3Response;
    try {
      response = this.route(request);
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      response = errorResponse(error, request.method, requestId);
    }
    response.headers['x-amz-request-id'] = requestId;
    response.headers['x-amz-id-2'] = Buffer.from(requestId).toString('base64');
    return response;
  }

  private route(request: S3Request): S3Response {
    const method = request.method.toUpperCase();
    const { bucketName, key, query } = parseTarget(request.url);
    for (const name of UNSUPPORTED_SUBRESOURCES) {
      if (query.has(name)) throw notImplemented(`The "${name}" sub-resource`);
    }
    if (query.has('versionId') && query.get('versionId') !== 'null') throw notImplemented('Versioning (versionId)');
    if (bucketName === '') {
      if (method === 'GET') return this.listBuckets();
      throw notImplemented(`${method} on the service`);
    }
    if (key === '') {
      switch (method) {
        case 'GET': {
          const bucket = this.bucket(bucketName);
          // us-east-1 is the empty location constraint.
          if (query.has('location')) return xmlResponse('LocationConstraint', []);
          return query.get('list-type') === '2' ? this.listObjectsV2(bucket, query) : this.listObjectsV1(bucket, query);
        }
        case 'HEAD':
          this.bucket(bucketName);
          return { status: 200, headers: { 'x-amz-bucket-region': LOCAL_REGION } };
        case 'POST':
          if (query.has('delete')) return this.deleteObjects(this.bucket(bucketName), request);
          throw notImplemented('POST on a bucket');
        case 'PUT':
          throw notImplemented('CreateBucket (the local platform serves the buckets the template declares)');
        case 'DELETE':
          throw notImplemented('DeleteBucket (the local platform serves the buckets the template declares)');
        default:
          throw notImplemented(`${method} on a bucket`);
      }
    }
    const bucket = this.bucket(bucketName);
    if (Buffer.byteLength(key) > 1024) throw new S3Error('KeyTooLongError', 'Your key is too long', 400, { Key: key });
    switch (method) {
      case 'PUT':
        return request.headers['x-amz-copy-source'] !== undefined ? this.copyObject(bucket, key, request) : this.putObject(bucket, key, request);
      case 'GET':
        return this.getObject(bucket, key, request, query, false);
      case 'HEAD':
        return this.getObject(bucket, key, request, query, true);
      case 'DELETE':
        this.remove(bucket, key);
        return { status: 204, headers: {} };
      default:
        throw notImplemented(`${method} on an object (multipart uploads, restore and select are not served locally)`);
    }
  }

  // --- buckets ---------------------------------------------------------------------------

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
    return bucket;
  }

  private listBuckets(): S3Response {
    const buckets = [...this.buckets.values()].sort((a, b) => compareKeys(a.name, b.name));
    return xmlResponse('ListAllMyBucketsResult', [
      ['Owner', OWNER],
      ['Buckets', buckets.map((b): XmlNode => ['Bucket', [['Name', b.name], ['CreationDate', isoDate(b.createdAt)], ['BucketRegion', LOCAL_REGION]]])],
    ]);
  }

  // --- listing ---------------------------------------------------------------------------

  private listObjectsV2(bucket: Bucket, query: URLSearchParams): S3Response {
    const common = listingParameters(query);
    const token = query.get('continuation-token') ?? undefined;
    const startAfter = query.get('start-after') ?? undefined;
    const after = token === undefined ? undefined : decodeContinuationToken(token);
    const page = this.list(bucket, common, startAfter, after);
    const owner = query.get('fetch-owner') === 'true';
    return xmlResponse('ListBucketResult', [
      ['Name', bucket.name],
      ['Prefix', common.encode(common.prefix)],
      ['ContinuationToken', token],
      ['NextContinuationToken', page.truncated && page.last !== undefined ? encodeContinuationToken(page.last) : undefined],
      ['KeyCount', page.contents.length + page.prefixes.length],
      ['MaxKeys', common.maxKeys],
      ['Delimiter', common.delimiter === undefined ? undefined : common.encode(common.delimiter)],
      ['EncodingType', common.encodingType],
      ['IsTruncated', page.truncated],
      ['StartAfter', startAfter === undefined ? undefined : common.encode(startAfter)],
      ...contentsNodes(page.contents, common.encode, owner),
      ...page.prefixes.map((prefix): XmlNode => ['CommonPrefixes', [['Prefix', common.encode(prefix)]]]),
    ]);
  }

  private listObjectsV1(bucket: Bucket, query: URLSearchParams): S3Response {
    const common = listingParameters(query);
    const marker = query.get('marker') ?? '';
    const page = this.list(bucket, common, marker || undefined, common.delimiter !== undefined && marker ? marker : undefined);
    return xmlResponse('ListBucketResult', [
      ['Name', bucket.name],
      ['Prefix', common.encode(common.prefix)],
      ['Marker', common.encode(marker)],
      // S3 returns NextMarker only with a delimiter; without one the last key is the next marker.
      ['NextMarker', page.truncated && common.delimiter !== undefined && page.last !== undefined ? common.encode(page.last) : undefined],
      ['MaxKeys', common.maxKeys],
      ['Delimiter', common.delimiter === undefined ? undefined : common.encode(common.delimiter)],
      ['EncodingType', common.encodingType],
      ['IsTruncated', page.truncated],
      ...contentsNodes(page.contents, common.encode, true),
      ...page.prefixes.map((prefix): XmlNode => ['CommonPrefixes', [['Prefix', common.encode(prefix)]]]),
    ]);
  }

  /**
   * One page: keys under the prefix after `startAfter`, those sharing a prefix up to the next
   * delimiter rolled up into one common prefix, and only entries (keys or common prefixes) after
   * `afterEntry`. Entries come in key order, so the last one returned is where the next page starts.
   */
  private list(bucket: Bucket, params: ListingParameters, startAfter: string | undefined, afterEntry: string | undefined) {
    const contents: StoredObject[] = [];
    const prefixes: string[] = [];
    let last: string | undefined;
    let truncated = false;
    bucket.sorted ??= [...bucket.objects.keys()].sort(compareKeys);
    for (const key of bucket.sorted) {
      if (!key.startsWith(params.prefix)) continue;
      if (startAfter !== undefined && compareKeys(key, startAfter) <= 0) continue;
      const cut = params.delimiter ? key.indexOf(params.delimiter, params.prefix.length) : -1;
      const entry = cut < 0 ? key : key.slice(0, cut + params.delimiter!.length);
      if (afterEntry !== undefined && compareKeys(entry, afterEntry) <= 0) continue;
      if (cut >= 0 && entry === last) continue;
      if (contents.length + prefixes.length >= params.maxKeys) {
        truncated = params.maxKeys > 0;
        break;
      }
      if (cut >= 0) prefixes.push(entry);
      else contents.push(bucket.objects.get(key)!);
      last = entry;
    }
    return { contents, prefixes, truncated, last };
  }

  // --- objects ---------------------------------------------------------------------------

  private putObject(bucket: Bucket, key: string, request: S3Request): S3Response {
    const { headers } = request;
    const { body, trailers } = payloadOf(request);
    if (body.length > this.maxObjectBytes) throw entityTooLarge(this.maxObjectBytes);
    const contentMd5 = headers['content-md5'];
    if (contentMd5 !== undefined) {
      if (Buffer.from(contentMd5, 'base64').length !== 16) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.');
      if (contentMd5 !== md5Base64(body)) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const checksums = checksumsOf(headers, trailers, body);
    checkWritePreconditions(bucket.objects.get(key), headers, key);
    const object: StoredObject = {
      key,
      body,
      etag: `"${md5Hex(body)}"`,
      lastModified: this.second(),
      contentType: headers['content-type'] || 'binary/octet-stream',
      headers: storedHeaders(headers),
      metadata: metadataOf(headers),
      checksums,
    };
    this.store(bucket, object);
    return { status: 200, headers: { etag: object.etag, 'x-amz-server-side-encryption': 'AES256', ...checksumHeaders(checksums) } };
  }

  private copyObject(bucket: Bucket, key: string, request: S3Request): S3Response {
    const { headers } = request;
    const { sourceBucket, sourceKey } = parseCopySource(headers['x-amz-copy-source']!);
    const source = this.object(this.bucket(sourceBucket), sourceKey);
    const failed = evaluateConditions(source, {
      ifMatch: headers['x-amz-copy-source-if-match'],
      ifNoneMatch: headers['x-amz-copy-source-if-none-match'],
      ifModifiedSince: headers['x-amz-copy-source-if-modified-since'],
      ifUnmodifiedSince: headers['x-amz-copy-source-if-unmodified-since'],
    });
    // For a copy, every failed condition is a 412.
    if (failed) throw preconditionFailed(`x-amz-copy-source-${failed.condition}`);
    const replace = (headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase() === 'REPLACE';
    if (sourceBucket === bucket.name && sourceKey === key && !replace) {
      throw new S3Error(
        'InvalidRequest',
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
    checkWritePreconditions(bucket.objects.get(key), headers, key);
    const object: StoredObject = {
      ...source,
      key,
      lastModified: this.second(),
      ...(replace
        ? { contentType: headers['content-type'] || 'binary/octet-stream', headers: storedHeaders(headers), metadata: metadataOf(headers) }
        : {}),
    };
    this.store(bucket, object);
    const checksumNodes = Object.entries(object.checksums).map(([algorithm, value]): XmlNode => [`Checksum${algorithmName(algorithm)}`, value]);
    return xmlResponse(
      'CopyObjectResult',
      [['ETag', object.etag], ['LastModified', isoDate(object.lastModified)], ...checksumNodes],
      { 'x-amz-server-side-encryption': 'AES256' },
    );
  }

  private getObject(bucket: Bucket, key: string, request: S3Request, query: URLSearchParams, head: boolean): S3Response {
    const object = this.object(bucket, key);
    const { headers } = request;
    const failed = evaluateConditions(object, {
      ifMatch: headers['if-match'],
      ifNoneMatch: headers['if-none-match'],
      ifModifiedSince: headers['if-modified-since'],
      ifUnmodifiedSince: headers['if-unmodified-since'],
    });
    if (failed?.status === 412) throw preconditionFailed(failed.condition);
    const out = objectHeaders(object);
    if (failed?.status === 304) return { status: 304, headers: { etag: out.etag, 'last-modified': out['last-modified'] } };
    for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
      const value = query.get(parameter);
      if (value !== null) out[header] = value;
    }
    const size = object.body.length;
    const range = parseRange(headers.range, size);
    if (range) {
      const [start, end] = range;
      const part = object.body.subarray(start, end + 1);
      out['content-range'] = `bytes ${start}-${end}/${size}`;
      out['content-length'] = String(part.length);
      return { status: 206, headers: out, body: head ? undefined : part };
    }
    if ((headers['x-amz-checksum-mode'] ?? '').toUpperCase() === 'ENABLED') Object.assign(out, checksumHeaders(object.checksums));
    out['content-length'] = String(size);
    return { status: 200, headers: out, body: head ? undefined : object.body };
  }

  private deleteObjects(bucket: Bucket, request: S3Request): S3Response {
    const { body } = payloadOf(request);
    const text = body.toString('utf8');
    if (!/<Delete[\s>]/.test(text)) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const objects = elementTexts(text, 'Object').map((object) => ({ key: elementTexts(object, 'Key')[0], versionId: elementTexts(object, 'VersionId')[0] }));
    if (objects.length === 0 || objects.length > 1000 || objects.some((o) => o.key === undefined)) {
      throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    }
    const quiet = elementTexts(text, 'Quiet')[0]?.trim() === 'true';
    const results: XmlNode[] = [];
    for (const { key, versionId } of objects) {
      if (versionId !== undefined && versionId !== 'null') {
        results.push(['Error', [['Key', key], ['VersionId', versionId], ['Code', 'NotImplemented'], ['Message', 'Versioning is not served locally']]]);
        continue;
      }
      this.remove(bucket, key);
      if (!quiet) results.push(['Deleted', [['Key', key]]]);
    }
    return xmlResponse('DeleteResult', results);
  }

  private object(bucket: Bucket, key: string): StoredObject {
    const object = bucket.objects.get(key);
    if (!object) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    return object;
  }

  private store(bucket: Bucket, object: StoredObject): void {
    this.files?.save(bucket.name, object);
    if (!bucket.objects.has(object.key)) bucket.sorted = undefined;
    bucket.objects.set(object.key, object);
  }

  private remove(bucket: Bucket, key: string): void {
    if (!bucket.objects.delete(key)) return;
    bucket.sorted = undefined;
    this.files?.remove(bucket.name, key);
  }

  private second(): number {
    return Math.floor(this.now() / 1000) * 1000;
  }
}

// --- requests ------------------------------------------------------------------------------

/** Bucket and key from a path-style target; the key keeps its slashes, spaces and unicode. */
function parseTarget(url: string): { bucketName: string; key: string; query: URLSearchParams } {
  const mark = url.indexOf('?');
  const rawPath = mark < 0 ? url : url.slice(0, mark);
  const query = new URLSearchParams(mark < 0 ? '' : url.slice(mark + 1));
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  try {
    return {
      bucketName: decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash)),
      key: slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1)),
      query,
    };
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  }
}

function parseCopySource(header: string): { sourceBucket: string; sourceKey: string } {
  const [source, version] = header.split('?versionId=');
  if (version !== undefined && version !== 'null') throw notImplemented('Versioning (a copy source versionId)');
  let decoded: string;
  try {
    decoded = decodeURIComponent(source).replace(/^\//, '');
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', 400, { ArgumentName: 'x-amz-copy-source' });
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 400, { ArgumentName: 'x-amz-copy-source' });
  }
  return { sourceBucket: decoded.slice(0, slash), sourceKey: decoded.slice(slash + 1) };
}

/** The payload of a PUT: decoded from aws-chunked when it is, checked against x-amz-content-sha256 when that is a digest. */
function payloadOf(request: S3Request): { body: Buffer; trailers: Record<string, string> } {
  const { headers, body } = request;
  const contentSha256 = headers['x-amz-content-sha256'];
  const encodings = (headers['content-encoding'] ?? '').split(',').map((part) => part.trim().toLowerCase());
  if (encodings.includes('aws-chunked') || contentSha256?.startsWith('STREAMING-')) {
    let decoded;
    try {
      decoded = decodeAwsChunked(body);
    } catch (error) {
      if (error instanceof ChunkedEncodingError) throw new S3Error(error.code, error.message);
      throw error;
    }
    const declared = headers['x-amz-decoded-content-length'];
    if (declared !== undefined && Number(declared) !== decoded.body.length) {
      throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header');
    }
    return decoded;
  }
  if (contentSha256 !== undefined && /^[0-9a-f]{64}$/i.test(contentSha256) && sha256Hex(body) !== contentSha256.toLowerCase()) {
    throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, {
      ClientComputedContentSHA256: contentSha256,
      S3ComputedContentSHA256: sha256Hex(body),
    });
  }
  return { body, trailers: {} };
}

const algorithmName = (algorithm: string) => algorithm.toUpperCase();

/** The checksums sent in headers or trailers, each checked where it can be computed here. */
function checksumsOf(headers: S3Request['headers'], trailers: Record<string, string>, body: Buffer): Record<string, string> {
  const checksums: Record<string, string> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const given = headers[`x-amz-checksum-${algorithm}`] ?? trailers[`x-amz-checksum-${algorithm}`];
    if (given === undefined) continue;
    const computed = checksum(algorithm, body);
    if (computed !== undefined && computed !== given) {
      throw new S3Error('BadDigest', `The ${algorithmName(algorithm)} you specified did not match the calculated checksum.`);
    }
    checksums[algorithm] = given;
  }
  // An algorithm asked for without its value: S3 computes it.
  const requested = headers['x-amz-sdk-checksum-algorithm']?.toLowerCase();
  if (requested && checksums[requested] === undefined) {
    const computed = checksum(requested, body);
    if (computed !== undefined) checksums[requested] = computed;
  }
  return checksums;
}

function checksumHeaders(checksums: Record<string, string>): Record<string, string> {
  const entries = Object.entries(checksums);
  if (entries.length === 0) return {};
  return { ...Object.fromEntries(entries.map(([algorithm, value]) => [`x-amz-checksum-${algorithm}`, value])), 'x-amz-checksum-type': 'FULL_OBJECT' };
}

function storedHeaders(headers: S3Request['headers']): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let value = headers[name];
    // aws-chunked is how the body travelled, not how it is stored.
    if (name === 'content-encoding' && value !== undefined) {
      value = value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '' && part.toLowerCase() !== 'aws-chunked')
        .join(', ');
    }
    if (value) stored[name] = value;
  }
  return stored;
}

function metadataOf(headers: S3Request['headers']): Record<string, string> {
  const metadata: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    metadata[name.slice('x-amz-meta-'.length)] = value;
    size += Buffer.byteLength(name.slice('x-amz-meta-'.length)) + Buffer.byteLength(value);
  }
  if (size > 2048) throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400, { MaxSizeAllowed: '2048' });
  return metadata;
}

function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': httpDate(object.lastModified),
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
    ...object.headers,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n`, clamped to the object; undefined for none or one S3 ignores. */
function parseRange(header: string | undefined, size: number): [number, number] | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const unsatisfiable = () =>
    new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: header, ActualObjectSize: String(size) }, { 'content-range': `bytes */${size}` });
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Number(match[2]);
  if (end < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return [start, Math.min(end, size - 1)];
}

interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

const etagMatches = (list: string, etag: string) =>
  list.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag.replace(/^"|"$/g, '') === etag.replace(/^"|"$/g, '');
  });

/** RFC 7232 as S3 applies it: If-Match / If-Unmodified-Since fail with 412, If-None-Match / If-Modified-Since with 304. */
function evaluateConditions(object: StoredObject, conditions: Conditions): { status: 304 | 412; condition: string } | undefined {
  const date = (text: string | undefined) => (text === undefined ? Number.NaN : Date.parse(text));
  if (conditions.ifMatch !== undefined) {
    if (!etagMatches(conditions.ifMatch, object.etag)) return { status: 412, condition: 'If-Match' };
  } else if (object.lastModified > date(conditions.ifUnmodifiedSince)) {
    return { status: 412, condition: 'If-Unmodified-Since' };
  }
  if (conditions.ifNoneMatch !== undefined) {
    if (etagMatches(conditions.ifNoneMatch, object.etag)) return { status: 304, condition: 'If-None-Match' };
  } else if (object.lastModified <= date(conditions.ifModifiedSince)) {
    return { status: 304, condition: 'If-Modified-Since' };
  }
  return undefined;
}

/** Conditional writes: `If-None-Match: *` (only if absent) and `If-Match: <etag>` (only if unchanged). */
function checkWritePreconditions(existing: StoredObject | undefined, headers: S3Request['headers'], key: string): void {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw notImplemented('If-None-Match other than * on a write');
    if (existing) throw preconditionFailed('If-None-Match');
  }
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (!existing) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (!etagMatches(ifMatch, existing.etag)) throw preconditionFailed('If-Match');
  }
}

// --- listing parameters and tokens -------------------------------------------------------------

interface ListingParameters {
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  encodingType?: 'url';
  /** How names are written: as they are, or URL-encoded with `encoding-type=url`. */
  encode: (text: string) => string;
}

function listingParameters(query: URLSearchParams): ListingParameters {
  const maxKeysText = query.get('max-keys');
  if (maxKeysText !== null && !/^\d{1,10}$/.test(maxKeysText)) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, { ArgumentName: 'max-keys', ArgumentValue: maxKeysText });
  }
  const encodingType = query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
  }
  const delimiter = query.get('delimiter');
  return {
    prefix: query.get('prefix') ?? '',
    ...(delimiter ? { delimiter } : {}),
    maxKeys: Math.min(maxKeysText === null ? MAX_KEYS : Number(maxKeysText), MAX_KEYS),
    ...(encodingType === 'url' ? { encodingType } : {}),
    // S3's URL encoding keeps slashes and writes spaces as "+".
    encode: encodingType === 'url' ? (text) => encodeURIComponent(text).replace(/%2F/g, '/').replace(/%20/g, '+') : (text) => text,
  };
}

/** Opaque to clients: where the previous page stopped. */
function encodeContinuationToken(lastEntry: string): string {
  return Buffer.from(JSON.stringify({ after: lastEntry })).toString('base64');
}

function decodeContinuationToken(token: string): string {
  try {
    const after = JSON.parse(Buffer.from(token, 'base64').toString('utf8')).after;
    if (typeof after === 'string') return after;
  } catch {
    // falls through
  }
  throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' });
}

function contentsNodes(objects: StoredObject[], encode: (text: string) => string, withOwner: boolean): XmlNode[] {
  return objects.map((object): XmlNode => [
    'Contents',
    [
      ['Key', encode(object.key)],
      ['LastModified', isoDate(object.lastModified)],
      ['ETag', object.etag],
      ...Object.keys(object.checksums).map((algorithm): XmlNode => ['ChecksumAlgorithm', algorithmName(algorithm)]),
      ...(Object.keys(object.checksums).length > 0 ? [['ChecksumType', 'FULL_OBJECT'] as XmlNode] : []),
      ['Size', object.body.length],
      ...(withOwner ? [['Owner', OWNER] as XmlNode] : []),
      ['StorageClass', 'STANDARD'],
    ],
  ]);
}

// --- responses -----------------------------------------------------------------------------

function xmlResponse(root: string, children: XmlNode[], headers: Record<string, string> = {}): S3Response {
  return { status: 200, headers: { 'content-type': 'application/xml', ...headers }, body: Buffer.from(xmlDocument(root, children)) };
}

/** S3's error document; a HEAD gets the status alone, as from S3 (the SDK then names it by status: NotFound). */
export function errorResponse(error: S3Error, method: string, requestId: string): S3Response {
  const headers: Record<string, string> = { ...error.headers };
  if (method.toUpperCase() === 'HEAD') return { status: error.status, headers };
  const details = Object.entries(error.details).map(([name, value]): XmlNode => [name, value]);
  const body = xmlDocument('Error', [['Code', error.code], ['Message', error.message], ...details, ['RequestId', requestId]], null);
  return { status: error.status, headers: { ...headers, 'content-type': 'application/xml' }, body: Buffer.from(body) };
}

const notImplemented = (what: string) => new S3Error('NotImplemented', `${what} is not implemented by the local platform's S3`, 501);
const preconditionFailed = (condition: string) =>
  new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition });
export const entityTooLarge = (max: number) =>
  new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, { MaxSizeAllowed: String(max) });

// --- persistence ---------------------------------------------------------------------------

/**
 * Objects on disk, one pair of files per object under `<dir>/<bucket>/`: `<sha256(key)>.bin`
 * (the bytes) and `.json` (key, headers, metadata, checksums), each written whole then renamed.
 */
class ObjectFiles {
  constructor(private readonly dir: string) {}

  load(bucket: string): StoredObject[] {
    const folder = path.join(this.dir, bucket);
    if (!existsSync(folder)) return [];
    const objects: StoredObject[] = [];
    for (const file of readdirSync(folder)) {
      if (!file.endsWith('.json')) continue;
      try {
        const { body: _body, ...meta } = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as StoredObject;
        const body = readFileSync(path.join(folder, file.replace(/\.json$/, '.bin')));
        // A write cut short leaves bytes that do not match their record: that object is gone.
        if (`"${md5Hex(body)}"` === meta.etag) objects.push({ ...meta, body });
      } catch {
        // An unreadable pair is skipped, as if the object had been deleted.
      }
    }
    return objects;
  }

  save(bucket: string, object: StoredObject): void {
    const folder = path.join(this.dir, bucket);
    mkdirSync(folder, { recursive: true });
    const base = path.join(folder, sha256Hex(Buffer.from(object.key)));
    const { body, ...meta } = object;
    writeWhole(`${base}.bin`, body);
    writeWhole(`${base}.json`, JSON.stringify(meta));
  }

  remove(bucket: string, key: string): void {
    const base = path.join(this.dir, bucket, sha256Hex(Buffer.from(key)));
    rmSync(`${base}.json`, { force: true });
    rmSync(`${base}.bin`, { force: true });
  }
}

function writeWhole(file: string, data: string | Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}
