import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { stepFunctions } from '../../../shared/aws';
import { logger } from '../../../shared/logger';
import { taskHandler } from '../../../shared/middleware';
import { inventory } from '../deps';

const Input = z.object({
  taskToken: z.string().min(1),
  orderId: z.string().min(1),
  placedAt: z.string().min(1),
  unservedLines: z.array(z.object({ skuId: z.string().min(1), quantity: z.number().int().positive() })).min(1),
});

/**
 * Waits for the restock of every unserved line. Stock that arrived before the flow got here is
 * reserved at once (nothing is lost); otherwise the order joins the SKU's waitlist, oldest order
 * first, and the stock applier resumes the flow once every line is reserved.
 */
export const handler = taskHandler(Input, async ({ taskToken, orderId, placedAt, unservedLines }) => {
  const repository = inventory();
  const skus = unservedLines.map((line) => line.skuId);
  let waiting = 0;
  for (const line of unservedLines) {
    const joined = await repository.joinWaitlist({ orderId, skuId: line.skuId, quantity: line.quantity, placedAt, callback: { taskToken, skus } });
    if ('waiting' in joined) waiting++;
  }
  logger.info('waiting for restock', { orderId, lines: unservedLines.length, waiting });
  if (waiting === 0) {
    const reservation = await repository.reservationOf(orderId);
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ allocations: reservation?.allocations ?? [] }) }));
  }
  return { waiting };
});
