import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OrderDeliveredDetail } from '../../../events/order-delivered';
import { documents } from '../../../shared/aws';
import { eventHandler } from '../../../shared/handlers/event';
import { recordsTable } from '../records';

/**
 * OrderDelivered → the order's delivery time, which starts the 7-day no-reason window. Kept from the
 * first delivery event (redeliveries change nothing), even if it arrives before the order itself.
 */
export const handler = eventHandler(OrderDeliveredDetail, async ({ orderId, deliveredAt }) => {
  await documents().send(
    new UpdateCommand({
      TableName: recordsTable(),
      Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
      UpdateExpression: 'SET deliveredAt = if_not_exists(deliveredAt, :at), orderId = if_not_exists(orderId, :id)',
      ExpressionAttributeValues: { ':at': deliveredAt, ':id': orderId },
    }),
  );
  return { orderId, deliveredAt };
});
