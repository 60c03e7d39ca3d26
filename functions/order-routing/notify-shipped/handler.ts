import { OrderShippedDetail, type OrderShippedDetail as Shipped } from '../../../events/order-shipped';
import { logger } from '../../../shared/logger';
import { eventHandler } from '../../../shared/handlers/event';
import { notify } from '../../../shared/notifications/send';
import { OrderRecords } from '../../../shared/records/orders';

/** OrderShipped → the shipping notice with carrier and tracking number, once per parcel. */
export async function sendShippingNotice(shipped: Shipped) {
  const order = await new OrderRecords().get(shipped.orderId);
  if (!order?.memberId) {
    // Shipped before routing recorded it (events may come out of order): fail so EventBridge retries.
    throw new Error(`order ${shipped.orderId} is not recorded yet`);
  }
  const status = await notify({
    key: shipped.orderId,
    type: 'shipping-notice',
    dedupeKey: shipped.trackingNumber,
    recipient: { memberId: order.memberId },
    data: { carrier: shipped.carrier, trackingNumber: shipped.trackingNumber },
  });
  logger.info('shipping notice', { orderId: shipped.orderId, status });
  return { status };
}

export const handler = eventHandler(OrderShippedDetail, sendShippingNotice);
