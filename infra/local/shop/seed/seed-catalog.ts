import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { encode as encodePng } from 'fast-png';
import * as z from 'zod';
import { ListingSubmitted, type ListingSubmittedDetail } from '../../../../events/listing-submitted';
import { EVENT_BUS_NAME } from '../../../aws/stacks/bus-stack';
import { localClients } from '../../engine/clients';
import type { Platform } from '../../engine/platform';
import { callOpsApi } from '../ops-call';
import skus from './skus.json' with { type: 'json' };

/**
 * The catalog every local platform starts with: the seven SKUs the demo and the tests order,
 * each a seed listing that goes through the listing-review flow like a seller's (checks on a
 * measured image, a compliance review, publishing), approved here by the seeder.
 */

const SeedSku = z.object({
  skuId: z.string().min(1),
  name: z.string().min(1),
  category: z.enum(['food', 'cosmetics', 'electronics', 'apparel', 'general']),
  priceFen: z.number().int().positive(),
  fresh: z.boolean(),
  customMade: z.boolean(),
});
export const SEED_SKUS = z.array(SeedSku).parse(skus);

/** The reviewer who approves the seed listings. */
const SEEDER = { user: 'catalog-seed', groups: ['reviewer'] };
const SEED_SELLER = 'S-SEED';
const DAY_MS = 86_400_000;

export const seedListingId = (skuId: string) => `SEED-${skuId}`;

/** Publishes the seed listings through the flow; resolves once every seed SKU is in the catalog. */
export async function seedCatalog(platform: Platform, { timeoutMs = 30_000 } = {}): Promise<void> {
  const bucket = platform.model.buckets.find((b) => b.logicalId.startsWith('ListingImages'))?.name;
  // An app without the listing review (a test fixture) has no catalog to seed.
  if (!bucket || !platform.model.stateMachines.some((m) => m.flow === 'listing-review')) return;
  const { s3, events } = localClients(platform.awsEndpoint);
  const image = productOnWhite(800);
  const now = platform.clock.now();
  const listings = await Promise.all(
    SEED_SKUS.map(async (sku) => {
      const key = `seed/${sku.skuId}.png`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: image, ContentType: 'image/png' }));
      return seedListing(sku, `s3://${bucket}/${key}`, now);
    }),
  );
  for (let i = 0; i < listings.length; i += 10) {
    const entries = listings.slice(i, i + 10).map((detail) => ListingSubmitted.entry(detail, EVENT_BUS_NAME));
    const result = await events.send(new PutEventsCommand({ Entries: entries }));
    if (result.FailedEntryCount) throw new Error(`seed listings were refused by the bus: ${JSON.stringify(result.Entries)}`);
  }
  const pending = new Set(SEED_SKUS.map((sku) => sku.skuId));
  const deadline = Date.now() + timeoutMs;
  while (pending.size) {
    await platform.clock.settle();
    const { body } = await callOpsApi(platform, 'GET', '/tasks?kind=listing-compliance-review&status=open', SEEDER);
    for (const task of body?.items ?? []) {
      if (String(task.businessKey).startsWith('SEED-')) await callOpsApi(platform, 'POST', `/tasks/${task.taskId}/complete`, SEEDER, { outcome: 'approve' });
    }
    for (const skuId of [...pending]) {
      if ((await callOpsApi(platform, 'GET', `/skus/${skuId}`, SEEDER)).status === 200) pending.delete(skuId);
    }
    if (pending.size && Date.now() > deadline) throw new Error(`seed listings not published within ${timeoutMs} ms: ${[...pending].join(', ')}`);
    if (pending.size) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A listing that passes every check: its category's qualifications, a structured title, a measured white image. */
function seedListing(sku: z.infer<typeof SeedSku>, imageUrl: string, now: number): ListingSubmittedDetail {
  const at = (days: number) => new Date(now + days * DAY_MS).toISOString();
  const qualifications: ListingSubmittedDetail['qualifications'] = {
    food: [
      { type: 'production-licence' as const, number: `SC-${sku.skuId}`, issuedAt: at(-365), expiresAt: at(730) },
      { type: 'inspection-report' as const, number: `IR-${sku.skuId}`, issuedAt: at(-30) },
    ],
    cosmetics: [{ type: 'cosmetics-filing' as const, number: `CF-${sku.skuId}`, issuedAt: at(-365) }],
    electronics: [{ type: 'ccc-certificate' as const, number: `CCC-${sku.skuId}`, issuedAt: at(-365), expiresAt: at(730) }],
    apparel: [],
    general: [],
  }[sku.category];
  const parameterTable: Record<string, string> = sku.category === 'apparel' || sku.category === 'general' ? { size: 'standard', material: 'see description', weight: '1 kg' } : {};
  return {
    listingId: seedListingId(sku.skuId),
    revision: 1,
    sellerId: SEED_SELLER,
    category: sku.category,
    title: sku.name,
    description: `${sku.name}: part of the shop's starting catalog on the local platform.`,
    images: [{ url: imageUrl, width: 800, height: 800, background: '#FFFFFF' }],
    attributes: { fresh: sku.fresh, customMade: sku.customMade, ...parameterTable },
    qualifications,
    skus: [{ skuId: sku.skuId, priceFen: sku.priceFen, stock: 0 }],
  };
}

/** A square PNG: a white background with a dark product in the middle, as the image checks want it. */
function productOnWhite(side: number): Uint8Array {
  const data = new Uint8Array(side * side * 3).fill(255);
  for (let y = side / 4; y < (3 * side) / 4; y++) data.fill(60, (y * side + side / 4) * 3, (y * side + (3 * side) / 4) * 3);
  return encodePng({ width: side, height: side, data, channels: 3 });
}
