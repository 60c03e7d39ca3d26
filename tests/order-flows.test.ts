import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryRepository, stockKey } from '../shared/records/inventory';
import { outboxPartition } from '../shared/records/outbox';
import { refundPaymentKey } from '../shared/records/refund-payments';
import { addresses, orderPlaced } from '../events/samples';
import { executionArnFor } from '../shared/executions';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import type { Platform } from '../infra/local/engine/platform';
import { captureOutput, eventually, opsApi, startLocalPlatform, tableName } from './support';

let platform: Platform;
let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
let output: ReturnType<typeof captureOutput>;
const PHONE = '13912345678';

beforeAll(async () => {
  output = captureOutput();
  clients = await startLocalPlatform();
  platform = clients.platform;
  await put(
    ...[
      ['SKU-LJ-250', 'ST-SH-01', 5],
      ['SKU-LJ-250', 'WH-EAST', 10],
      ['SKU-LJ-250', 'ST-HZ-01', 3],
      ['SKU-LJ-500', 'WH-EAST', 4],
    ].map(([skuId, locationId, quantity]) => stock(String(skuId), String(locationId), Number(quantity))),
  );
});

afterAll(async () => {
  await platform?.stop();
  output?.restore();
});

const ops = { user: 'olivia', roles: ['ops-lead', 'cs-agent'] };
const agent = { user: 'carl', roles: ['cs-agent'] };

function stock(skuId: string, locationId: string, quantity: number, receivedAt = new Date(platform.clock.now()).toISOString()) {
  return { source: 'shop.inventory', type: 'StockReceived', detail: { skuId, locationId, quantity, receivedAt } };
}

function order(orderId: string, city: keyof typeof addresses, lines: Array<[string, number, number]>) {
  const detail = {
    ...orderPlaced,
    orderId,
    placedAt: new Date(platform.clock.now()).toISOString(),
    shipTo: { ...addresses[city] },
    phone: PHONE,
    lines: lines.map(([skuId, quantity, unitPriceFen]) => ({ skuId, quantity, unitPriceFen })),
    totalFen: lines.reduce((sum, [, quantity, price]) => sum + quantity * price, 0),
  };
  return { source: 'shop.orders', type: 'OrderPlaced', detail };
}

async function put(...events: Array<{ source: string; type: string; detail: unknown }>) {
  const result = await clients.events.send(
    new PutEventsCommand({ Entries: events.map((e) => ({ EventBusName: EVENT_BUS_NAME, Source: e.source, DetailType: e.type, Detail: JSON.stringify(e.detail) })) }),
  );
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

async function flow(name: string, key: string, status?: string) {
  return eventually(
    () => opsApi(platform, 'GET', `/flows/${name}/${key}`, ops),
    (r) => r.status === 200 && (status ? r.body.status === status : r.body.status !== 'RUNNING'),
    `${name} ${key} ${status ?? 'to finish'}`,
  ).then((r) => r.body);
}

async function stockLevel(skuId: string, locationId: string) {
  const { pk, sk } = stockKey(skuId, locationId);
  const { Item } = await clients.dynamo.send(
    new GetItemCommand({ TableName: tableName(platform, 'RecordsTable'), Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }),
  );
  return { onHand: Number(Item?.onHand?.N ?? 0), reserved: Number(Item?.reserved?.N ?? 0) };
}

async function openTask(kind: string, key: string) {
  return eventually(
    () => opsApi(platform, 'GET', `/tasks?businessKey=${key}&kind=${kind}`, ops),
    (r) => r.body?.items?.some((t: any) => t.status === 'open'),
    `an open ${kind} task for ${key}`,
  ).then((r) => r.body.items.find((t: any) => t.status === 'open'));
}

describe('order routing', () => {
  it('routes a Shanghai order to the nearest store, reserves it and says why', async () => {
    await put(order('ORD-SH-1', 'shanghai', [['SKU-LJ-250', 2, 29800]]));
    const done = await flow('order-routing', 'ORD-SH-1', 'SUCCEEDED');
    expect(done.result).toMatchObject({ outcome: 'routed', locationId: 'ST-SH-01', highValue: true, giftPackaging: true, priorityQc: true });
    expect(done.result.reason).toMatch(/ST-SH-01/);
    expect(done.result.candidates.map((c: any) => c.locationId)).toEqual(expect.arrayContaining(['ST-SH-01', 'WH-EAST', 'ST-HZ-01', 'ST-BJ-01']));
    expect(await stockLevel('SKU-LJ-250', 'ST-SH-01')).toEqual({ onHand: 5, reserved: 2 });
  });

  it('reserves nothing more for a duplicate OrderPlaced', async () => {
    await put(order('ORD-SH-1', 'shanghai', [['SKU-LJ-250', 2, 29800]]));
    await flow('order-routing', 'ORD-SH-1', 'SUCCEEDED');
    expect(await stockLevel('SKU-LJ-250', 'ST-SH-01')).toEqual({ onHand: 5, reserved: 2 });
  });

  it('decides nothing new when its Route step runs again (a retry, or a second Express execution): the same result and OrderRouted, the stock reserved once', async () => {
    const route = platform.model.functions.find((f) => f.logicalId.startsWith('OrderRoutingRoute'))!;
    const view = await flow('order-routing', 'ORD-SH-1', 'SUCCEEDED');
    const { shipTo: _shipTo, phone: _phone, ...placed } = order('ORD-SH-1', 'shanghai', [['SKU-LJ-250', 2, 29800]]).detail;
    const again = (await platform.lambdas.invoke(route.functionName, { ...placed, personalDataRef: 'PERSONAL#order-routing#ORD-SH-1' })) as any;
    expect(again.result).toEqual(view.result);
    expect(again.announcement).toEqual({
      orderId: 'ORD-SH-1',
      memberId: placed.memberId,
      totalFen: 59600,
      rule: view.result.rule,
      reason: view.result.reason,
      allocations: view.result.allocations,
      highValue: true,
      routedAt: view.stoppedAt,
    });
    expect(await stockLevel('SKU-LJ-250', 'ST-SH-01')).toEqual({ onHand: 5, reserved: 2 });
  });

  it('sends a Beijing order from the warehouse when the Beijing store has none, and a Hangzhou one from its store', async () => {
    await put(order('ORD-BJ-1', 'beijing', [['SKU-LJ-250', 1, 29800]]), order('ORD-HZ-1', 'hangzhou', [['SKU-LJ-250', 1, 29800]]));
    expect((await flow('order-routing', 'ORD-BJ-1', 'SUCCEEDED')).result).toMatchObject({ outcome: 'routed', locationId: 'WH-EAST', rule: 'warehouse', highValue: false });
    expect((await flow('order-routing', 'ORD-HZ-1', 'SUCCEEDED')).result).toMatchObject({ outcome: 'routed', locationId: 'ST-HZ-01', rule: 'nearest-store' });
  });

  it('confirms to the customer and sends the shipping notice through the outbox, never logging the phone', async () => {
    await put({ source: 'shop.orders', type: 'OrderShipped', detail: { orderId: 'ORD-SH-1', carrier: 'SF Express', trackingNumber: 'SF1234567890', shippedAt: new Date(platform.clock.now()).toISOString() } });
    const outbox = await eventually(
      () => clients.dynamo.send(new QueryCommand({ TableName: tableName(platform, 'RecordsTable'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: outboxPartition('ORD-SH-1') } } })),
      (r) => (r.Items ?? []).filter((i) => i.status?.S === 'sent').length === 2,
      'the confirmation and the shipping notice to be sent',
    );
    expect(outbox.Items!.map((i) => i.type.S).sort()).toEqual(['order-confirmation', 'shipping-notice']);
    const view = await flow('order-routing', 'ORD-SH-1', 'SUCCEEDED');
    const everything = [...output.printed, JSON.stringify(view), JSON.stringify(outbox.Items)].join('\n');
    expect(everything).not.toContain(PHONE);
    expect(everything).not.toContain(addresses.shanghai.district);
  });
});

describe('order routing on an EXPRESS machine', () => {
  const orderRouting = () => platform.model.stateMachines.find((m) => m.flow === 'order-routing')!;

  it('keeps no execution to list, describe or read the history of, as in AWS; ops still see the order from what the flow recorded', async () => {
    expect(orderRouting().type).toBe('EXPRESS');
    await expect(clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: orderRouting().arn }))).rejects.toMatchObject({ name: 'StateMachineTypeNotSupported' });
    const expressArn = `${orderRouting().arn.replace(':stateMachine:', ':express:')}:ORD-SH-1:00000000-0000-0000-0000-000000000000`;
    await expect(clients.sfn.send(new DescribeExecutionCommand({ executionArn: expressArn }))).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: expressArn }))).rejects.toMatchObject({ name: 'InvalidArn' });
    const view = await flow('order-routing', 'ORD-SH-1', 'SUCCEEDED');
    expect(view).toMatchObject({ flow: 'order-routing', businessKey: 'ORD-SH-1', startedAt: expect.any(String), stoppedAt: expect.any(String) });
    expect(view.steps.map((s: any) => s.name)).toEqual(['Route and reserve', 'Routed']);
  });

  it('starts one instance per order however often OrderPlaced arrives at once', async () => {
    const before = platform.stepFunctions.executionTraces().filter((e) => e.name === 'ORD-DUP-1').length;
    await put(...Array.from({ length: 5 }, () => order('ORD-DUP-1', 'hangzhou', [['SKU-LJ-250', 1, 29800]])));
    expect((await flow('order-routing', 'ORD-DUP-1', 'SUCCEEDED')).result).toMatchObject({ outcome: 'routed' });
    await platform.clock.settle();
    expect(platform.stepFunctions.executionTraces().filter((e) => e.name === 'ORD-DUP-1').length - before).toBe(1);
  });
});

describe('stock-out', () => {
  it('hands an order nobody can serve to a person, escalates after an hour, and ships it first after the restock', async () => {
    await put(order('ORD-OUT-1', 'shanghai', [['SKU-BLC-100', 2, 19800]]));
    expect((await flow('order-routing', 'ORD-OUT-1', 'SUCCEEDED')).result).toMatchObject({ outcome: 'stock-out' });
    const task = await openTask('stock-out-contact', 'ORD-OUT-1');
    expect(task).toMatchObject({ role: 'cs-agent', escalationLevel: 0 });
    await platform.clock.advance(3600 + 30);
    const escalated = await openTask('stock-out-contact', 'ORD-OUT-1');
    expect(escalated).toMatchObject({ taskId: task.taskId, role: 'ops-lead', escalationLevel: 1 });
    expect((await opsApi(platform, 'POST', `/tasks/${task.taskId}/complete`, ops, { outcome: 'wait-restock' })).status).toBe(200);
    await flow('stock-out', 'ORD-OUT-1', 'RUNNING');
    await put(stock('SKU-BLC-100', 'WH-EAST', 5));
    const done = await flow('stock-out', 'ORD-OUT-1', 'SUCCEEDED');
    expect(done.result).toMatchObject({ resolution: 'shipped-after-restock', allocations: [{ skuId: 'SKU-BLC-100', quantity: 2, locationId: 'WH-EAST' }] });
    expect(Date.parse(done.result.shipBy) - platform.clock.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(await stockLevel('SKU-BLC-100', 'WH-EAST')).toEqual({ onHand: 5, reserved: 2 });
  });

  it('keeps a restock that arrived before the flow waited for it', async () => {
    await put(order('ORD-OUT-2', 'beijing', [['SKU-KTL-01', 1, 39900]]));
    const task = await openTask('stock-out-contact', 'ORD-OUT-2');
    await put(stock('SKU-KTL-01', 'ST-BJ-01', 1));
    expect((await opsApi(platform, 'POST', `/tasks/${task.taskId}/complete`, agent, { outcome: 'wait-restock' })).status).toBe(200);
    expect((await flow('stock-out', 'ORD-OUT-2', 'SUCCEEDED')).result).toMatchObject({ resolution: 'shipped-after-restock' });
  });

  it('resumes a waiting order when a redelivered restock finds it reserved but not yet resumed', async () => {
    await put(order('ORD-OUT-5', 'hangzhou', [['SKU-SET-01', 1, 128000]]));
    const task = await openTask('stock-out-contact', 'ORD-OUT-5');
    expect((await opsApi(platform, 'POST', `/tasks/${task.taskId}/complete`, agent, { outcome: 'wait-restock' })).status).toBe(200);
    const inventory = new InventoryRepository({ table: tableName(platform, 'RecordsTable'), client: DynamoDBDocumentClient.from(clients.dynamo) });
    // The wait step has run to its end (its Lambda returned: TaskSubmitted) and the order waits.
    const executionArn = executionArnFor(platform.model.stateMachines.find((m) => m.flow === 'stock-out')!.arn, 'ORD-OUT-5');
    await eventually(
      () => clients.sfn.send(new GetExecutionHistoryCommand({ executionArn })),
      (h) => {
        const entered = h.events!.findIndex((e) => e.stateEnteredEventDetails?.name === 'Wait for the restock');
        return entered >= 0 && h.events!.slice(entered).some((e) => e.type === 'TaskSubmitted');
      },
      'the order to wait for the restock',
    );
    // A stock applier that reserved for the order and then died before resuming its flow:
    const receipt = { skuId: 'SKU-SET-01', locationId: 'ST-HZ-01', quantity: 1, receivedAt: new Date(platform.clock.now()).toISOString() };
    expect((await inventory.applyStockReceived(receipt)).fulfilledWaiters.map((w) => w.orderId)).toEqual(['ORD-OUT-5']);
    expect((await flow('stock-out', 'ORD-OUT-5', 'RUNNING')).status).toBe('RUNNING');
    // EventBridge redelivers the event: applied already, and the order is resumed now.
    await put({ source: 'shop.inventory', type: 'StockReceived', detail: receipt });
    expect((await flow('stock-out', 'ORD-OUT-5', 'SUCCEEDED')).result).toMatchObject({ resolution: 'shipped-after-restock' });
    expect(await stockLevel('SKU-SET-01', 'ST-HZ-01')).toEqual({ onHand: 1, reserved: 1 });
  });

  it('prices an exchange at 90% of the replacement', async () => {
    await put(order('ORD-OUT-3', 'hangzhou', [['SKU-DH-1', 1, 88800]]));
    const task = await openTask('stock-out-contact', 'ORD-OUT-3');
    const refused = await opsApi(platform, 'POST', `/tasks/${task.taskId}/complete`, agent, { outcome: 'exchange', data: { replacementSkuId: 'NOT-A-SKU' } });
    expect(refused.status).toBe(400);
    expect((await opsApi(platform, 'POST', `/tasks/${task.taskId}/complete`, agent, { outcome: 'exchange', data: { replacementSkuId: 'SKU-LJ-500' } })).status).toBe(200);
    expect((await flow('stock-out', 'ORD-OUT-3', 'SUCCEEDED')).result).toMatchObject({ resolution: 'exchanged', replacementSkuId: 'SKU-LJ-500', chargedFen: 51120 });
  });

  it('cancels and refunds in full, once, when nobody decides within 48 hours', async () => {
    await put(order('ORD-OUT-4', 'shanghai', [['SKU-CUP-ENG', 3, 12800]]));
    await openTask('stock-out-contact', 'ORD-OUT-4');
    await platform.clock.advance(48 * 3600 + 60);
    const done = await flow('stock-out', 'ORD-OUT-4', 'SUCCEEDED');
    expect(done.result).toMatchObject({ resolution: 'cancelled-refunded', refundedFen: 38400 });
    const key = refundPaymentKey('stock-out-ORD-OUT-4');
    const payment = await clients.dynamo.send(
      new GetItemCommand({ TableName: tableName(platform, 'RecordsTable'), Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
    );
    expect(payment.Item?.status?.S).toBe('paid');
  });
});
