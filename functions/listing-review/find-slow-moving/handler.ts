import * as z from 'zod';
import { SkuSlowMoving } from '../../../events/sku-slow-moving';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { Catalog } from '../../../shared/records/catalog';
import { slowMovingSkus } from '../slow-moving';

const Input = z.looseObject({
  listingId: z.string().min(1),
  skus: z.array(z.looseObject({ skuId: z.string().min(1) })).min(1),
  publication: z.looseObject({ publishedAt: z.string() }),
});

/** Days after publishing: every SKU of the listing with no sale since is flagged, each with its announcement. */
export const handler = taskHandler(Input, async ({ listingId, skus, publication }) => {
  const flaggedAt = nowIso();
  const entries = await new Catalog().entries(skus.map((sku) => sku.skuId));
  const slow = slowMovingSkus([...entries.values()], listingId, publication.publishedAt, flaggedAt);
  return {
    skus: slow.map(({ skuId, daysWithoutSale }) => ({
      listingId,
      skuId,
      daysWithoutSale,
      announcement: SkuSlowMoving.parse({ listingId, skuId, publishedAt: publication.publishedAt, flaggedAt, daysWithoutSale }),
    })),
  };
});
