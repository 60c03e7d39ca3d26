import { PutObjectCommand } from '@aws-sdk/client-s3';
import { encode as encodePng } from 'fast-png';
import { addresses, listingSubmitted, orderPlaced } from '../../../../../events/samples';
import type { DemoContext, DemoScenario } from '../scenario';

const OPS = { user: 'olivia', groups: ['ops-lead'] };
const RITA = { user: 'rita', groups: ['reviewer'] };
const MAX = { user: 'max', groups: ['merchandiser'] };

const HOUR = 3600;
const DAY = 86_400;

/** Anji white tea: a big tin the seller stocks 1,500 of (so the merchandiser reviews it too) and a small gift box. */
const LISTING = 'L-ANJI-1';
const TIN = 'SKU-AJB-250';
const GIFT = 'SKU-AJB-GIFT';
/** A listing whose seller never sends the fixed revision. */
const FORGOTTEN = 'L-MAOFENG-1';

const at = (context: DemoContext, seconds = 0) => new Date(context.platform.clock.now() + seconds * 1000).toISOString();

/** A PNG of 800 × 800 pixels, every channel `level`, with a dark product in the middle. */
export function productOn(level: number): Uint8Array {
  const side = 800;
  const data = new Uint8Array(side * side * 3).fill(level);
  for (let y = side / 4; y < (3 * side) / 4; y++) data.fill(40, (y * side + side / 4) * 3, (y * side + (3 * side) / 4) * 3);
  return encodePng({ width: side, height: side, data, channels: 3 });
}

/** Uploads the image to the platform's listing-images bucket; its s3:// URL. */
export async function upload(context: DemoContext, key: string, bytes: Uint8Array): Promise<string> {
  const bucket = context.platform.model.buckets.find((b) => b.logicalId.startsWith('ListingImages'))?.name;
  if (!bucket) throw new Error('the platform has no listing-images bucket');
  await context.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'image/png' }));
  return `s3://${bucket}/${key}`;
}

/** A food listing with current qualifications; `changes` replace whole fields. */
export function listing(context: DemoContext, listingId: string, revision: number, image: string, changes: Record<string, unknown> = {}) {
  return {
    ...structuredClone(listingSubmitted),
    listingId,
    revision,
    sellerId: 'S-AJ-0007',
    title: '安吉白茶 明前特级 绿茶 250g 罐装',
    description: '产自浙江安吉，明前采摘，叶白脉绿，汤色清亮，鲜爽回甘。',
    attributes: { origin: '浙江安吉', netWeight: '250g', grade: '特级', harvest: '2026 明前', shelfLifeDays: 540 },
    brand: undefined,
    images: [{ url: image, width: 800, height: 800, background: '#FFFFFF' }],
    qualifications: [
      { type: 'production-licence', number: 'SC11433052300118', issuedAt: at(context, -365 * DAY), expiresAt: at(context, 730 * DAY) },
      { type: 'inspection-report', number: 'ZJQI-2026-110245', issuedAt: at(context, -30 * DAY) },
    ],
    skus: [
      { skuId: TIN, priceFen: 16_800, stock: 1_500 },
      { skuId: GIFT, priceFen: 39_800, stock: 10 },
    ],
    ...changes,
  };
}

function order(context: DemoContext, orderId: string, skuId: string, unitPriceFen: number) {
  return context.putEvent('shop.orders', 'OrderPlaced', {
    ...orderPlaced,
    orderId,
    memberId: `MEM-${orderId}`,
    placedAt: at(context),
    shipTo: { ...addresses.hangzhou },
    lines: [{ skuId, quantity: 1, unitPriceFen }],
    totalFen: unitPriceFen,
  });
}

/** Waits (in real time) until `GET /listings/{id}` shows the status; the listing. */
async function listingIs(context: DemoContext, listingId: string, status: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { body } = await context.api('GET', `/listings/${listingId}`, OPS);
    if (body?.status === status) return body;
    if (Date.now() > deadline) throw new Error(`listing ${listingId} is not ${status} (now ${body?.status ?? 'unknown'})`);
    await context.platform.clock.settle();
  }
}

async function complete(context: DemoContext, listingId: string, kind: string, as: { user: string; groups: string[] }, body: unknown) {
  const task = await context.openTask(kind, listingId);
  const done = await context.api('POST', `/tasks/${task.taskId}/complete`, as, body);
  if (done.status !== 200) throw new Error(`${kind} for ${listingId}: ${done.status} ${JSON.stringify(done.body)}`);
}

/** A seller's listing from first submission to a week on sale; another seller who never comes back. */
export const listingsScenario: DemoScenario = {
  flow: 'listing-review',
  title: 'listings: checked, reviewed, scheduled, published; one SKU delisted',
  steps: 9,
  async run(context) {
    const white = await upload(context, 'demo/anji-white.png', productOn(255));
    const grey = await upload(context, 'demo/anji-grey.png', productOn(200));

    await context.putEvent('shop.listings', 'ListingSubmitted', listing(context, LISTING, 1, grey, { title: '最好的 安吉白茶 绿茶' }));
    const rejected = await listingIs(context, LISTING, 'rejected');
    const codes: string[] = rejected.revisions[0].reasons.map((r: { code: string }) => r.code);
    if (!codes.includes('BANNED_WORD') || !codes.includes('IMAGE_BACKGROUND')) throw new Error(`${LISTING} revision 1 was rejected for ${codes.join(', ')}, not a banned word and the grey photo`);
    context.step(`Anji white tea, revision 1 rejected: ${codes.join(', ')}`);

    const forgottenAt = context.platform.clock.now();
    await context.putEvent(
      'shop.listings',
      'ListingSubmitted',
      listing(context, FORGOTTEN, 1, white, {
        title: '黄山毛峰 特级 绿茶 100g 袋装',
        qualifications: [{ type: 'production-licence', number: 'SC11434100200031', issuedAt: at(context, -4 * 365 * DAY), expiresAt: at(context, -10 * DAY) }],
        skus: [{ skuId: 'SKU-MF-100', priceFen: 9_800, stock: 40 }],
      }),
    );
    await listingIs(context, FORGOTTEN, 'rejected');
    context.step('Maofeng: the licence expired, no inspection report, rejected');

    await context.putEvent('shop.listings', 'ListingSubmitted', listing(context, LISTING, 2, white, { publishAt: at(context, 3 * HOUR) }));
    await complete(context, LISTING, 'listing-compliance-review', RITA, { outcome: 'approve' });
    await complete(context, LISTING, 'listing-inventory-review', MAX, { outcome: 'approve' });
    await listingIs(context, LISTING, 'scheduled');
    context.step('revision 2 fixed: compliance (rita) and inventory (max) approve, on sale in 3 hours');

    await context.advance(3 * HOUR + 60);
    await listingIs(context, LISTING, 'published');
    context.step('3 hours later: published, both SKUs in the catalog');

    await context.putEvent('shop.inventory', 'StockReceived', { skuId: TIN, locationId: 'ST-HZ-01', quantity: 20, receivedAt: at(context) });
    await order(context, 'D-AJB-1', TIN, 16_800);
    context.step('a Hangzhou customer buys a tin');

    await context.advance(7 * DAY + 60);
    await complete(context, LISTING, 'slow-moving-sku', MAX, { outcome: 'delist' });
    await context.waitFor('listing-review', LISTING);
    context.step('a week on: nobody bought the gift box, max delists it');

    await order(context, 'D-AJB-2', GIFT, 39_800);
    context.step('an order for the delisted gift box');

    await context.advance(Math.max(0, forgottenAt / 1000 + 14 * DAY + 60 - context.platform.clock.now() / 1000));
    context.step('14 days after its rejection: no new Maofeng revision');

    await listingIs(context, FORGOTTEN, 'abandoned');
    context.step('the Maofeng listing is abandoned');

    return [
      {
        flow: 'listing-review',
        businessKey: LISTING,
        story: 'banned word + grey photo: rejected; fixed, two reviews, scheduled, published; gift box delisted',
        expected: { status: 'SUCCEEDED', result: { status: 'published', revision: 2, slowMoving: [{ skuId: GIFT, action: 'delist' }] } },
      },
      { flow: 'order-routing', businessKey: 'D-AJB-1', story: 'a tin of Anji white tea: the West Lake store', expected: { status: 'SUCCEEDED', result: { outcome: 'routed', locationId: 'ST-HZ-01' } } },
      { flow: 'order-routing', businessKey: 'D-AJB-2', story: 'the delisted gift box: refused', expected: { status: 'SUCCEEDED', result: { outcome: 'refused', rule: 'delisted' } } },
      { flow: 'listing-review', businessKey: FORGOTTEN, story: 'rejected, no new revision in 14 days', expected: { status: 'SUCCEEDED', result: { status: 'abandoned', revision: 1 } } },
    ];
  },
};
