import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { documents, stepFunctions } from '../../../shared/aws';
import { taskHandler } from '../../../shared/handlers/task';
import { recordsTable } from '../../order-routing/records';

const Input = z.object({ taskToken: z.string().min(1), refundId: z.string().min(1) });

/**
 * Waits for ReturnReceived. The goods may have arrived before the flow got here: the receipt is
 * recorded by the event's handler, and this step finds it. Each side writes, then reads the
 * other's record, so whichever comes second resumes the flow.
 */
export const handler = taskHandler(Input, async ({ taskToken, refundId }) => {
  const table = recordsTable();
  await documents().send(new PutCommand({ TableName: table, Item: { pk: `REFUND#${refundId}`, sk: 'RETURN-WAIT', taskToken } }));
  const { Item } = await documents().send(new GetCommand({ TableName: table, Key: { pk: `REFUND#${refundId}`, sk: 'RETURN' }, ConsistentRead: true }));
  if (Item?.receivedAt) {
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ receivedAt: Item.receivedAt }) }));
  }
  return { waiting: !Item?.receivedAt };
});
