import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addresses, orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import type { Platform } from '../infra/local/engine/platform';
import { refundPaymentKey } from '../shared/records/refund-payments';
import { eventually, opsApi, startLocalPlatform, tableName } from './support';

let platform: Platform;
let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
const ops = { user: 'olivia', roles: ['ops-lead'] };
const alice = { user: 'alice', roles: ['aftersales'] };
const fiona = { user: 'fiona', roles: ['finance'] };
const both = { user: 'amy', roles: ['aftersales', 'finance'] };

beforeAll(async () => {
  clients = await startLocalPlatform();
  platform = clients.platform;
  await put(
    ['shop.inventory', 'StockReceived', { skuId: 'SKU-LJ-250', locationId: 'ST-SH-01', quantity: 50, receivedAt: now() }],
    ['shop.inventory', 'StockReceived', { skuId: 'SKU-SET-01', locationId: 'ST-SH-01', quantity: 10, receivedAt: now() }],
    ['shop.inventory', 'StockReceived', { skuId: 'SKU-DH-1', locationId: 'ST-SH-01', quantity: 10, receivedAt: now() }],
  );
  // Orders placed and delivered today; the refund requests come later.
  for (const [orderId, skuId, quantity, price] of [
    ['R-ORD-1', 'SKU-LJ-250', 1, 19_900],
    ['R-ORD-2', 'SKU-SET-01', 3, 100_000],
    ['R-ORD-3', 'SKU-LJ-250', 2, 29_800],
    ['R-ORD-4', 'SKU-DH-1', 1, 88_800],
  ] as const) {
    await put(['shop.orders', 'OrderPlaced', { ...orderPlaced, orderId, memberId: `M-${orderId}`, placedAt: now(), shipTo: { ...addresses.shanghai }, lines: [{ skuId, quantity, unitPriceFen: price }], totalFen: quantity * price }]);
    await eventually(() => opsApi(platform, 'GET', `/flows/order-routing/${orderId}`, ops), (r) => r.body?.status === 'SUCCEEDED', `${orderId} routed`);
    await put(['shop.orders', 'OrderDelivered', { orderId, deliveredAt: now() }]);
  }
});

afterAll(async () => {
  await platform?.stop();
});

const now = () => new Date(platform.clock.now()).toISOString();

async function put(...events: Array<[string, string, unknown]>) {
  const result = await clients.events.send(
    new PutEventsCommand({ Entries: events.map(([source, type, detail]) => ({ EventBusName: EVENT_BUS_NAME, Source: source, DetailType: type, Detail: JSON.stringify(detail) })) }),
  );
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

function request(refundId: string, orderId: string, kind: string, reason: string, skuId: string, quantity: number, amountFen: number) {
  return ['shop.aftersales', 'RefundRequested', { refundId, orderId, memberId: `M-${orderId}`, kind, reason, lines: [{ skuId, quantity, amountFen }], requestedAt: now() }] as [string, string, unknown];
}

async function result(refundId: string) {
  const { body } = await eventually(() => opsApi(platform, 'GET', `/flows/refund/${refundId}`, ops), (r) => r.body?.status === 'SUCCEEDED', `refund ${refundId} to finish`);
  return body.result;
}

async function task(kind: string, refundId: string) {
  const { body } = await eventually(
    () => opsApi(platform, 'GET', `/tasks?businessKey=${refundId}&kind=${kind}`, ops),
    (r) => r.body?.items?.some((t: any) => t.status === 'open'),
    `an open ${kind} task for ${refundId}`,
  );
  return body.items.find((t: any) => t.status === 'open');
}

describe('refunds', () => {
  it('auto-approves a small no-reason refund within the window and pays it once, even when the request is sent twice', async () => {
    await put(request('RF-1', 'R-ORD-1', 'refund-only', 'quality', 'SKU-LJ-250', 1, 19_900), request('RF-1', 'R-ORD-1', 'refund-only', 'quality', 'SKU-LJ-250', 1, 19_900));
    expect(await result('RF-1')).toMatchObject({ decision: 'approved', auto: true, paidFen: 19_900, couponFen: 500, approvedBy: [] });
    const key = refundPaymentKey('RF-1');
    const payment = await clients.dynamo.send(new GetItemCommand({ TableName: tableName(platform, 'RecordsTable'), Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
    expect(payment.Item?.status?.S).toBe('paid');
  });

  it('rejects a late no-reason return automatically, with the reason code', async () => {
    await platform.clock.advance(8 * 86_400);
    await put(request('RF-2', 'R-ORD-3', 'return', 'no-reason', 'SKU-LJ-250', 1, 29_800));
    const done = await result('RF-2');
    expect(done).toMatchObject({ decision: 'rejected', auto: true, paidFen: 0 });
    expect(done.reasons).toContain('OUTSIDE_NO_REASON_WINDOW');
  });

  it('needs after-sales and then a different person from finance above 2,000 yuan', async () => {
    await put(request('RF-3', 'R-ORD-2', 'refund-only', 'damaged', 'SKU-SET-01', 3, 300_000));
    const first = await task('refund-approval', 'RF-3');
    expect((await opsApi(platform, 'POST', `/tasks/${first.taskId}/complete`, both, { outcome: 'approve' })).status).toBe(200);
    const second = await task('refund-second-approval', 'RF-3');
    expect((await opsApi(platform, 'POST', `/tasks/${second.taskId}/complete`, both, { outcome: 'approve' })).status).toBe(403);
    expect((await opsApi(platform, 'POST', `/tasks/${second.taskId}/complete`, fiona, { outcome: 'approve' })).status).toBe(200);
    expect(await result('RF-3')).toMatchObject({ decision: 'approved', auto: false, approvedBy: ['amy', 'fiona'], paidFen: 300_000 });
  });

  it('waits for a quality return (even one that arrived first), inspects it, then pays; the seller pays shipping', async () => {
    await put(request('RF-4', 'R-ORD-4', 'return', 'quality', 'SKU-DH-1', 1, 88_800));
    const approval = await task('refund-approval', 'RF-4');
    await put(['shop.aftersales', 'ReturnReceived', { refundId: 'RF-4', receivedAt: now() }]);
    expect((await opsApi(platform, 'POST', `/tasks/${approval.taskId}/complete`, alice, { outcome: 'approve' })).status).toBe(200);
    const inspection = await task('return-inspection', 'RF-4');
    expect((await opsApi(platform, 'POST', `/tasks/${inspection.taskId}/complete`, alice, { outcome: 'pass' })).status).toBe(200);
    expect(await result('RF-4')).toMatchObject({ decision: 'approved', paidFen: 88_800, couponFen: 500, sellerPaysShipping: true, approvedBy: ['alice'] });
  });

  it('reports refund cases open longer than 7 working days as breached', async () => {
    await put(request('RF-6', 'R-ORD-3', 'return', 'quality', 'SKU-LJ-250', 1, 29_800));
    await task('refund-approval', 'RF-6');
    const before = (await opsApi(platform, 'GET', '/reports/sla', ops)).body.kinds.find((k: any) => k.kind === 'refund-case');
    expect(before).toMatchObject({ open: 1, breached: 0 });
    await platform.clock.advance(12 * 86_400);
    const after = (await opsApi(platform, 'GET', '/reports/sla', ops)).body.kinds.find((k: any) => k.kind === 'refund-case');
    expect(after.breached).toBe(after.open);
  });

  it('rejects a request for an unknown order with a reason, never a crash', async () => {
    await put(request('RF-5', 'NO-SUCH-ORDER', 'refund-only', 'no-reason', 'SKU-LJ-250', 1, 100));
    const done = await result('RF-5');
    expect(done).toMatchObject({ decision: 'rejected', auto: true });
    expect(done.reasons).toContain('UNKNOWN_ORDER');
  });
});

describe('complaints', () => {
  const complaint = (complaintId: string, orderId: string) =>
    ['shop.aftersales', 'ComplaintFiled', { complaintId, orderId, memberId: `M-${orderId}`, text: 'Box arrived crushed, call me on 13700001111', filedAt: now() }] as [string, string, unknown];

  it('apologises at once, and a reship comes with a 10-yuan red packet and the tracking number', async () => {
    await put(complaint('CMP-1', 'R-ORD-4'));
    const respond = await task('complaint-response', 'CMP-1');
    expect(respond.role).toBe('cs-agent');
    const refused = await opsApi(platform, 'POST', `/tasks/${respond.taskId}/complete`, { user: 'carl', roles: ['cs-agent'] }, { outcome: 'reship', data: { carrier: 'SF' } });
    expect(refused.status).toBe(400);
    const done = await opsApi(platform, 'POST', `/tasks/${respond.taskId}/complete`, { user: 'carl', roles: ['cs-agent'] }, { outcome: 'reship', data: { carrier: 'SF Express', trackingNumber: 'SF998877' } });
    expect(done.status).toBe(200);
    const { body } = await eventually(() => opsApi(platform, 'GET', '/flows/complaint/CMP-1', ops), (r) => r.body?.status === 'SUCCEEDED', 'the complaint to close');
    expect(body.result).toMatchObject({ resolution: 'reship', apologised: true, redPacketFen: 1000, trackingNumber: 'SF998877' });
    const history = JSON.stringify(body);
    expect(history).not.toContain('13700001111');
  });

  it('turns a refund response into a refund request that the refund rules decide', async () => {
    await put(complaint('CMP-2', 'R-ORD-3'));
    const respond = await task('complaint-response', 'CMP-2');
    expect((await opsApi(platform, 'POST', `/tasks/${respond.taskId}/complete`, { user: 'carl', roles: ['cs-agent'] }, { outcome: 'refund' })).status).toBe(200);
    await eventually(() => opsApi(platform, 'GET', '/flows/complaint/CMP-2', ops), (r) => r.body?.status === 'SUCCEEDED', 'the complaint to close');
    const refund = await eventually(() => opsApi(platform, 'GET', '/flows/refund/CMP-CMP-2', ops), (r) => r.status === 200, 'the refund flow to start');
    expect(refund.body.steps[0].name).toBe('Assess the request');
  });
});
