import * as z from 'zod';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { Listings } from '../../../shared/records/listings';

const Input = z.looseObject({
  listingId: z.string().min(1),
  revision: z.number().int().positive(),
  skus: z.array(z.looseObject({ skuId: z.string() })).min(1),
  publication: z.looseObject({ publishedAt: z.string() }),
  slowMoving: z.looseObject({ decisions: z.array(z.looseObject({ skuId: z.string(), action: z.string() })).optional() }),
});

/** The review's result. A listing whose every SKU was delisted is delisted. */
export const handler = taskHandler(Input, async ({ listingId, revision, skus, publication, slowMoving }) => {
  const decisions = (slowMoving.decisions ?? []).map(({ skuId, action }) => ({ skuId, action }));
  const delisted = new Set(decisions.filter((d) => d.action === 'delist').map((d) => d.skuId));
  const status = skus.every((sku) => delisted.has(sku.skuId)) ? 'delisted' : 'published';
  if (status === 'delisted') await new Listings().setStatus(listingId, { status, revision, at: nowIso() });
  return { listingId, revision, status, publishedAt: publication.publishedAt, slowMoving: decisions };
});
