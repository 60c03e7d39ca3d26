import { StockReceivedDetail } from '../../../events/stock-received';
import { eventHandler } from '../../../shared/handlers/event';
import { InventoryRepository } from '../../../shared/inventory/repository';
import { logger } from '../../../shared/logger';
import { resumeRestockedOrders } from '../../stock-out/restock-waits';
import { recordsTable } from '../records';

/**
 * StockReceived → the shared inventory, once per event. Orders waiting for the SKU are reserved
 * first, oldest first, in the same step; orders whose every line is now reserved have their
 * stock-out flow resumed (also on a redelivered event, should an earlier run have stopped short).
 */
export const handler = eventHandler(StockReceivedDetail, async (receipt) => {
  const inventory = new InventoryRepository({ table: recordsTable() });
  const { applied, fulfilledWaiters } = await inventory.applyStockReceived(receipt);
  const resumed = await resumeRestockedOrders(inventory, receipt.skuId);
  logger.info('stock received', { skuId: receipt.skuId, locationId: receipt.locationId, quantity: receipt.quantity, applied, served: fulfilledWaiters.length, resumed });
  return { applied, served: fulfilledWaiters.length, resumed };
});
