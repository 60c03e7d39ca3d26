import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LocalBucket } from '../model';
import { checksum, md5Base64 } from './checksums';
import { decodeAwsChunked } from './chunked';
import { LocalS3, type S3Request } from './service';
import { elementTexts } from './xml';

const BUCKET: LocalBucket = { logicalId: 'Images', stackName: 'Shop', name: 'images', arn: 'arn:aws:s3:::images' };
const OTHER: LocalBucket = { logicalId: 'Exports', stackName: 'Shop', name: 'exports', arn: 'arn:aws:s3:::exports' };

function setup(options: { dir?: string } = {}) {
  let clock = Date.parse('2026-11-23T10:00:00.250Z');
  const s3 = new LocalS3([BUCKET, OTHER], { now: () => clock, maxObjectBytes: 1024, ...options });
  const call = async (method: string, url: string, headers: Record<string, string> = {}, body: Buffer | string = '') => {
    const request: S3Request = { method, url, headers, body: Buffer.from(body) };
    const response = await s3.handle(request);
    return { ...response, text: response.body?.toString('utf8') ?? '' };
  };
  const put = (key: string, body: string, headers: Record<string, string> = {}) => call('PUT', `/images/${encodeKey(key)}`, headers, body);
  return { s3, call, put, advance: (ms: number) => (clock += ms) };
}

/** Percent-encodes every segment of a key, as the SDK does (slashes stay). */
const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

const code = (text: string) => elementTexts(text, 'Code')[0];

/** Every key and common prefix of a listing, in order. */
function listing(text: string) {
  return {
    keys: elementTexts(text, 'Contents').map((c) => elementTexts(c, 'Key')[0]),
    prefixes: elementTexts(text, 'CommonPrefixes').map((c) => elementTexts(c, 'Prefix')[0]),
    keyCount: Number(elementTexts(text, 'KeyCount')[0]),
    truncated: elementTexts(text, 'IsTruncated')[0] === 'true',
    next: elementTexts(text, 'NextContinuationToken')[0] as string | undefined,
  };
}

describe('objects', () => {
  it('stores bytes, content type and user metadata; answers with S3 headers and the MD5 ETag', async () => {
    const { put, call } = setup();
    const stored = await put('a/photo 1.png', 'hello', { 'content-type': 'image/png', 'x-amz-meta-seller': 'S-1', 'cache-control': 'max-age=60' });
    expect(stored.status).toBe(200);
    expect(stored.headers.etag).toBe('"5d41402abc4b2a76b9719d911017c592"');

    const got = await call('GET', '/images/a/photo%201.png?x-id=GetObject');
    expect(got.status).toBe(200);
    expect(got.text).toBe('hello');
    expect(got.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': '5',
      etag: '"5d41402abc4b2a76b9719d911017c592"',
      'last-modified': 'Mon, 23 Nov 2026 10:00:00 GMT',
      'x-amz-meta-seller': 'S-1',
      'cache-control': 'max-age=60',
      'accept-ranges': 'bytes',
    });
    expect(got.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);

    const head = await call('HEAD', '/images/a/photo%201.png');
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
    expect(head.headers['content-length']).toBe('5');
  });

  it('keeps keys with slashes, spaces, unicode, plus signs and dot segments exactly', async () => {
    const { put, call } = setup();
    const keys = ['shop/商品/图 1.jpg', 'a+b=c&d', 'x/../y', 'émoji 😀.png', 'trailing/'];
    for (const key of keys) expect((await put(key, key)).status).toBe(200);
    for (const key of keys) expect((await call('GET', `/images/${encodeKey(key)}`)).text).toBe(key);
    const listed = listing((await call('GET', '/images?list-type=2')).text);
    expect(listed.keys.sort()).toEqual([...keys].sort());
  });

  it('defaults the content type as S3 does and keeps a content encoding, without aws-chunked', async () => {
    const { put, call } = setup();
    await put('plain', 'x');
    expect((await call('HEAD', '/images/plain')).headers['content-type']).toBe('binary/octet-stream');
    const chunked = '1;chunk-signature=abc\r\nx\r\n0;chunk-signature=def\r\n\r\n';
    await put('zipped', chunked, { 'content-encoding': 'aws-chunked,gzip', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '1' });
    const head = await call('HEAD', '/images/zipped');
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.headers['content-length']).toBe('1');
  });

  it('deletes idempotently with 204', async () => {
    const { put, call } = setup();
    await put('gone', 'x');
    expect((await call('DELETE', '/images/gone')).status).toBe(204);
    expect((await call('DELETE', '/images/gone')).status).toBe(204);
    const missing = await call('GET', '/images/gone');
    expect(missing.status).toBe(404);
    expect(code(missing.text)).toBe('NoSuchKey');
    expect(elementTexts(missing.text, 'Key')).toEqual(['gone']);
  });

  it('serves byte ranges with 206 and refuses unsatisfiable ones with 416', async () => {
    const { put, call } = setup();
    await put('digits', '0123456789');
    const range = async (spec: string) => call('GET', '/images/digits', { range: spec });
    expect(await range('bytes=2-4')).toMatchObject({ status: 206, text: '234', headers: { 'content-range': 'bytes 2-4/10', 'content-length': '3' } });
    expect(await range('bytes=7-')).toMatchObject({ status: 206, text: '789' });
    expect(await range('bytes=-3')).toMatchObject({ status: 206, text: '789' });
    expect(await range('bytes=8-100')).toMatchObject({ status: 206, text: '89', headers: { 'content-range': 'bytes 8-9/10' } });
    expect(await range('bytes=5-2')).toMatchObject({ status: 200, text: '0123456789' });
    const refused = await range('bytes=10-12');
    expect(refused.status).toBe(416);
    expect(code(refused.text)).toBe('InvalidRange');
    expect(refused.headers['content-range']).toBe('bytes */10');
  });

  it('answers conditional reads with 304 and 412, and conditional writes with 412', async () => {
    const { put, call, advance } = setup();
    const { headers } = await put('doc', 'v1');
    expect((await call('GET', '/images/doc', { 'if-none-match': headers.etag })).status).toBe(304);
    expect((await call('GET', '/images/doc', { 'if-match': '"nope"' })).status).toBe(412);
    expect((await call('GET', '/images/doc', { 'if-match': headers.etag })).status).toBe(200);
    expect((await call('GET', '/images/doc', { 'if-modified-since': 'Mon, 23 Nov 2026 10:00:00 GMT' })).status).toBe(304);
    expect((await call('GET', '/images/doc', { 'if-unmodified-since': 'Mon, 23 Nov 2026 09:00:00 GMT' })).status).toBe(412);
    advance(5000);
    const again = await put('doc', 'v2', { 'if-none-match': '*' });
    expect(again.status).toBe(412);
    expect(code(again.text)).toBe('PreconditionFailed');
    expect((await put('doc', 'v2', { 'if-match': '"stale"' })).status).toBe(412);
    expect((await put('doc', 'v2', { 'if-match': headers.etag })).status).toBe(200);
    expect((await put('fresh', 'x', { 'if-none-match': '*' })).status).toBe(200);
  });

  it('copies objects, keeping or replacing their metadata, and refuses a copy onto itself', async () => {
    const { put, call } = setup();
    await put('src/a b.png', 'pixels', { 'content-type': 'image/png', 'x-amz-meta-seller': 'S-1' });
    const copied = await call('PUT', '/exports/approved/a.png', { 'x-amz-copy-source': '/images/src/a%20b.png' });
    expect(copied.status).toBe(200);
    expect(elementTexts(copied.text, 'ETag')).toEqual([`"${Buffer.from(await md5('pixels'), 'base64').toString('hex')}"`]);
    expect((await call('GET', '/exports/approved/a.png')).headers).toMatchObject({ 'content-type': 'image/png', 'x-amz-meta-seller': 'S-1' });
    await call('PUT', '/exports/replaced.png', { 'x-amz-copy-source': 'images/src/a%20b.png', 'x-amz-metadata-directive': 'REPLACE', 'content-type': 'image/webp' });
    const replaced = await call('HEAD', '/exports/replaced.png');
    expect(replaced.headers['content-type']).toBe('image/webp');
    expect(replaced.headers['x-amz-meta-seller']).toBeUndefined();
    const self = await call('PUT', '/images/src/a%20b.png', { 'x-amz-copy-source': '/images/src/a%20b.png' });
    expect(code(self.text)).toBe('InvalidRequest');
    expect(code((await call('PUT', '/exports/x', { 'x-amz-copy-source': '/images/missing' })).text)).toBe('NoSuchKey');
  });

  it('deletes many objects at once', async () => {
    const { put, call } = setup();
    await put('one', '1');
    await put('two & more', '2');
    const body = '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>one</Key></Object><Object><Key>two &amp; more</Key></Object><Object><Key>never</Key></Object></Delete>';
    const deleted = await call('POST', '/images?delete', {}, body);
    expect(deleted.status).toBe(200);
    expect(elementTexts(deleted.text, 'Key')).toEqual(['one', 'two & more', 'never']);
    expect(listing((await call('GET', '/images?list-type=2')).text).keys).toEqual([]);
  });
});

async function md5(text: string) {
  return md5Base64(Buffer.from(text));
}

describe('integrity', () => {
  it('accepts the checksums the SDK sends, returns them in checksum mode, and rejects wrong ones', async () => {
    const { put, call } = setup();
    const body = Buffer.from('hello');
    const crc32 = checksum('crc32', body)!;
    expect(crc32).toBe('NhCmhg=='); // what the AWS SDK v3 sends for "hello"
    expect(checksum('crc32c', body)).toBe('mnG7TA==');
    const ok = await put('sum', 'hello', { 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32': crc32 });
    expect(ok.headers['x-amz-checksum-crc32']).toBe(crc32);
    expect((await call('GET', '/images/sum', { 'x-amz-checksum-mode': 'ENABLED' })).headers).toMatchObject({ 'x-amz-checksum-crc32': crc32, 'x-amz-checksum-type': 'FULL_OBJECT' });
    expect((await call('GET', '/images/sum')).headers['x-amz-checksum-crc32']).toBeUndefined();
    expect((await call('GET', '/images/sum', { 'x-amz-checksum-mode': 'ENABLED', range: 'bytes=0-1' })).headers['x-amz-checksum-crc32']).toBeUndefined();

    for (const [header, value] of [['x-amz-checksum-crc32', 'AAAAAA=='], ['x-amz-checksum-sha256', checksum('sha256', Buffer.from('other'))!], ['content-md5', await md5('other')]]) {
      const bad = await put('bad', 'hello', { [header]: value });
      expect(bad.status).toBe(400);
      expect(code(bad.text)).toBe('BadDigest');
    }
    const mismatch = await put('bad', 'hello', { 'x-amz-content-sha256': '0'.repeat(64) });
    expect(code(mismatch.text)).toBe('XAmzContentSHA256Mismatch');
    expect(code((await call('GET', '/images/bad')).text)).toBe('NoSuchKey');
  });

  it('decodes aws-chunked bodies, signed or with a checksum trailer, and checks the trailer', async () => {
    const { put, call } = setup();
    const trailer = `3\r\nabc\r\n3\r\ndef\r\n0\r\nx-amz-checksum-crc32:${checksum('crc32', Buffer.from('abcdef'))}\r\n\r\n`;
    const streaming = { 'content-encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-decoded-content-length': '6' };
    expect((await put('streamed', trailer, streaming)).status).toBe(200);
    expect((await call('GET', '/images/streamed')).text).toBe('abcdef');
    const badTrailer = trailer.replace(/crc32:.*\r\n/, 'crc32:AAAAAA==\r\n');
    expect(code((await put('streamed', badTrailer, streaming)).text)).toBe('BadDigest');
    expect(code((await put('short', '3\r\nab', streaming)).text)).toBe('IncompleteBody');
    expect(code((await put('short', trailer, { ...streaming, 'x-amz-decoded-content-length': '7' })).text)).toBe('IncompleteBody');
    expect(code((await put('short', 'zz\r\nabc\r\n', streaming)).text)).toBe('InvalidRequest');
    expect(decodeAwsChunked(Buffer.from('2;chunk-signature=aa\r\nhi\r\n0;chunk-signature=bb\r\n\r\n'))).toEqual({ body: Buffer.from('hi'), trailers: {} });
  });

  it('refuses an object over the size limit', async () => {
    const { put } = setup();
    const refused = await put('big', 'x'.repeat(1025));
    expect(refused.status).toBe(400);
    expect(code(refused.text)).toBe('EntityTooLarge');
  });
});

describe('listing', () => {
  async function filled() {
    const kit = setup();
    for (const key of ['photos/2026/a.jpg', 'photos/2026/b.jpg', 'photos/2027/c.jpg', 'photos/top.jpg', 'readme.txt', 'videos/v.mp4', 'photos/2026/z/deep.jpg']) {
      await kit.put(key, key);
    }
    return kit;
  }

  it('lists in UTF-8 byte order with KeyCount, sizes and ETags', async () => {
    const { put, call } = setup();
    // UTF-16 order puts U+FF5E before the surrogate pair of U+1F600; UTF-8 byte order does not.
    for (const key of ['b', 'a', '\u{1F600}', '\uFF5E', 'A']) await put(key, 'x');
    const response = await call('GET', '/images?list-type=2');
    expect(response.headers['content-type']).toBe('application/xml');
    const result = listing(response.text);
    expect(result.keys).toEqual(['A', 'a', 'b', '\uFF5E', '\u{1F600}']);
    expect(result.keyCount).toBe(5);
    expect(result.truncated).toBe(false);
    const first = elementTexts(response.text, 'Contents')[0];
    expect(elementTexts(first, 'Size')).toEqual(['1']);
    expect(elementTexts(first, 'ETag')).toEqual(['"9dd4e461268c8034f5c8564e155c67a6"']);
    expect(elementTexts(first, 'LastModified')).toEqual(['2026-11-23T10:00:00.000Z']);
  });

  it('filters by prefix and rolls keys up to common prefixes at the delimiter', async () => {
    const { call } = await filled();
    const top = listing((await call('GET', '/images?list-type=2&delimiter=%2F')).text);
    expect(top).toMatchObject({ keys: ['readme.txt'], prefixes: ['photos/', 'videos/'], keyCount: 3 });
    const photos = listing((await call('GET', '/images?list-type=2&prefix=photos%2F&delimiter=%2F')).text);
    expect(photos).toMatchObject({ keys: ['photos/top.jpg'], prefixes: ['photos/2026/', 'photos/2027/'] });
    const year = listing((await call('GET', '/images?list-type=2&prefix=photos%2F2026%2F')).text);
    expect(year.keys).toEqual(['photos/2026/a.jpg', 'photos/2026/b.jpg', 'photos/2026/z/deep.jpg']);
    const none = listing((await call('GET', '/images?list-type=2&prefix=nothing')).text);
    expect(none).toMatchObject({ keys: [], prefixes: [], keyCount: 0, truncated: false });
  });

  it('pages with max-keys and continuation tokens, counting common prefixes as entries', async () => {
    const { call } = await filled();
    const pages: Array<ReturnType<typeof listing>> = [];
    let token: string | undefined;
    do {
      const url = `/images?list-type=2&delimiter=%2F&prefix=photos%2F&max-keys=1${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`;
      const page = listing((await call('GET', url)).text);
      pages.push(page);
      token = page.next;
      expect(page.truncated).toBe(token !== undefined);
    } while (token);
    expect(pages.map((p) => [...p.prefixes, ...p.keys])).toEqual([['photos/2026/'], ['photos/2027/'], ['photos/top.jpg']]);
    expect(pages.map((p) => p.keyCount)).toEqual([1, 1, 1]);

    const flat: string[] = [];
    token = undefined;
    do {
      const page = listing((await call('GET', `/images?list-type=2&max-keys=3${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`)).text);
      flat.push(...page.keys);
      token = page.next;
    } while (token);
    expect(flat).toHaveLength(7);
    expect(new Set(flat).size).toBe(7);
    const after = listing((await call('GET', '/images?list-type=2&start-after=photos%2Ftop.jpg')).text);
    expect(after.keys).toEqual(['readme.txt', 'videos/v.mp4']);
    expect(listing((await call('GET', '/images?list-type=2&max-keys=0')).text)).toMatchObject({ keys: [], truncated: false });
  });

  it('url-encodes names with encoding-type=url', async () => {
    const { put, call } = setup();
    await put('a b/c+d', 'x');
    const text = (await call('GET', '/images?list-type=2&encoding-type=url')).text;
    expect(listing(text).keys).toEqual(['a+b/c%2Bd']);
    expect(elementTexts(text, 'EncodingType')).toEqual(['url']);
  });

  it('serves ListObjects (version 1) with Marker and NextMarker', async () => {
    const { call } = await filled();
    const first = (await call('GET', '/images?delimiter=%2F&max-keys=2')).text;
    expect(listing(first)).toMatchObject({ keys: ['readme.txt'], prefixes: ['photos/'], truncated: true });
    const marker = elementTexts(first, 'NextMarker')[0];
    expect(marker).toBe('readme.txt');
    const second = listing((await call('GET', `/images?delimiter=%2F&max-keys=2&marker=${encodeURIComponent(marker)}`)).text);
    expect(second).toMatchObject({ keys: [], prefixes: ['videos/'], truncated: false });
  });

  it('rejects bad listing parameters with 400', async () => {
    const { call } = setup();
    expect(code((await call('GET', '/images?list-type=2&max-keys=many')).text)).toBe('InvalidArgument');
    expect(code((await call('GET', '/images?list-type=2&continuation-token=garbage')).text)).toBe('InvalidArgument');
    expect(code((await call('GET', '/images?list-type=2&encoding-type=base64')).text)).toBe('InvalidArgument');
  });
});

describe('buckets and errors', () => {
  it('lists exactly the declared buckets, and knows no other', async () => {
    const { call } = setup();
    const listed = await call('GET', '/?x-id=ListBuckets');
    expect(elementTexts(listed.text, 'Name')).toEqual(['exports', 'images']);
    expect(elementTexts(listed.text, 'CreationDate')[0]).toBe('2026-11-23T10:00:00.000Z');
    expect((await call('HEAD', '/images')).status).toBe(200);
    const head = await call('HEAD', '/nope');
    expect(head.status).toBe(404);
    expect(head.body).toBeUndefined();
    for (const [method, url] of [['GET', '/nope/key'], ['PUT', '/nope/key'], ['GET', '/nope?list-type=2'], ['DELETE', '/nope/key']]) {
      const response = await call(method, url);
      expect(response.status).toBe(404);
      expect(code(response.text)).toBe('NoSuchBucket');
      expect(elementTexts(response.text, 'BucketName')).toEqual(['nope']);
    }
  });

  it('writes errors as S3 does: an XML document without namespace', async () => {
    const { call } = setup();
    const response = await call('GET', '/images/missing%20key');
    expect(response.headers['content-type']).toBe('application/xml');
    expect(response.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>missing key<\/Key><RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/);
  });

  it('answers 400 for a malformed request and 501 for what it does not serve', async () => {
    const { call } = setup();
    expect(code((await call('GET', '/images/%E0%A4%A')).text)).toBe('InvalidURI');
    expect(code((await call('PUT', `/images/${'k'.repeat(1025)}`)).text)).toBe('KeyTooLongError');
    for (const [method, url] of [['POST', '/images/big?uploads'], ['PUT', '/images/key?tagging'], ['GET', '/images?versioning'], ['PUT', '/new-bucket'], ['DELETE', '/images'], ['GET', '/images/key?versionId=3']]) {
      const response = await call(method, url);
      expect({ url, status: response.status, code: code(response.text) }).toEqual({ url, status: 501, code: 'NotImplemented' });
    }
  });
});

describe('persistence', () => {
  it('keeps objects on disk when given a directory, and loads them at start', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 's3-objects-'));
    try {
      const first = setup({ dir });
      await first.put('kept/1.png', 'one', { 'content-type': 'image/png', 'x-amz-meta-seller': 'S-1' });
      await first.put('dropped', 'two');
      await first.call('DELETE', '/images/dropped');
      const second = setup({ dir });
      const got = await second.call('GET', '/images/kept/1.png');
      expect(got).toMatchObject({ status: 200, text: 'one', headers: { 'content-type': 'image/png', 'x-amz-meta-seller': 'S-1' } });
      expect(listing((await second.call('GET', '/images?list-type=2')).text).keys).toEqual(['kept/1.png']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
