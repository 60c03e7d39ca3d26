import { DAY } from '../../shared/clock';
import { percentOf, type Fen } from '../../shared/money';
import type { ListingReviewPolicy } from './policy';
import { discountAllowed } from './rules';

// Pure slow-moving rules (business rules §1, 001 §一(三)): which published SKUs did not sell, and
// what each decision does to the catalog.

export interface PublishedSku {
  skuId: string;
  listingId: string;
  status: 'active' | 'delisted';
  lastSoldAt?: string;
}

export interface SlowMovingSku {
  skuId: string;
  daysWithoutSale: number;
}

/** The listing's active SKUs with no sale since publishing, with the whole days since then. */
export function slowMovingSkus(entries: PublishedSku[], listingId: string, publishedAt: string, now: string): SlowMovingSku[] {
  const days = Math.floor((Date.parse(now) - Date.parse(publishedAt)) / DAY);
  return entries
    .filter((entry) => entry.listingId === listingId && entry.status === 'active')
    .filter((entry) => entry.lastSoldAt === undefined || entry.lastSoldAt < publishedAt)
    .map((entry) => ({ skuId: entry.skuId, daysWithoutSale: days }));
}

export type SlowMovingDecision =
  | { outcome: 'discount'; data: { percentOff: number } }
  | { outcome: 'bundle'; data: { withSkuId: string } }
  | { outcome: 'delist' }
  | { outcome: 'keep' };

export type CatalogChange = { action: 'reprice'; priceFen: Fen; percentOff: number } | { action: 'bundle'; withSkuId: string } | { action: 'delist' } | { action: 'keep' };

/** What a merchandiser's decision does to the SKU's catalog entry. */
export function catalogChange(decision: SlowMovingDecision, priceFen: Fen, policy: Pick<ListingReviewPolicy, 'discountPercentMin' | 'discountPercentMax'>): CatalogChange {
  switch (decision.outcome) {
    case 'discount': {
      const { percentOff } = decision.data;
      if (!discountAllowed(percentOff, policy)) {
        throw new RangeError(`percentOff must be a whole number from ${policy.discountPercentMin} to ${policy.discountPercentMax}, got ${percentOff}`);
      }
      return { action: 'reprice', priceFen: percentOf(priceFen, 100 - percentOff), percentOff };
    }
    case 'bundle':
      return { action: 'bundle', withSkuId: decision.data.withSkuId };
    case 'delist':
      return { action: 'delist' };
    case 'keep':
      return { action: 'keep' };
  }
}
