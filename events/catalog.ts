import { ComplaintFiled } from './complaint-filed';
import { ListingSubmitted } from './listing-submitted';
import { OrderDelivered } from './order-delivered';
import { OrderPlaced } from './order-placed';
import { OrderShipped } from './order-shipped';
import { RefundRequested } from './refund-requested';
import { ReturnReceived } from './return-received';
import { StockReceived } from './stock-received';
import { TaskEscalated } from './task-escalated';
import { OrderRouted } from './order-routed';
import { StockOutDetected } from './stock-out-detected';
import { RefundDecided } from './refund-decided';
import { RefundPaid } from './refund-paid';
import { AftersalesCompleted } from './aftersales-completed';
import { ListingPublished } from './listing-published';
import { ListingRejected } from './listing-rejected';
import { SkuSlowMoving } from './sku-slow-moving';
import { MemberTierChanged } from './member-tier-changed';
import { CallbackCompleted } from './callback-completed';
import { MemberRecalled } from './member-recalled';

export { sources, type Source } from './sources';

/** Every platform event contract on the `shop-platform` bus. */
export const catalog = [
  ListingSubmitted,
  OrderPlaced,
  OrderShipped,
  OrderDelivered,
  StockReceived,
  RefundRequested,
  ReturnReceived,
  ComplaintFiled,
  TaskEscalated,
  OrderRouted,
  StockOutDetected,
  RefundDecided,
  RefundPaid,
  AftersalesCompleted,
  ListingRejected,
  ListingPublished,
  SkuSlowMoving,
  MemberTierChanged,
  CallbackCompleted,
  MemberRecalled,
] as const;

export type CatalogContract = (typeof catalog)[number];

/** `shop.orders@OrderPlaced`: also the schema file name and the registry name. */
export const contractKey = (source: string, detailType: string): string => `${source}@${detailType}`;

const byKey = new Map<string, CatalogContract>(catalog.map((c) => [contractKey(c.source, c.detailType), c]));

export function findContract(source: string, detailType: string): CatalogContract | undefined {
  return byKey.get(contractKey(source, detailType));
}

/** Detail paths a logger or audit copy must redact for this event (empty when it carries none). */
export function personalDataPaths(source: string, detailType: string): readonly string[] {
  return findContract(source, detailType)?.personalData ?? [];
}
