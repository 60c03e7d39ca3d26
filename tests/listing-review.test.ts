import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listingSubmitted, orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import type { Platform } from '../infra/local/engine/platform';
import { eventually, opsApi, startLocalPlatform } from './support';

let platform: Platform;
let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
let bucket: string;
const ops = { user: 'olivia', roles: ['ops-lead'] };
const rita = { user: 'rita', roles: ['reviewer'] };
const max = { user: 'max', roles: ['merchandiser'] };

beforeAll(async () => {
  clients = await startLocalPlatform();
  platform = clients.platform;
  bucket = platform.model.buckets.find((b) => b.logicalId.startsWith('ListingImages'))!.name;
  await upload('white.png', square(800, 255));
  await upload('grey.png', square(800, 200));
});

afterAll(async () => {
  await platform?.stop();
});

const now = () => new Date(platform.clock.now()).toISOString();
const inHours = (hours: number) => new Date(platform.clock.now() + hours * 3_600_000).toISOString();

/** A PNG of `side` × `side` pixels, every channel `level`, with a dark product in the middle. */
function square(side: number, level: number): Uint8Array {
  const data = new Uint8Array(side * side * 3).fill(level);
  for (let y = side / 4; y < (3 * side) / 4; y++) for (let x = side / 4; x < (3 * side) / 4; x++) data.fill(40, (y * side + x) * 3, (y * side + x) * 3 + 3);
  return encodePng({ width: side, height: side, data, channels: 3 });
}

async function upload(key: string, bytes: Uint8Array) {
  await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'image/png' }));
}

function listing(listingId: string, revision: number, changes: Record<string, unknown> = {}) {
  return {
    ...structuredClone(listingSubmitted),
    listingId,
    revision,
    images: [{ url: `s3://${bucket}/white.png`, width: 800, height: 800, background: '#FFFFFF' }],
    qualifications: listingSubmitted.qualifications.map((q) => ({ ...q, issuedAt: inHours(-24 * 30), ...(q.expiresAt ? { expiresAt: inHours(24 * 365) } : {}) })),
    ...changes,
  };
}

async function order(orderId: string, skuId: string) {
  const detail = { ...orderPlaced, orderId, placedAt: now(), lines: [{ skuId, quantity: 1, unitPriceFen: 12_800 }], totalFen: 12_800 };
  const result = await clients.events.send(
    new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(detail) }] }),
  );
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

async function submit(detail: unknown) {
  const result = await clients.events.send(
    new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: 'shop.listings', DetailType: 'ListingSubmitted', Detail: JSON.stringify(detail) }] }),
  );
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

const listingView = (listingId: string, status: string) =>
  eventually(() => opsApi(platform, 'GET', `/listings/${listingId}`, ops), (r) => r.body?.status === status, `listing ${listingId} ${status}`).then((r) => r.body);

async function openTask(kind: string, listingId: string) {
  const { body } = await eventually(
    () => opsApi(platform, 'GET', `/tasks?businessKey=${listingId}&kind=${kind}&status=open`, ops),
    (r) => r.body?.items?.length > 0,
    `an open ${kind} task for ${listingId}`,
  );
  return body.items[0];
}

describe('listing review', () => {
  it('rejects a revision with every reason, checks the resubmission from the start, has both reviews, publishes at the scheduled time into the catalog; a week later only the unsold SKU is flagged, and delisting it makes routing refuse it', async () => {
    const id = 'L-E2E-1';
    await submit(listing(id, 1, { title: '最好的 西湖龙井 绿茶', images: [{ url: `s3://${bucket}/grey.png`, width: 800, height: 800, background: '#FFFFFF' }] }));
    const rejected = await listingView(id, 'rejected');
    const codes = rejected.revisions[0].reasons.map((r: { code: string }) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['BANNED_WORD', 'IMAGE_BACKGROUND', 'IMAGE_MISMATCH']));
    expect(rejected.revisions[0]).toMatchObject({ revision: 1, outcome: 'rejected' });

    // The fixed revision: more than 1,000 units, so the merchandiser reviews it too; published in 2 hours.
    const skus = [{ skuId: 'SKU-NEW-1', priceFen: 12_800, stock: 1_500 }, { skuId: 'SKU-NEW-2', priceFen: 25_600, stock: 10 }];
    await submit(listing(id, 2, { skus, publishAt: inHours(2) }));
    const compliance = await openTask('listing-compliance-review', id);
    expect(compliance.role).toBe('reviewer');
    expect((await opsApi(platform, 'POST', `/tasks/${compliance.taskId}/complete`, max, { outcome: 'approve' })).status).toBe(403);
    expect((await opsApi(platform, 'POST', `/tasks/${compliance.taskId}/complete`, rita, { outcome: 'approve' })).status).toBe(200);
    const inventory = await openTask('listing-inventory-review', id);
    expect((await opsApi(platform, 'POST', `/tasks/${inventory.taskId}/complete`, max, { outcome: 'approve' })).status).toBe(200);

    const scheduled = await listingView(id, 'scheduled');
    expect(scheduled.revision).toBe(2);
    expect((await opsApi(platform, 'GET', '/skus/SKU-NEW-1', ops)).status).toBe(404);

    await platform.clock.advance(2 * 3600 + 60);
    const published = await listingView(id, 'published');
    expect(published.revisions.map((r: { revision: number; outcome: string }) => [r.revision, r.outcome])).toEqual([
      [1, 'rejected'],
      [2, 'approved'],
    ]);
    expect(published.revisions[1].reviews.map((r: { kind: string; decidedBy: string }) => [r.kind, r.decidedBy])).toEqual([
      ['listing-compliance-review', 'rita'],
      ['listing-inventory-review', 'max'],
    ]);
    const entry = (await opsApi(platform, 'GET', '/skus/SKU-NEW-1', ops)).body;
    expect(entry).toMatchObject({ skuId: 'SKU-NEW-1', listingId: id, revision: 2, priceFen: 12_800, status: 'active', category: 'food' });

    // A week later, only the SKU nobody ordered is slow-moving; the merchandiser delists it.
    await order('O-LR-1', 'SKU-NEW-1');
    await platform.clock.advance(7 * 86_400 + 60);
    const slow = await openTask('slow-moving-sku', id);
    expect(slow).toMatchObject({ role: 'merchandiser', summary: expect.stringContaining('SKU-NEW-2') });
    expect(slow.summary).toContain('7 days');
    const bad = await opsApi(platform, 'POST', `/tasks/${slow.taskId}/complete`, max, { outcome: 'discount', data: { percentOff: 95 } });
    expect(bad.status).toBe(400);
    expect((await opsApi(platform, 'POST', `/tasks/${slow.taskId}/complete`, max, { outcome: 'delist' })).status).toBe(200);
    const flow = await eventually(() => opsApi(platform, 'GET', `/flows/listing-review/${id}`, ops), (r) => r.body?.status === 'SUCCEEDED', 'the review to end').then((r) => r.body);
    expect(flow.result).toEqual({ listingId: id, revision: 2, status: 'published', publishedAt: expect.any(String), slowMoving: [{ skuId: 'SKU-NEW-2', action: 'delist' }] });
    expect((await opsApi(platform, 'GET', '/tasks?kind=slow-moving-sku&businessKey=' + id, ops)).body.items).toHaveLength(1);
    expect((await opsApi(platform, 'GET', '/skus/SKU-NEW-2', ops)).body.status).toBe('delisted');
    expect((await opsApi(platform, 'GET', '/skus/SKU-NEW-1', ops)).body).toMatchObject({ status: 'active', lastSoldAt: expect.any(String) });

    // A delisted SKU can no longer be ordered: routing refuses it, with the reason.
    await order('O-LR-2', 'SKU-NEW-2');
    const refused = await eventually(() => opsApi(platform, 'GET', '/flows/order-routing/O-LR-2', ops), (r) => r.body?.status === 'SUCCEEDED', 'the order to be refused');
    expect(refused.body.result).toMatchObject({ outcome: 'refused', rule: 'delisted', reason: expect.stringContaining('SKU-NEW-2 is delisted') });
  });

  it('sends a reviewer rejection back to the seller like a failed check', async () => {
    const id = 'L-E2E-2';
    await submit(listing(id, 1));
    const compliance = await openTask('listing-compliance-review', id);
    const refused = await opsApi(platform, 'POST', `/tasks/${compliance.taskId}/complete`, rita, { outcome: 'reject' });
    expect(refused.status).toBe(400);
    expect((await opsApi(platform, 'POST', `/tasks/${compliance.taskId}/complete`, rita, { outcome: 'reject', reason: 'the licence photo is unreadable' })).status).toBe(200);
    const rejected = await listingView(id, 'rejected');
    expect(rejected.revisions[0].reasons).toEqual([{ code: 'REVIEW_REJECTED', field: 'listing', message: 'rejected by compliance review: the licence photo is unreadable' }]);
    expect(rejected.revisions[0].reviews).toMatchObject([{ kind: 'listing-compliance-review', outcome: 'reject', decidedBy: 'rita' }]);
  });

  it('rejects an unknown category and an image outside the bucket as reasons the seller sees, not a quarantined event', async () => {
    const id = 'L-E2E-3';
    await submit(listing(id, 1, { category: 'toys', images: [{ url: 'https://example.com/a.png', width: 800, height: 800, background: '#FFFFFF' }] }));
    const rejected = await listingView(id, 'rejected');
    const codes = rejected.revisions[0].reasons.map((r: { code: string }) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['CATEGORY_UNKNOWN', 'IMAGE_UNREADABLE']));
  });

  it('ends as abandoned when no new revision comes within 14 days', async () => {
    const id = 'L-E2E-4';
    await submit(listing(id, 1, { skus: [] }));
    const rejected = await listingView(id, 'rejected');
    expect(rejected.revisions[0].reasons.map((r: { code: string }) => r.code)).toContain('NO_SKUS');
    await platform.clock.advance(14 * 86_400 + 60);
    await listingView(id, 'abandoned');
    const flow = await eventually(() => opsApi(platform, 'GET', `/flows/listing-review/${id}`, ops), (r) => r.body?.status === 'SUCCEEDED', 'the review to end');
    expect(flow.body.result).toMatchObject({ listingId: id, revision: 1, status: 'abandoned' });
  });
});
