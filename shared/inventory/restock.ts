import { logger } from '../logger';
import { InventoryRepository } from '../records/inventory';
import { RestockWaits } from '../records/restock-waits';
import { resumeFlow } from '../resume-flow';

/**
 * How an order waiting for a restock hears that its stock is reserved (business rules §3). The
 * stock-out flow records its wait before it joins the waitlists; whoever sees every line reserved
 * resumes it: the wait itself (stock was already there) or the applier of a StockReceived.
 */

/** Resumes, oldest first, every order waiting for this SKU whose lines are now all reserved. */
export async function resumeRestockedOrders(skuId: string, inventory = new InventoryRepository(), waits = new RestockWaits()): Promise<number> {
  let resumed = 0;
  for (const wait of await waits.waitingFor(skuId)) {
    if (await resumeIfReserved(wait.orderId, wait.skus, wait.taskToken, inventory, waits)) resumed++;
  }
  return resumed;
}

/** Resumes the waiting flow when every SKU it waits for is reserved; true when it did. */
export async function resumeIfReserved(
  orderId: string,
  skus: string[],
  taskToken: string,
  inventory = new InventoryRepository(),
  waits = new RestockWaits(),
): Promise<boolean> {
  const reservation = await inventory.reservationOf(orderId);
  const reserved = new Set(reservation?.allocations.map((a) => a.skuId));
  if (!skus.every((sku) => reserved.has(sku))) return false;
  // Not resumed means resumed already (a concurrent restock of another line), or the flow stopped
  // waiting: its own timeout path cancels the order and releases the stock.
  await resumeFlow(taskToken, { allocations: reservation?.allocations ?? [] });
  await waits.remove(orderId, skus);
  logger.info('restocked order resumed', { orderId });
  return true;
}
