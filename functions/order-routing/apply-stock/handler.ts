import { StockReceivedDetail } from '../../../events/stock-received';
import { eventHandler } from '../../../shared/handlers/event';
import { resumeRestockedOrders } from '../../../shared/inventory/restock';
import { logger } from '../../../shared/logger';
import { InventoryRepository } from '../../../shared/records/inventory';

/**
 * StockReceived → the shared inventory, once per event. Orders waiting for the SKU are reserved
 * first, oldest first, in the same step; orders whose every line is now reserved have their
 * stock-out flow resumed (also on a redelivered event, should an earlier run have stopped short).
 */
export const handler = eventHandler(StockReceivedDetail, async (receipt) => {
  const inventory = new InventoryRepository();
  const { applied, fulfilledWaiters } = await inventory.applyStockReceived(receipt);
  const resumed = await resumeRestockedOrders(receipt.skuId, inventory);
  logger.info('stock received', { skuId: receipt.skuId, locationId: receipt.locationId, quantity: receipt.quantity, applied, served: fulfilledWaiters.length, resumed });
  return { applied, served: fulfilledWaiters.length, resumed };
});
