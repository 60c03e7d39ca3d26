import type { DynamoTable } from '../dynamo';
import { orderPartition } from './orders';
import { GSI1, recordsTable } from './table';

/**
 * Orders whose stock-out flow waits for a restock, one item per SKU they wait for. They stay until
 * the flow has been resumed, so a stock event redelivered after a crash between the reservation
 * and the resume still resumes it (the reservation itself is made once, see `inventory.ts`).
 *
 * Items (pk / sk):
 * - `ORDER#<orderId>` / `RESTOCK-WAIT#<skuId>`: `skus` (every SKU the order waits for) and the
 *   flow's `taskToken` (never logged). Index gsi1: `RESTOCK-WAITING#<skuId>` / `<placedAt>#<orderId>`
 *   (the orders waiting for a SKU, oldest first).
 */

export interface RestockWait {
  orderId: string;
  skus: string[];
  taskToken: string;
}

const waitKey = (orderId: string, skuId: string) => ({ pk: orderPartition(orderId), sk: `RESTOCK-WAIT#${skuId}` });
const waitingFor = (skuId: string) => `RESTOCK-WAITING#${skuId}`;

export class RestockWaits {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  /** One item per SKU; registering again (a retried wait with a new token) replaces the token. */
  async register(orderId: string, placedAt: string, skus: string[], taskToken: string): Promise<void> {
    for (const skuId of skus) {
      await this.table.put({ ...waitKey(orderId, skuId), orderId, skus, taskToken, gsi1pk: waitingFor(skuId), gsi1sk: `${placedAt}#${orderId}` });
    }
  }

  /** The orders waiting for a SKU, oldest first. */
  async waitingFor(skuId: string): Promise<RestockWait[]> {
    return this.table.queryAll<RestockWait>({
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :sku',
      ExpressionAttributeValues: { ':sku': waitingFor(skuId) },
    });
  }

  /** The flow was resumed: it no longer waits for any of its SKUs. */
  async remove(orderId: string, skus: string[]): Promise<void> {
    for (const skuId of skus) await this.table.delete(waitKey(orderId, skuId));
  }
}
