import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RefundRequestedDetail } from '../../../events/refund-requested';
import { documents } from '../../../shared/aws';
import { DAY, nowIso, nowMs } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { loadCatalog } from '../../catalog/catalog';
import { recordsTable } from '../../order-routing/records';
import { refundPolicy } from '../policy';
import { assessRefund, type PriorRefund, type RecordedOrder } from '../rules';
import { refundKey } from '../state';

const catalog = loadCatalog();

/**
 * Looks the request up against the order as recorded (lines paid, delivery time), the member's
 * refunds of the last 90 days and what this order already got back, and applies §4's rules.
 */
export const handler = taskHandler(RefundRequestedDetail, async (request) => {
  const table = recordsTable();
  const { Item: order } = await documents().send(new GetCommand({ TableName: table, Key: { pk: `ORDER#${request.orderId}`, sk: 'ORDER' } }));
  const since = new Date(nowMs() - refundPolicy.refundHistoryWindowDays * DAY).toISOString();
  const history = await documents().send(
    new QueryCommand({
      TableName: table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :member AND gsi1sk >= :since',
      ExpressionAttributeValues: { ':member': `REFUNDS#${request.memberId}`, ':since': `REFUND#${since}` },
    }),
  );
  const priorRefunds: PriorRefund[] = (history.Items ?? [])
    .filter((item) => item.refundId !== request.refundId && item.decision)
    .map((item) => ({ refundId: item.refundId, requestedAt: item.requestedAt, decision: item.decision, paidFen: item.paidFen ?? 0 }));
  const refunded = await documents().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :order AND begins_with(sk, :refunded)',
      ExpressionAttributeValues: { ':order': `ORDER#${request.orderId}`, ':refunded': 'REFUNDED#' },
    }),
  );
  const alreadyRefunded = (refunded.Items ?? []).filter((item) => item.sk !== `REFUNDED#${request.refundId}`).flatMap((item) => item.lines ?? []);
  const assessment = assessRefund({
    request,
    order: order?.lines ? (order as RecordedOrder) : undefined,
    catalog,
    priorRefunds,
    alreadyRefunded,
    now: nowIso(),
    policy: refundPolicy,
  });
  await documents().send(
    new PutCommand({
      TableName: table,
      Item: {
        ...refundKey(request.refundId),
        ...request,
        assessment,
        openedAt: nowIso(),
        gsi1pk: `REFUNDS#${request.memberId}`,
        gsi1sk: `REFUND#${request.requestedAt}`,
        gsi2pk: 'REFUNDS#open',
        gsi2sk: nowIso(),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  ).catch((error: Error) => {
    if (error.name !== 'ConditionalCheckFailedException') throw error;
  });
  return assessment;
});
