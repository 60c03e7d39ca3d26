import * as z from 'zod';
import { InventoryRepository } from '../../../shared/inventory/repository';
import { logger } from '../../../shared/logger';
import { taskHandler } from '../../../shared/handlers/task';
import { recordsTable } from '../../../shared/records/table';
import { registerRestockWait, resumeIfReserved } from '../restock-waits';

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
  const repository = new InventoryRepository({ table: recordsTable().name });
  const skus = unservedLines.map((line) => line.skuId);
  // Registered first: a restock landing while the lines join the waitlists finds this wait.
  await registerRestockWait(orderId, placedAt, skus, taskToken);
  for (const line of unservedLines) {
    await repository.joinWaitlist({ orderId, skuId: line.skuId, quantity: line.quantity, placedAt, callback: { skus } });
  }
  const resumed = await resumeIfReserved(repository, orderId, skus, taskToken);
  logger.info('waiting for restock', { orderId, lines: unservedLines.length, reservedAlready: resumed });
  return { waiting: !resumed };
});
