import * as z from 'zod';
import { nowIso } from '../../../shared/clock';
import { NotFoundError } from '../../../shared/errors';
import { taskHandler } from '../../../shared/handlers/task';
import { Catalog } from '../../../shared/records/catalog';
import { listingReviewPolicy } from '../policy';
import { catalogChange, type SlowMovingDecision } from '../slow-moving';

const Input = z.object({
  skuId: z.string().min(1),
  decision: z.looseObject({ outcome: z.enum(['discount', 'bundle', 'delist', 'keep']), data: z.record(z.string(), z.unknown()).optional(), decidedBy: z.string() }),
});

/** Carries out the merchandiser's decision on a slow-moving SKU: a new price, a bundle, delisting, or nothing. */
export const handler = taskHandler(Input, async ({ skuId, decision }) => {
  const catalog = new Catalog();
  const entry = await catalog.get(skuId);
  if (!entry) throw new NotFoundError(`SKU ${skuId} is not in the catalog`);
  const change = catalogChange(decision as SlowMovingDecision, entry.priceFen, listingReviewPolicy);
  const now = nowIso();
  if (change.action === 'reprice') await catalog.reprice(skuId, change.priceFen, now);
  if (change.action === 'delist') await catalog.delist(skuId, now);
  return { skuId, ...change, decidedBy: decision.decidedBy };
});
