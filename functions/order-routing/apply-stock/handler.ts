import { SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { StockReceivedDetail } from '../../../events/stock-received';
import { stepFunctions } from '../../../shared/aws';
import { InventoryRepository, type ServedWaiter } from '../../../shared/inventory/repository';
import { logger } from '../../../shared/logger';
import { eventHandler } from '../../../shared/event-handler';
import { recordsTable } from '../records';

/**
 * StockReceived → the shared inventory, once per event. Orders waiting for the SKU are reserved
 * first, oldest first, in the same step; an order whose every line is now reserved has its
 * stock-out flow resumed.
 */
export const handler = eventHandler(StockReceivedDetail, async (receipt) => {
  const inventory = new InventoryRepository({ table: recordsTable() });
  const { applied, fulfilledWaiters } = await inventory.applyStockReceived(receipt);
  let resumed = 0;
  for (const waiter of fulfilledWaiters) {
    if (await resume(inventory, waiter)) resumed++;
  }
  logger.info('stock received', { skuId: receipt.skuId, locationId: receipt.locationId, quantity: receipt.quantity, applied, served: fulfilledWaiters.length, resumed });
  return { applied, served: fulfilledWaiters.length, resumed };
});

async function resume(inventory: InventoryRepository, waiter: ServedWaiter): Promise<boolean> {
  const { taskToken, skus } = waiter.callback as { taskToken: string; skus: string[] };
  // Resume only when every line the order waits for is reserved, not merely off a waitlist.
  const reservation = await inventory.reservationOf(waiter.orderId);
  const reserved = new Set(reservation?.allocations.map((a) => a.skuId));
  if (!skus.every((sku) => reserved.has(sku))) return false;
  try {
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ allocations: reservation?.allocations ?? [] }) }));
    return true;
  } catch (error) {
    if (!(error instanceof TaskTimedOut || error instanceof TaskDoesNotExist)) throw error;
    // The order stopped waiting (cancelled, timed out): give its units back to everyone else.
    await inventory.release(waiter.orderId);
    logger.warn('waiting order no longer waits; reservation released', { orderId: waiter.orderId });
    return false;
  }
}
