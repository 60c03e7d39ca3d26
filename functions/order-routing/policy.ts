/**
 * The numbers of the order-routing flow (business rules §2). Values marked **default** are ours,
 * not the source documents': change them here, not in the flow.
 */
export interface OrderRoutingPolicy {
  /** A store ships an order only to addresses within this distance. */
  readonly storeRadiusKm: number;
  /** Orders strictly above this total are high value (gift packaging, free sample, priority QC). */
  readonly highValueThresholdFen: number;
  /** The order confirmation promises shipping within this many hours. */
  readonly shipWithinHours: number;
  /** High-value orders get priority QC first, so their confirmation promises this many hours. */
  readonly highValueShipWithinHours: number;
}

export const orderRoutingPolicy: OrderRoutingPolicy = Object.freeze({
  // §2: "the nearest store within 50 km of the delivery address" (**default**: the radius is ours).
  storeRadiusKm: 50,
  // §2: "High-value order (total > 500 yuan)" — 500 yuan in fen; exactly 500 yuan is not high value.
  highValueThresholdFen: 50_000,
  // §2: the confirmation states the expected ship time (**default**: 24 hours).
  shipWithinHours: 24,
  // §2: priority QC comes before shipping (**default**: 48 hours).
  highValueShipWithinHours: 48,
});
