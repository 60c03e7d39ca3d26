/**
 * The numbers of the stock-out flow (business rules §3). Values marked **default** are ours, not
 * the source documents': change them here, not in the flow.
 */
export interface StockOutPolicy {
  /** Customer service contacts the customer within this many hours, then ops-lead takes over. */
  readonly contactWithinHours: number;
  /** A customer who does not choose within this many hours gets the lines cancelled and refunded. */
  readonly decisionWithinHours: number;
  /** The exchange product is offered at this percentage of its price. */
  readonly exchangePricePercent: number;
  /** The customer has this many hours to answer an exchange offer. */
  readonly exchangeOfferHours: number;
  /** Waiting orders ship within this many hours after the restock arrives. */
  readonly restockShipWithinHours: number;
  /** An order waits this many days for its restock, then its lines are cancelled and refunded. */
  readonly restockWaitDays: number;
}

export const stockOutPolicy: StockOutPolicy = Object.freeze({
  // §3: "Contact the customer within 1 hour".
  contactWithinHours: 1,
  // §3: "does not answer within 48 hours (**default**)".
  decisionWithinHours: 48,
  // §3: "exchange to another product with an extra 10% off (90% of its price)".
  exchangePricePercent: 90,
  // §3: the offer needs an answer (**default**: 24 hours).
  exchangeOfferHours: 24,
  // §3: "priority shipping within 24 hours after the restock arrives".
  restockShipWithinHours: 24,
  // §3: how long a customer who chose to wait may wait (**default**).
  restockWaitDays: 30,
});
