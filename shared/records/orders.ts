import { names, setFields, type DynamoTable } from '../dynamo';
import { recordsTable } from './table';

/**
 * Orders in the Records table: the order as placed (without personal data), how it was routed,
 * and what later flows did to it. Written by order routing, stock-out, refunds and complaints;
 * read by refunds, complaints and (later) member callbacks.
 *
 * Items (pk / sk):
 * - `ORDER#<orderId>` / `ORDER`: the order's fields, `routing` and `status` once routed,
 *   `deliveredAt` from OrderDelivered. Fields are set only where missing, because OrderDelivered
 *   may create the item before OrderPlaced is routed (events arrive in any order). No index: every
 *   reader knows the order id, and an index entry would cost each order a second write of the
 *   whole item (an index with projection ALL is written at the item's size, `npm run bench`).
 *   Kept under 1 KB for a usual order (one write unit): the routing's announcement is not stored,
 *   the Route step builds it again from the result.
 * - `ORDER#<orderId>` / `REFUNDED#<refundId>`: the lines an approved refund gave back.
 * - `ORDER#<orderId>` / `RESHIP#<caseId>`: new goods sent for an exchange or a complaint, once per case.
 * - `ORDER#<orderId>` / `EXCHANGE`: the stock-out exchange the customer took.
 * - `ORDER#<orderId>` / `CANCELLATION`: stock-out lines cancelled and refunded.
 * - `ORDER#<orderId>` / `SHIPPING#priority`: priority shipping after a restock, once per order.
 * The inventory's reservations of an order live under the same partition (see `inventory.ts`).
 */

export interface OrderLine {
  skuId: string;
  quantity: number;
  unitPriceFen: number;
}

/** OrderPlaced as the flows keep it: no address, no phone. */
export interface PlacedOrder {
  orderId: string;
  memberId: string;
  channel: string;
  placedAt: string;
  totalFen: number;
  lines: OrderLine[];
  [field: string]: unknown;
}

export interface RecordedOrder extends Partial<PlacedOrder> {
  orderId: string;
  routing?: unknown;
  status?: string;
  deliveredAt?: string;
}

export interface RefundedLines {
  refundId: string;
  lines: Array<{ skuId: string; quantity: number; amountFen: number }>;
  decidedAt: string;
}

type Lines = Array<{ skuId: string; quantity: number }>;

/** New goods: the lines of an exchange, or the parcel of a complaint's reship. */
export interface Reship {
  lines?: Lines;
  carrier?: string;
  trackingNumber?: string;
  requestedAt: string;
}

export interface Exchange {
  replacementSkuId: string;
  quantity: number;
  chargedFen: number;
  replaces: Lines;
  decidedBy?: string;
  at: string;
}

export interface Cancellation {
  lines: Lines;
  refundedFen: number;
  providerRefundId: string;
  at: string;
}

export interface PriorityShipping {
  requestedAt: string;
  shipBy: string;
  allocations: Array<{ locationId: string; skuId: string; quantity: number }>;
}

/** The partition of everything recorded about one order. */
export const orderPartition = (orderId: string) => `ORDER#${orderId}`;
const orderKey = (orderId: string) => ({ pk: orderPartition(orderId), sk: 'ORDER' });

/** Where an order's routing result lives (order-routing records its end pointing here, see FlowInstances). */
export const ROUTING_RESULT = { pkPrefix: orderPartition(''), sk: 'ORDER', path: 'routing.result' } as const;
const REFUNDED = 'REFUNDED#';

export class OrderRecords {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  async get(orderId: string): Promise<RecordedOrder | undefined> {
    return this.table.get<RecordedOrder>(orderKey(orderId));
  }

  /**
   * The order as placed and its routing, in one write (the order path writes its record once):
   * the order's fields only where missing, so an early OrderDelivered is kept.
   */
  async recordRouted(order: PlacedOrder, routing: unknown, status: string): Promise<void> {
    const placed = setFields(order, { ifMissing: true });
    await this.table.update(orderKey(order.orderId), {
      UpdateExpression: `${placed.UpdateExpression}, routing = :routing, #status = :status`,
      ExpressionAttributeNames: { ...placed.ExpressionAttributeNames, ...names('status') },
      ExpressionAttributeValues: { ...placed.ExpressionAttributeValues, ':routing': routing, ':status': status },
    });
  }

  /** The first delivery time counts; a redelivered event changes nothing. */
  async recordDelivered(orderId: string, deliveredAt: string): Promise<void> {
    await this.table.update(orderKey(orderId), {
      UpdateExpression: 'SET deliveredAt = if_not_exists(deliveredAt, :at), orderId = if_not_exists(orderId, :id)',
      ExpressionAttributeValues: { ':at': deliveredAt, ':id': orderId },
    });
  }

  /** What an approved refund gave back; the refund's own retry writes the same item again. */
  async recordRefunded(orderId: string, refunded: RefundedLines): Promise<void> {
    await this.table.put({ pk: orderPartition(orderId), sk: `${REFUNDED}${refunded.refundId}`, ...refunded });
  }

  /** Every refund recorded against the order, but the one named (a retry must not count itself). */
  async refundedLinesExcept(orderId: string, refundId: string): Promise<RefundedLines['lines']> {
    const items = await this.table.queryAll<RefundedLines & { sk: string }>({
      KeyConditionExpression: 'pk = :order AND begins_with(sk, :refunded)',
      ExpressionAttributeValues: { ':order': orderPartition(orderId), ':refunded': REFUNDED },
    });
    return items.filter((item) => item.sk !== `${REFUNDED}${refundId}`).flatMap((item) => item.lines ?? []);
  }

  /** New goods for a case (an exchange, a complaint); false when this case already reshipped. */
  async requestReship(orderId: string, caseId: string, reship: Reship): Promise<boolean> {
    return this.table.putOnce({ pk: orderPartition(orderId), sk: `RESHIP#${caseId}`, ...reship });
  }

  async recordExchange(orderId: string, exchange: Exchange): Promise<void> {
    await this.table.put({ pk: orderPartition(orderId), sk: 'EXCHANGE', ...exchange });
  }

  async recordCancellation(orderId: string, cancellation: Cancellation): Promise<void> {
    await this.table.put({ pk: orderPartition(orderId), sk: 'CANCELLATION', ...cancellation });
  }

  /** False when priority shipping was requested already (a retried step). */
  async requestPriorityShipping(orderId: string, shipping: PriorityShipping): Promise<boolean> {
    return this.table.putOnce({ pk: orderPartition(orderId), sk: 'SHIPPING#priority', priority: true, ...shipping });
  }
}
