import type http from 'node:http';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsServer } from '../aws-server';
import { VirtualClock } from '../clock';
import { LocalSqs } from '../sqs';
import { LocalS3 } from './service';

/** The AWS endpoint with S3 and SQS behind it, driven by the real SDK v3 clients. */
let server: http.Server;
let endpoint: string;
let s3: S3Client;
const clock = new VirtualClock();
const BUCKET = 'listing-images';

beforeAll(async () => {
  const sqs = new LocalSqs([{ logicalId: 'Dlq', name: 'dlq', arn: 'arn:aws:sqs:us-east-1:000000000000:dlq', url: 'http://127.0.0.1/000000000000/dlq' }]);
  const buckets = [BUCKET, 'exports'].map((name) => ({ logicalId: name, stackName: 'Test', name, arn: `arn:aws:s3:::${name}` }));
  server = createAwsServer({
    services: { AmazonSQS: sqs as never },
    dynamoDbEndpoint: 'http://127.0.0.1:1',
    s3: new LocalS3(buckets, { now: () => clock.now() }),
    clock,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  endpoint = `http://127.0.0.1:${address.port}`;
  s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'any', secretAccessKey: 'any' } });
});

afterAll(async () => {
  s3?.destroy();
  clock.dispose();
  await new Promise((resolve) => server?.close(resolve));
});

const bytesOf = async (key: string, bucket = BUCKET) => {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
};

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: S3ServiceException) => error,
  );
}

describe('the S3 SDK v3 against the local endpoint', () => {
  it('puts strings, Buffers, Uint8Arrays and streams (aws-chunked with a CRC32 trailer) and reads the bytes back', async () => {
    const image = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 256));
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'text.txt', Body: 'hello', ContentType: 'text/plain' }));
    expect(put.ETag).toBe('"5d41402abc4b2a76b9719d911017c592"');
    expect(put.ChecksumCRC32).toBe('NhCmhg==');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'buffer.bin', Body: image }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'array.bin', Body: new Uint8Array(image) }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'stream.bin', Body: Readable.from([image.subarray(0, 3000), image.subarray(3000)]), ContentLength: image.length }));
    expect((await bytesOf('text.txt')).toString()).toBe('hello');
    // The checksum comes back in checksum mode, which the SDK asks for and validates.
    const text = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'text.txt' }));
    expect(text.ChecksumCRC32).toBe('NhCmhg==');
    await text.Body!.transformToString();
    for (const key of ['buffer.bin', 'array.bin', 'stream.bin']) expect((await bytesOf(key)).equals(image)).toBe(true);
  });

  it('takes a body over 2 MB, which the SDK sends with Expect: 100-continue', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big.bin', Body: big }));
    expect((await bytesOf('big.bin')).equals(big)).toBe(true);
  });

  it('works with checksums off too (requestChecksumCalculation WHEN_REQUIRED)', async () => {
    const plain = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    await plain.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plain.txt', Body: 'no checksum' }));
    expect((await bytesOf('plain.txt')).toString()).toBe('no checksum');
    plain.destroy();
  });

  it('returns content type, length, ETag, Last-Modified and user metadata on Get and Head', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'meta.png', Body: 'png!', ContentType: 'image/png', Metadata: { seller: 'S-1', listing: 'L-9' } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'meta.png' }));
    expect(head).toMatchObject({ ContentType: 'image/png', ContentLength: 4, ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/), Metadata: { seller: 'S-1', listing: 'L-9' } });
    expect(head.LastModified).toBeInstanceOf(Date);
    expect(Math.abs(head.LastModified!.getTime() - clock.now())).toBeLessThan(5000);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta.png' }));
    expect(got).toMatchObject({ ContentType: 'image/png', ContentLength: 4, ETag: head.ETag, Metadata: { seller: 'S-1', listing: 'L-9' } });
    await got.Body!.transformToString();
  });

  it('serves a byte range', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'digits', Body: '0123456789' }));
    const part = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digits', Range: 'bytes=3-5' }));
    expect(part.ContentRange).toBe('bytes 3-5/10');
    expect(await part.Body!.transformToString()).toBe('345');
  });

  it('round-trips keys with slashes, spaces, unicode and XML characters, in objects and listings', async () => {
    const keys = ['uploads/商品 图片/1.jpg', 'uploads/a+b & <c> "d".png', "uploads/it's.png", 'uploads/tab\there', 'uploads/😀.gif', 'uploads/cr\rlf\n', 'uploads/\u0001', 'uploads/ both ends '];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    for (const key of keys) expect((await bytesOf(key)).toString()).toBe(key);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/' }));
    expect(listed.Contents!.map((c) => c.Key).sort()).toEqual([...keys].sort());
    const rolled = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/', Delimiter: '/' }));
    expect(rolled.CommonPrefixes).toEqual([{ Prefix: 'uploads/商品 图片/' }]);
    expect(rolled.KeyCount).toBe(keys.length);
  });

  it('pages with the SDK paginator', async () => {
    for (let i = 0; i < 12; i++) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `paged/${String(i).padStart(2, '0')}`, Body: String(i) }));
    const pages = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 5 }, { Bucket: BUCKET, Prefix: 'paged/' })) pages.push(page);
    expect(pages.map((p) => [p.KeyCount, p.IsTruncated])).toEqual([[5, true], [5, true], [2, false]]);
    expect(pages.flatMap((p) => p.Contents!.map((c) => c.Key))).toEqual(Array.from({ length: 12 }, (_, i) => `paged/${String(i).padStart(2, '0')}`));
    expect(pages[0].Contents![0]).toMatchObject({ Size: 1, StorageClass: 'STANDARD', ETag: expect.stringMatching(/^"/), LastModified: expect.any(Date) });
  });

  it('copies, deletes one and deletes many', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/src 1.png', Body: 'src', ContentType: 'image/png' }));
    await s3.send(new CopyObjectCommand({ Bucket: 'exports', Key: 'copied.png', CopySource: `${BUCKET}/${encodeURIComponent('copy/src 1.png')}` }));
    expect((await bytesOf('copied.png', 'exports')).toString()).toBe('src');
    await s3.send(new DeleteObjectCommand({ Bucket: 'exports', Key: 'copied.png' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'exports', Key: 'copied.png' }));
    const many = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'copy/src 1.png' }, { Key: 'digits' }] } }));
    expect(many.Deleted!.map((d) => d.Key)).toEqual(['copy/src 1.png', 'digits']);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digits' })))).toBeInstanceOf(NoSuchKey);
  });

  it('raises the named errors: NoSuchKey, NoSuchBucket, and NotFound for a HEAD', async () => {
    const missingKey = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'never/put' })));
    expect(missingKey).toBeInstanceOf(NoSuchKey);
    expect(missingKey.$metadata.httpStatusCode).toBe(404);
    const missingBucket = await failure(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })));
    expect(missingBucket.name).toBe('NoSuchBucket');
    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })))).toBeInstanceOf(NoSuchBucket);
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })))).toMatchObject({ name: 'NoSuchBucket' });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'never/put' })))).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })))).toMatchObject({ name: 'NotFound' });
    await s3.send(new HeadBucketCommand({ Bucket: BUCKET }));
  });

  it('lists exactly the served buckets', async () => {
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets!.map((b) => b.Name)).toEqual(['exports', BUCKET]);
  });
});

describe('routing on the shared endpoint', () => {
  it('keeps X-Amz-Target services working next to S3', async () => {
    const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toEqual(['http://127.0.0.1/000000000000/dlq']);
    sqs.destroy();
  });

  it('routes presigned-style and unsigned requests to a served bucket, and nothing else', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'public/logo.png', Body: 'logo' }));
    const unsigned = await fetch(`${endpoint}/${BUCKET}/public/logo.png`);
    expect(unsigned.status).toBe(200);
    expect(await unsigned.text()).toBe('logo');
    const presigned = await fetch(`${endpoint}/other-bucket/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=any%2F20261123%2Fus-east-1%2Fs3%2Faws4_request`);
    expect(presigned.status).toBe(404);
    expect(await presigned.text()).toContain('<Code>NoSuchBucket</Code>');
    const neither = await fetch(`${endpoint}/other-bucket/x`, { method: 'POST' });
    expect(await neither.json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect((await fetch(`${endpoint}/_local/health`)).status).toBe(200);
  });
});
