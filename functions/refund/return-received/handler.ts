import { SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, InvalidToken } from '@aws-sdk/client-sfn';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ReturnReceivedDetail } from '../../../events/return-received';
import { documents, stepFunctions } from '../../../shared/aws';
import { logger } from '../../../shared/logger';
import { eventHandler } from '../../../shared/handlers/event';
import { recordsTable } from '../../order-routing/records';

/** ReturnReceived → the receipt (first one counts), and the waiting refund flow resumes. */
export const handler = eventHandler(ReturnReceivedDetail, async ({ refundId, receivedAt }) => {
  const table = recordsTable();
  const { Attributes } = await documents().send(
    new UpdateCommand({
      TableName: table,
      Key: { pk: `REFUND#${refundId}`, sk: 'RETURN' },
      UpdateExpression: 'SET receivedAt = if_not_exists(receivedAt, :at)',
      ExpressionAttributeValues: { ':at': receivedAt },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const { Item: waiting } = await documents().send(new GetCommand({ TableName: table, Key: { pk: `REFUND#${refundId}`, sk: 'RETURN-WAIT' }, ConsistentRead: true }));
  if (!waiting?.taskToken) return { resumed: false };
  try {
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken: waiting.taskToken, output: JSON.stringify({ receivedAt: Attributes?.receivedAt ?? receivedAt }) }));
  } catch (error) {
    // Already resumed (the flow found the receipt itself) or no longer waiting: nothing to do.
    if (!(error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken)) throw error;
    return { resumed: false };
  }
  logger.info('return received', { refundId });
  return { resumed: true };
});
