import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { documents } from '../../../shared/aws';
import { HOUR, addMs, nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { orderRoutingPolicy } from '../../order-routing/policy';
import { recordsTable } from '../../order-routing/records';
import { StockOutState } from '../state';

const State = StockOutState.extend({
  restock: z.object({ allocations: z.array(z.object({ locationId: z.string(), skuId: z.string(), quantity: z.number().int() })).min(1) }),
});

/** The restock is reserved for this order: ship it first, due within 24 hours (business rules §3). */
export const handler = taskHandler(State, async (state) => {
  const now = nowIso();
  const shipBy = addMs(now, orderRoutingPolicy.restockShipWithinHours * HOUR);
  await documents().send(
    new PutCommand({
      TableName: recordsTable(),
      Item: { pk: `ORDER#${state.orderId}`, sk: 'SHIPPING#priority', priority: true, requestedAt: now, shipBy, allocations: state.restock.allocations },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  ).catch((error: Error) => {
    if (error.name !== 'ConditionalCheckFailedException') throw error;
  });
  return { resolution: 'shipped-after-restock', shipBy, allocations: state.restock.allocations };
});
