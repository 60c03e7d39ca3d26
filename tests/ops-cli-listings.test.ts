import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listingSubmitted } from '../events/samples';
import type { Platform } from '../infra/local/engine/platform';
import { eventually, opsApi, startLocalPlatform } from './support';

// The ops CLI's listing commands against a running platform: images put, events send
// ListingSubmitted (--detail and --sample --image), listings show, skus show.

let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
let platform: Platform;
let bucket: string;
const work = mkdtempSync(path.join(tmpdir(), 'ops-cli-listings-'));
const ops = { user: 'olivia', roles: ['ops-lead'] };

beforeAll(async () => {
  clients = await startLocalPlatform();
  platform = clients.platform;
  bucket = platform.model.buckets.find((b) => b.logicalId.startsWith('ListingImages'))!.name;
});

afterAll(async () => {
  await platform?.stop();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The ops CLI as a user runs it (npm run -s ops -- …), against the platform of `stateDir`; never rejects. */
function cli(args: string[], stateDir = clients.stateDir): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', 'ops', '--', ...args], { env: { ...process.env, SHOP_STATE_DIR: stateDir } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A PNG of `side` × `side` pixels on a ground of `level` (255 is white), a dark product in the middle. */
function png(file: string, side: number, level: number): string {
  const data = new Uint8Array(side * side * 3).fill(level);
  for (let y = side / 4; y < (3 * side) / 4; y++) for (let x = side / 4; x < (3 * side) / 4; x++) data.fill(40, (y * side + x) * 3, (y * side + x) * 3 + 3);
  const target = path.join(work, file);
  writeFileSync(target, encodePng({ width: side, height: side, data, channels: 3 }));
  return target;
}

const inDays = (days: number) => new Date(platform.clock.now() + days * 86_400_000).toISOString();

/** The sample listing with qualifications valid on the platform's clock (the sample's dates age). */
function listing(listingId: string, changes: Record<string, unknown> = {}) {
  return {
    ...structuredClone(listingSubmitted),
    listingId,
    qualifications: listingSubmitted.qualifications.map((q) => ({ ...q, issuedAt: inDays(-30), ...(q.expiresAt ? { expiresAt: inDays(365) } : {}) })),
    ...changes,
  };
}

const listingStatus = (listingId: string, status: string) =>
  eventually(() => opsApi(platform, 'GET', `/listings/${listingId}`, ops), (r) => r.body?.status === status, `listing ${listingId} ${status}`).then((r) => r.body);

describe('ops CLI: listing images, listings and the catalog', () => {
  it('uploads a PNG, submits a listing with it, shows the listing under review, then published, and its SKU', async () => {
    const file = png('main photo.png', 800, 255);
    const put = await cli(['images', 'put', file]);
    expect(put).toMatchObject({ code: 0, stderr: '' });
    const lines = put.stdout.trim().split('\n');
    const url = lines.at(-1)!;
    expect(url).toMatch(new RegExp(`^s3://${bucket}/listings/[0-9a-f]{12}-main-photo\\.png$`));
    expect(lines[1]).toBe('measured 800×800 png, background white (#FFFFFF, 100 % of the border white); a listing declares it as width 800, height 800, background #FFFFFF');
    expect(put.stdout).not.toContain('would refuse');
    const key = url.slice(`s3://${bucket}/`.length);
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(object.ContentType).toBe('image/png');

    const id = 'L-CLI-1';
    const image = { url, width: 800, height: 800, background: '#FFFFFF' };
    const sent = await cli(['events', 'send', 'ListingSubmitted', '--detail', JSON.stringify(listing(id, { images: [image] }))]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^sent shop\.listings ListingSubmitted \(event \S+\)$/m);
    expect(sent.stderr).not.toContain('warning');
    await listingStatus(id, 'in-review');

    const review = await cli(['listings', 'show', id, '--as', 'rita:reviewer']);
    expect(review.code).toBe(0);
    expect(review.stdout).toContain('listing   L-CLI-1\nseller    S-HZ-0042\nstatus    in-review\nrevision  1\n');
    expect(review.stdout).toMatch(/^revision 1 \(current\)  received \S+ \S+Z  no outcome yet \(in-review\)$/m);
    expect(review.stdout).toContain('  reasons\n    (none)\n  reviews\n    (none)');
    expect(review.stdout).toContain('  SKU-LJ-250  ¥298.00  120    not published');

    const task = await eventually(
      () => opsApi(platform, 'GET', `/tasks?businessKey=${id}&kind=listing-compliance-review&status=open`, ops),
      (r) => r.body?.items?.length > 0,
      'the compliance review task',
    );
    const done = await cli(['tasks', 'complete', task.body.items[0].taskId, '--outcome', 'approve', '--as', 'rita:reviewer']);
    expect(done.code).toBe(0);
    await listingStatus(id, 'published');

    const published = await cli(['listings', 'show', id, '--as', 'max:merchandiser']);
    expect(published.stdout).toContain('status     published\n');
    expect(published.stdout).toMatch(/^published  \S+ \S+Z$/m);
    expect(published.stdout).toMatch(/^revision 1 \(current\)  received \S+ \S+Z  approved$/m);
    expect(published.stdout).toMatch(/^ {4}\S+ \S+Z  listing-compliance-review  approve  by rita$/m);
    expect(published.stdout).toMatch(/^ {2}SKU-LJ-500  ¥568\.00  60 {5}active \(published \S+ \S+Z\)$/m);

    const sku = await cli(['skus', 'show', 'SKU-LJ-250', '--as', 'max:merchandiser']);
    expect(sku.code).toBe(0);
    expect(sku.stdout).toContain('sku          SKU-LJ-250\n');
    expect(sku.stdout).toContain('listing      L-CLI-1 revision 1\n');
    expect(sku.stdout).toContain('price        ¥298.00\n');
    expect(sku.stdout).toContain('status       active\n');

    const json = await cli(['--json', 'listings', 'show', id, '--as', 'carol:ops-lead']);
    expect(JSON.parse(json.stdout)).toMatchObject({ listingId: id, status: 'published', skus: [{ skuId: 'SKU-LJ-250', catalog: { status: 'active' } }, { skuId: 'SKU-LJ-500' }] });
  });

  it('sends the sample with --image: declared as the image measures; without it, warns that the placeholder bucket will be rejected', async () => {
    const url = (await cli(['images', 'put', png('white.png', 800, 255)])).stdout.trim().split('\n').at(-1)!;
    const qualifications = listing('-').qualifications;
    const withImage = await cli(['events', 'send', 'ListingSubmitted', '--sample', '--image', url, '--detail', JSON.stringify({ listingId: 'L-CLI-2', qualifications })]);
    expect(withImage).toMatchObject({ code: 0 });
    expect(withImage.stderr).not.toContain('warning');
    const passed = await listingStatus('L-CLI-2', 'in-review');
    expect(passed.revisions[0].reasons).toEqual([]);

    const placeholder = await cli(['events', 'send', 'ListingSubmitted', '--sample', '--detail', JSON.stringify({ listingId: 'L-CLI-3', qualifications })]);
    expect(placeholder.code).toBe(0);
    expect(placeholder.stderr).toContain('warning: images[0] s3://shop-listing-images/listings/L-20261120-0001/main.jpg: the image is in bucket "shop-listing-images"');
    expect(placeholder.stderr).toContain('the review will reject the listing with IMAGE_UNREADABLE');
    expect(placeholder.stderr).toContain('--image <s3-url>');
    await listingStatus('L-CLI-3', 'rejected');
    const shown = await cli(['listings', 'show', 'L-CLI-3', '--as', 'rita:reviewer']);
    expect(shown.stdout).toContain('status    rejected\n');
    expect(shown.stdout).toMatch(/^revision 1 \(current\)  received \S+ \S+Z  rejected$/m);
    expect(shown.stdout).toMatch(/^ {4}IMAGE_UNREADABLE  images\[0\]  images\[0\] \(s3:\/\/shop-listing-images\/.+could not be read/m);
    expect(shown.stdout).toMatch(/^ {4}IMAGE_UNREADABLE  images\[1\]  /m);

    const wrong = await cli(['events', 'send', 'OrderPlaced', '--sample', '--image', url]);
    expect(wrong).toMatchObject({ code: 1, stdout: '' });
    expect(wrong.stderr).toContain('error: --image is for ListingSubmitted only, not OrderPlaced');
  });

  it('says what is wrong, and exits 1: unknown SKU or listing, a missing file, a file that is not an image, a wrong role', async () => {
    const gif = path.join(work, 'logo.gif');
    writeFileSync(gif, 'GIF89a');
    const fake = path.join(work, 'fake.png');
    writeFileSync(fake, 'not a png');
    const [unknownSku, unknownListing, role, missing, notImage, unreadable] = await Promise.all([
      cli(['skus', 'show', 'SKU-NOPE', '--as', 'rita:reviewer']),
      cli(['listings', 'show', 'L-NOPE', '--as', 'rita:reviewer']),
      cli(['listings', 'show', 'L-CLI-1', '--as', 'bob:aftersales']),
      cli(['images', 'put', path.join(work, 'nothing.png')]),
      cli(['images', 'put', gif]),
      cli(['images', 'put', fake]),
    ]);
    expect(unknownSku).toMatchObject({ code: 1, stdout: '' });
    expect(unknownSku.stderr.trim()).toBe('error: 404 no SKU SKU-NOPE in the catalog');
    expect(unknownListing).toMatchObject({ code: 1 });
    expect(unknownListing.stderr.trim()).toBe('error: 404 no listing L-NOPE');
    expect(role).toMatchObject({ code: 1 });
    expect(role.stderr).toContain('error: 403 listings and the catalog need one of the roles reviewer, merchandiser, ops-lead');
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr.trim()).toBe(`error: no file ${path.join(work, 'nothing.png')}`);
    expect(notImage).toMatchObject({ code: 1 });
    expect(notImage.stderr).toContain('is not a PNG or JPEG image by its name (its extension is .gif)');
    expect(unreadable).toMatchObject({ code: 1 });
    expect(unreadable.stderr).toContain('fake.png is not an image the listing review can read: not a PNG or JPEG image');
  });

  it('says when no platform is running, or the one the connection file names has stopped', async () => {
    const image = png('again.png', 800, 255);
    const none = await cli(['images', 'put', image], mkdtempSync(path.join(tmpdir(), 'no-platform-')));
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toMatch(/No running local platform found \(.+connection\.json is missing\): start it with "npm start" first/);

    const stale = mkdtempSync(path.join(tmpdir(), 'stopped-platform-'));
    writeFileSync(path.join(stale, 'connection.json'), JSON.stringify({ awsEndpoint: 'http://127.0.0.1:1', apiEndpoint: 'http://127.0.0.1:1', issuer: 'x', audience: 'y', keyFile: 'z' }));
    const stopped = await cli(['images', 'put', image], stale);
    expect(stopped).toMatchObject({ code: 1, stdout: '' });
    expect(stopped.stderr).toContain("cannot reach the local platform's AWS endpoint at http://127.0.0.1:1 (ECONNREFUSED)");
    expect(stopped.stderr).toContain('is the platform running ("npm start")?');
  });
});
