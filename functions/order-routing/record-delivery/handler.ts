import { OrderDeliveredDetail } from '../../../events/order-delivered';
import { eventHandler } from '../../../shared/handlers/event';
import { OrderRecords } from '../../../shared/records/orders';

/**
 * OrderDelivered → the order's delivery time, which starts the 7-day no-reason window. Kept from the
 * first delivery event (redeliveries change nothing), even if it arrives before the order itself.
 */
export const handler = eventHandler(OrderDeliveredDetail, async ({ orderId, deliveredAt }) => {
  await new OrderRecords().recordDelivered(orderId, deliveredAt);
  return { orderId, deliveredAt };
});
