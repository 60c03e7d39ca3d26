import { OrderPlacedDetail } from '../../../events/order-placed';
import { eventHandler } from '../../../shared/handlers/event';
import { Catalog } from '../../../shared/records/catalog';

/** OrderPlaced → each line's SKU sold at `placedAt`: what the slow-moving check counts. */
export const handler = eventHandler(OrderPlacedDetail, async ({ lines, placedAt }) => {
  const catalog = new Catalog();
  for (const skuId of new Set(lines.map((line) => line.skuId))) await catalog.recordSale(skuId, placedAt);
  return { skus: lines.length };
});
