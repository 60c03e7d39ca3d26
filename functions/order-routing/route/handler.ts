import * as z from 'zod';
import { OrderRouted } from '../../../events/order-routed';
import { StockOutDetected } from '../../../events/stock-out-detected';
import { nowIso } from '../../../shared/clock';
import { InsufficientStockError, ValidationError } from '../../../shared/errors';
import { Catalog } from '../../../shared/records/catalog';
import { InventoryRepository } from '../../../shared/records/inventory';
import { OrderRecords } from '../../../shared/records/orders';
import { logger } from '../../../shared/logger';
import { taskHandler } from '../../../shared/handlers/task';
import { MemberContacts } from '../../../shared/records/contacts';
import { PersonalData } from '../../../shared/records/personal-data';
import { loadLocations } from '../locations';
import { orderRoutingPolicy } from '../policy';
import { chooseFulfilment, highValueHandling, type RoutingDecision } from '../rules';

/** Loaded once per cold start: the locations are reference data. */
const locations = loadLocations();
const RESERVE_ATTEMPTS = 3;

/** The order as the intake passes it: OrderPlaced without its personal data (see personalDataRef). */
const Input = z.looseObject({
  orderId: z.string().min(1),
  memberId: z.string().min(1),
  channel: z.string(),
  placedAt: z.string(),
  totalFen: z.number().int().nonnegative(),
  lines: z.array(z.object({ skuId: z.string().min(1), quantity: z.number().int().positive(), unitPriceFen: z.number().int().nonnegative() })).min(1),
  personalDataRef: z.string().min(1),
});
type Order = z.infer<typeof Input>;

/**
 * Chooses where the order ships from and reserves every line there in one transaction. Stock can
 * change between the choice and the reservation (other orders, restocks): then it chooses again
 * with fresh numbers. A duplicate or retried run finds the reservation and returns what it decided.
 */
export const handler = taskHandler(Input, async (order) => {
  const orders = new OrderRecords();
  const existing = (await orders.get(order.orderId))?.routing as Routing | undefined;
  if (existing) return withAnnouncement(order, existing);
  const shipTo = await personalData(order);
  // Kept for the flows that come later (refunds, callbacks), without the personal data reference,
  // in the same write as the routing.
  const { personalDataRef: _ref, ...placed } = order;

  const inventory = new InventoryRepository();
  for (let attempt = 1; ; attempt++) {
    const decision = await decide(order, shipTo, inventory);
    if (decision.outcome === 'routed') {
      try {
        await inventory.reserve(order.orderId, decision.allocations);
      } catch (error) {
        if (error instanceof InsufficientStockError && attempt < RESERVE_ATTEMPTS) continue;
        throw error;
      }
    }
    const routing = describe(order, decision);
    await orders.recordRouted(placed, routing, decision.outcome);
    logger.info('order routed', { orderId: order.orderId, outcome: decision.outcome, rule: decision.rule, locationId: decision.locationId });
    return withAnnouncement(order, routing);
  }
});

async function decide(order: Order, shipTo: { lat: number; lng: number }, inventory: InventoryRepository): Promise<RoutingDecision> {
  const skus = new Set(order.lines.map((l) => l.skuId));
  const stock = new Map<string, Map<string, number>>();
  for (const skuId of skus) stock.set(skuId, await inventory.available(skuId));
  const catalog = await new Catalog().entries(skus);
  return chooseFulfilment({
    lines: order.lines,
    shipTo,
    locations,
    available: (skuId, locationId) => stock.get(skuId)?.get(locationId) ?? 0,
    policy: orderRoutingPolicy,
    delisted: (skuId) => catalog.get(skuId)?.status === 'delisted',
  });
}

/**
 * What the order's record keeps of the routing: the flow's result, when it was decided and, for
 * a stock-out, the lines no location could serve. The announcement is built from it and the
 * order (`withAnnouncement`), so a retried step announces the very same event and the record
 * stays under one write unit.
 */
interface Routing {
  result: ReturnType<typeof resultOf>;
  /** When the flow records its end (an Express machine's only record of its times). */
  decidedAt: string;
  unservedLines?: RoutingDecision['unservedLines'];
}

function resultOf(order: Order, decision: RoutingDecision) {
  const handling = highValueHandling(order.totalFen, orderRoutingPolicy);
  return {
    outcome: decision.outcome,
    locationId: decision.locationId ?? null,
    rule: decision.rule,
    reason: decision.reason,
    candidates: decision.candidates,
    allocations: decision.allocations,
    highValue: handling.highValue,
    giftPackaging: handling.giftPackaging,
    freeSample: handling.freeSample,
    priorityQc: handling.priorityQc,
    ...(handling.note ? { note: handling.note } : {}),
  };
}

function describe(order: Order, decision: RoutingDecision): Routing {
  return { result: resultOf(order, decision), decidedAt: nowIso(), ...(decision.outcome === 'stock-out' ? { unservedLines: decision.unservedLines } : {}) };
}

/** The flow's result and the event to announce: ids, places and reasons only, no personal data. */
function withAnnouncement(order: Order, { result, decidedAt, unservedLines }: Routing) {
  // A refused order announces nothing: no stock was reserved or is missing.
  if (result.outcome === 'refused') return { result, decidedAt };
  const announcement =
    result.outcome === 'routed'
      ? OrderRouted.parse({
          orderId: order.orderId,
          memberId: order.memberId,
          totalFen: order.totalFen,
          rule: result.rule,
          reason: result.reason,
          allocations: result.allocations,
          highValue: result.highValue,
          routedAt: decidedAt,
        })
      : StockOutDetected.parse({
          orderId: order.orderId,
          memberId: order.memberId,
          placedAt: order.placedAt,
          totalFen: order.totalFen,
          lines: order.lines,
          unservedLines: unservedLines ?? order.lines,
          detectedAt: decidedAt,
        });
  return { result, announcement, decidedAt };
}

/** Reads the address (and phone) the intake kept out of the execution; keeps the phone for notifications. */
async function personalData(order: Order): Promise<{ lat: number; lng: number }> {
  const detail = await new PersonalData().read(order.personalDataRef);
  const shipTo = detail?.shipTo as { lat?: number; lng?: number } | undefined;
  if (typeof shipTo?.lat !== 'number' || typeof shipTo.lng !== 'number') {
    throw new ValidationError('order has no delivery address', [{ field: 'shipTo', message: 'shipTo with lat and lng is required to route an order' }]);
  }
  if (typeof detail?.phone === 'string') {
    await new MemberContacts().savePhone(order.memberId, detail.phone);
  }
  return { lat: shipTo.lat, lng: shipTo.lng };
}
