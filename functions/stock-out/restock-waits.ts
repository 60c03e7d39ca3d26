import { SendTaskSuccessCommand, InvalidToken, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, stepFunctions } from '../../shared/aws';
import type { InventoryRepository } from '../../shared/inventory/repository';
import { logger } from '../../shared/logger';
import { recordsTable } from '../order-routing/records';

/**
 * Orders whose stock-out flow waits for a restock, one item per SKU they wait for, indexed by SKU.
 * They stay until the flow has been resumed, so a stock event redelivered after a crash between
 * the reservation and the resume still resumes it (the reservation itself is made once).
 */
const key = (orderId: string, skuId: string) => ({ pk: `ORDER#${orderId}`, sk: `RESTOCK-WAIT#${skuId}` });

export async function registerRestockWait(orderId: string, placedAt: string, skus: string[], taskToken: string): Promise<void> {
  for (const skuId of skus) {
    await documents().send(
      new PutCommand({
        TableName: recordsTable(),
        Item: { ...key(orderId, skuId), orderId, skus, taskToken, gsi1pk: `RESTOCK-WAITING#${skuId}`, gsi1sk: `${placedAt}#${orderId}` },
      }),
    );
  }
}

/** Resumes, oldest first, every order waiting for this SKU whose lines are now all reserved. */
export async function resumeRestockedOrders(inventory: InventoryRepository, skuId: string): Promise<number> {
  const { Items = [] } = await documents().send(
    new QueryCommand({
      TableName: recordsTable(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :sku',
      ExpressionAttributeValues: { ':sku': `RESTOCK-WAITING#${skuId}` },
    }),
  );
  let resumed = 0;
  for (const wait of Items) {
    if (await resumeIfReserved(inventory, wait.orderId, wait.skus, wait.taskToken)) resumed++;
  }
  return resumed;
}

/** Resumes the waiting flow when every SKU it waits for is reserved; true when it did. */
export async function resumeIfReserved(inventory: InventoryRepository, orderId: string, skus: string[], taskToken: string): Promise<boolean> {
  const reservation = await inventory.reservationOf(orderId);
  const reserved = new Set(reservation?.allocations.map((a) => a.skuId));
  if (!skus.every((sku) => reserved.has(sku))) return false;
  try {
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ allocations: reservation?.allocations ?? [] }) }));
  } catch (error) {
    // Resumed already (a concurrent restock of another line), or the flow stopped waiting: its own
    // timeout path cancels the order and releases the stock.
    if (!(error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken)) throw error;
  }
  for (const sku of skus) await documents().send(new DeleteCommand({ TableName: recordsTable(), Key: key(orderId, sku) }));
  logger.info('restocked order resumed', { orderId });
  return true;
}
