import * as z from 'zod';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { OrderRecords } from '../../../shared/records/orders';
import { stockOutPolicy } from '../policy';
import { priorityShipBy } from '../rules';
import { StockOutState } from '../state';

const State = StockOutState.extend({
  restock: z.object({ allocations: z.array(z.object({ locationId: z.string(), skuId: z.string(), quantity: z.number().int() })).min(1) }),
});

/** The restock is reserved for this order: ship it first, due within 24 hours (business rules §3). */
export const handler = taskHandler(State, async (state) => {
  const now = nowIso();
  const shipBy = priorityShipBy(now, stockOutPolicy);
  await new OrderRecords().requestPriorityShipping(state.orderId, { requestedAt: now, shipBy, allocations: state.restock.allocations });
  return { resolution: 'shipped-after-restock', shipBy, allocations: state.restock.allocations };
});
