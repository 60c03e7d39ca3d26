/**
 * The numbers of the order-routing and stock-out flows (business rules §2 and §3). Values marked
 * **default** are ours, not the source documents': change them here, not in the flows.
 */
export interface OrderRoutingPolicy {
  /** A store ships an order only to addresses within this distance. */
  readonly storeRadiusKm: number;
  /** Orders strictly above this total are high value (gift packaging, free sample, priority QC). */
  readonly highValueThresholdFen: number;
  /** Waiting orders ship within this many hours after the restock arrives. */
  readonly restockShipWithinHours: number;
  /** A customer who does not choose within this many hours gets the line cancelled and refunded. */
  readonly stockOutDecisionHours: number;
  /** The exchange product is offered at this percentage of its price. */
  readonly exchangeDiscountPercent: number;
}

export const orderRoutingPolicy: OrderRoutingPolicy = Object.freeze({
  // §2: "the nearest store within 50 km of the delivery address" (**default**: the radius is ours).
  storeRadiusKm: 50,
  // §2: "High-value order (total > 500 yuan)" — 500 yuan in fen; exactly 500 yuan is not high value.
  highValueThresholdFen: 50_000,
  // §3: "priority shipping within 24 hours after the restock arrives".
  restockShipWithinHours: 24,
  // §3: "does not answer within 48 hours (**default**)".
  stockOutDecisionHours: 48,
  // §3: "exchange to another product with an extra 10% off (90% of its price)".
  exchangeDiscountPercent: 90,
});
