import { ListingPublished } from '../../../events/listing-published';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { Catalog } from '../../../shared/records/catalog';
import { Listings } from '../../../shared/records/listings';
import { catalogAttributes } from '../rules';
import { ListingState } from '../state';

/** Publishes the approved revision: every SKU becomes (or replaces) its catalog entry, and ListingPublished goes out. */
export const handler = taskHandler(ListingState, async (state) => {
  const publishedAt = nowIso();
  const catalog = new Catalog();
  const { fresh, customMade } = catalogAttributes(state);
  for (const sku of state.skus) {
    await catalog.publish({ skuId: sku.skuId, listingId: state.listingId, revision: state.revision, title: state.title, category: state.category, priceFen: sku.priceFen, fresh, customMade, publishedAt });
  }
  await new Listings().setStatus(state.listingId, { status: 'published', revision: state.revision, at: publishedAt, publishedAt });
  const skus = state.skus.map(({ skuId, priceFen }) => ({ skuId, priceFen }));
  return {
    publishedAt,
    announcement: ListingPublished.parse({ listingId: state.listingId, revision: state.revision, publishedAt, skus }),
  };
});
