import { names, setFields, type DynamoTable } from '../dynamo';
import { recordsTable } from './table';

/**
 * The product catalog: one entry per SKU a published listing offers. Written by the
 * listing-review flow (publishing, the slow-moving decisions) and by sales; read by order routing
 * (a delisted SKU cannot be ordered), refunds (fresh and custom-made goods) and `GET /skus/{skuId}`.
 *
 * Items (pk / sk):
 * - `SKU#<skuId>` / `CATALOG`: `listingId`, `revision`, `title`, `category`, `priceFen`, `fresh`,
 *   `customMade`, `status` (active, delisted), `publishedAt`, `updatedAt`, and `lastSoldAt` once an
 *   order of it was placed. No index. The SKU's stock per location shares the partition
 *   (`LOC#<locationId>`, see `inventory.ts`).
 */

export type CatalogStatus = 'active' | 'delisted';

export interface CatalogEntry {
  skuId: string;
  listingId: string;
  revision: number;
  title: string;
  category: string;
  priceFen: number;
  fresh: boolean;
  customMade: boolean;
  status: CatalogStatus;
  publishedAt: string;
  updatedAt: string;
  lastSoldAt?: string;
}

/** The partition of everything kept about one SKU: its catalog entry and its stock. */
export const skuPartition = (skuId: string) => `SKU#${skuId}`;
const entryKey = (skuId: string) => ({ pk: skuPartition(skuId), sk: 'CATALOG' });

export class Catalog {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  async get(skuId: string): Promise<CatalogEntry | undefined> {
    return this.table.get<CatalogEntry>(entryKey(skuId));
  }

  /** The entries of the SKUs named, by SKU id; SKUs never published are absent. */
  async entries(skuIds: Iterable<string>): Promise<Map<string, CatalogEntry>> {
    const found = await Promise.all([...new Set(skuIds)].map((skuId) => this.get(skuId)));
    return new Map(found.filter((entry) => entry !== undefined).map((entry) => [entry.skuId, entry]));
  }

  /**
   * Publishes a listing's SKU: the entry as the listing's revision describes it, active. A newer
   * revision replaces an older one's entry; an older one (a late retry) changes nothing.
   */
  async publish(entry: Omit<CatalogEntry, 'status' | 'updatedAt' | 'lastSoldAt'>): Promise<boolean> {
    const updated = await this.table.update<CatalogEntry>(
      entryKey(entry.skuId),
      setFields(
        { ...entry, status: 'active', updatedAt: entry.publishedAt },
        { condition: 'attribute_not_exists(#revision) OR #revision <= :revision', names: names('revision'), values: { ':revision': entry.revision } },
      ),
    );
    return updated !== undefined;
  }

  /** An order of the SKU was placed at `placedAt`; the latest sale counts, whatever order events arrive in. */
  async recordSale(skuId: string, placedAt: string): Promise<void> {
    await this.table.update(entryKey(skuId), {
      UpdateExpression: 'SET lastSoldAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastSoldAt) OR lastSoldAt < :at)',
      ExpressionAttributeValues: { ':at': placedAt },
    });
  }

  async reprice(skuId: string, priceFen: number, at: string): Promise<CatalogEntry | undefined> {
    return this.table.update<CatalogEntry>(entryKey(skuId), {
      UpdateExpression: 'SET priceFen = :price, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':price': priceFen, ':at': at },
    });
  }

  async delist(skuId: string, at: string): Promise<CatalogEntry | undefined> {
    return this.table.update<CatalogEntry>(entryKey(skuId), {
      UpdateExpression: 'SET #status = :delisted, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: { ':delisted': 'delisted', ':at': at },
    });
  }
}
