import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { OrderShippedDetail, type OrderShippedDetail as Shipped } from '../../../events/order-shipped';
import { documents } from '../../../shared/aws';
import { logger } from '../../../shared/logger';
import { eventHandler } from '../../../shared/handlers/event';
import { notify } from '../../../shared/notifications/send';
import { recordsTable } from '../records';

/** OrderShipped → the shipping notice with carrier and tracking number, once per parcel. */
export async function sendShippingNotice(shipped: Shipped) {
  const { Item: order } = await documents().send(new GetCommand({ TableName: recordsTable(), Key: { pk: `ORDER#${shipped.orderId}`, sk: 'ORDER' } }));
  if (!order) {
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
