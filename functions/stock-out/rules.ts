import { HOUR, addMs } from '../../shared/clock';
import { percentOf, type Fen } from '../../shared/money';
import type { StockOutPolicy } from './policy';

// Pure stock-out rules (business rules §3): no I/O, so every decision can be replayed from its input.

export interface OrderLine {
  skuId: string;
  quantity: number;
  unitPriceFen: Fen;
}

export interface UnservedLine {
  skuId: string;
  quantity: number;
}

/** What the unserved lines cost the customer: the amount a cancellation refunds in full. */
export function unservedAmountFen(lines: OrderLine[], unservedLines: UnservedLine[]): Fen {
  return unservedLines.reduce((total, unserved) => {
    const line = lines.find((l) => l.skuId === unserved.skuId);
    if (!line) throw new Error(`unserved SKU ${unserved.skuId} is not a line of the order`);
    return total + line.unitPriceFen * unserved.quantity;
  }, 0);
}

/** The replacement for every unserved unit, at the exchange price (90 % of its list price). */
export function exchangeOffer(replacementPriceFen: Fen, unservedLines: UnservedLine[], policy: Pick<StockOutPolicy, 'exchangePricePercent'>) {
  const quantity = unservedLines.reduce((sum, line) => sum + line.quantity, 0);
  const listPriceFen = replacementPriceFen * quantity;
  return { quantity, listPriceFen, chargedFen: percentOf(listPriceFen, policy.exchangePricePercent) };
}

/** Restocked orders ship first, due this long after the restock reached them. */
export function priorityShipBy(restockedAt: string, policy: Pick<StockOutPolicy, 'restockShipWithinHours'>): string {
  return addMs(restockedAt, policy.restockShipWithinHours * HOUR);
}

/** Why the lines were cancelled: the customer said so, or nobody chose within the decision window. */
export function cancellationReason(contact: { outcome: string; decidedBy: string } | undefined, policy: Pick<StockOutPolicy, 'decisionWithinHours'>): string {
  return contact?.outcome === 'cancel' && contact.decidedBy !== 'system' ? 'the customer cancelled' : `no decision within ${policy.decisionWithinHours} hours`;
}
