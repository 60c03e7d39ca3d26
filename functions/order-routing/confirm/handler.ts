import * as z from 'zod';
import { addMs, HOUR, nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { notify } from '../../../shared/notifications/send';
import { orderRoutingPolicy } from '../policy';

const Input = z.object({
  orderId: z.string().min(1),
  memberId: z.string().min(1),
  lines: z.array(z.object({ skuId: z.string(), quantity: z.number().int().positive() })),
  routing: z.object({ locationId: z.string().nullable().optional(), highValue: z.boolean() }),
});

/** Order confirmation: the items and the expected ship time (high-value orders get priority QC first). */
export const handler = taskHandler(Input, async ({ orderId, memberId, lines, routing }) => {
  const shipWithinHours = routing.highValue ? orderRoutingPolicy.highValueShipWithinHours : orderRoutingPolicy.shipWithinHours;
  const status = await notify({
    key: orderId,
    type: 'order-confirmation',
    recipient: { memberId },
    data: { items: lines.map(({ skuId, quantity }) => ({ skuId, quantity })), expectedShipBy: addMs(nowIso(), shipWithinHours * HOUR) },
    // The order-routing machine retries this step on every error (workflows/order-routing.ts).
  }, { retriedOnFailure: true });
  return { status };
});
