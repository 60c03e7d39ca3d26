import { DynamoTable } from '../../../shared/dynamo';
import { ForbiddenError, NotFoundError } from '../../../shared/errors';
import { apiHandler, json } from '../../../shared/handlers/api';
import type { Role } from '../../../shared/roles';
import { Catalog } from '../../../shared/records/catalog';
import { Listings } from '../../../shared/records/listings';
import { opsEnv } from '../ops-env';
import type { CatalogEntryView, ListingView } from '../schemas';

/** Who may look at listings under review and at the catalog. */
const READERS: Role[] = ['reviewer', 'merchandiser', 'ops-lead'];

/** `GET /listings/{listingId}` and `GET /skus/{skuId}`: a listing's review and a catalog entry. */
export const handler = apiHandler(async (event, caller) => {
  if (!caller.roles.some((role) => READERS.includes(role))) throw new ForbiddenError(`listings and the catalog need one of the roles ${READERS.join(', ')}`);
  const records = new DynamoTable(opsEnv().RECORDS_TABLE, 'pk');
  const catalog = new Catalog(records);
  const { listingId, skuId } = event.pathParameters ?? {};
  if (skuId !== undefined) {
    const entry = await catalog.get(skuId);
    if (!entry) throw new NotFoundError(`no SKU ${skuId} in the catalog`);
    return json(200, catalogEntryView(entry));
  }
  const listings = new Listings(records);
  const [listing, revisions] = await Promise.all([listings.get(listingId ?? ''), listings.revisions(listingId ?? '')]);
  if (!listing) throw new NotFoundError(`no listing ${listingId}`);
  const current = revisions.find((r) => r.revision === listing.revision) ?? revisions.at(-1);
  const skus = ((current?.listing.skus ?? []) as Array<{ skuId: string; priceFen: number; stock: number }>).map((sku) => ({ skuId: sku.skuId, priceFen: sku.priceFen, stock: sku.stock }));
  const entries = await catalog.entries(skus.map((sku) => sku.skuId));
  const view: ListingView = {
    listingId: listing.listingId,
    status: listing.status,
    revision: listing.revision,
    ...(listing.sellerId ? { sellerId: listing.sellerId } : {}),
    ...(listing.publishAt ? { publishAt: listing.publishAt } : {}),
    ...(listing.publishedAt ? { publishedAt: listing.publishedAt } : {}),
    revisions: revisions.map((r) => ({ revision: r.revision, receivedAt: r.receivedAt, ...(r.outcome ? { outcome: r.outcome } : {}), reasons: r.reasons ?? [], reviews: r.reviews ?? [] })),
    skus: skus.map((sku) => {
      const entry = entries.get(sku.skuId);
      // Another listing may have published the SKU since; show the entry only when it is this listing's.
      return entry?.listingId === listing.listingId ? { ...sku, catalog: catalogEntryView(entry) } : sku;
    }),
  };
  return json(200, view);
});

function catalogEntryView(entry: CatalogEntryView): CatalogEntryView {
  const { skuId, listingId, revision, title, category, priceFen, fresh, customMade, status, publishedAt, updatedAt, lastSoldAt } = entry;
  return { skuId, listingId, revision, title, category, priceFen, fresh, customMade, status, publishedAt, updatedAt, ...(lastSoldAt ? { lastSoldAt } : {}) };
}
