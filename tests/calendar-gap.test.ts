import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addresses, orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import type { Platform } from '../infra/local/engine/platform';
import { eventually, opsApi, startLocalPlatform } from './support';

// The business calendar's data ends with 2026 (next year's holidays not announced or not added).
let platform: Platform;
let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
const ops = { user: 'olivia', roles: ['ops-lead'] };

beforeAll(async () => {
  clients = await startLocalPlatform({ clockStart: '2026-12-28T02:00:00.000Z' });
  platform = clients.platform;
});

afterAll(async () => {
  await platform?.stop();
});

async function put(source: string, detailType: string, detail: unknown) {
  const result = await clients.events.send(new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }] }));
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

describe('a refund case whose working days lie past the calendar data', () => {
  it('opens without a deadline instead of failing, is decided as usual, and is never called breached', async () => {
    const now = () => new Date(platform.clock.now()).toISOString();
    await put('shop.inventory', 'StockReceived', { skuId: 'SKU-LJ-250', locationId: 'ST-SH-01', quantity: 5, receivedAt: now() });
    await put('shop.orders', 'OrderPlaced', { ...orderPlaced, orderId: 'CG-ORD-1', memberId: 'M-CG', placedAt: now(), shipTo: { ...addresses.shanghai }, lines: [{ skuId: 'SKU-LJ-250', quantity: 1, unitPriceFen: 19_900 }], totalFen: 19_900 });
    await eventually(() => opsApi(platform, 'GET', '/flows/order-routing/CG-ORD-1', ops), (r) => r.body?.status === 'SUCCEEDED', 'the order routed');
    await put('shop.orders', 'OrderDelivered', { orderId: 'CG-ORD-1', deliveredAt: now() });
    await put('shop.aftersales', 'RefundRequested', { refundId: 'CG-RF-1', orderId: 'CG-ORD-1', memberId: 'M-CG', kind: 'return', reason: 'quality', lines: [{ skuId: 'SKU-LJ-250', quantity: 1, amountFen: 19_900 }], requestedAt: now() });
    // Approved automatically (quality, within the window, ≤ 200 yuan); the case stays open until the goods come back.
    const flow = await eventually(() => opsApi(platform, 'GET', '/flows/refund/CG-RF-1', ops), (r) => r.body?.currentStep === 'Wait for the returned goods', 'the refund to wait for the goods');
    expect(flow.body.status).toBe('RUNNING');
    await platform.clock.advance(20 * 86_400);
    const row = (await opsApi(platform, 'GET', '/reports/sla', ops)).body.kinds.find((k: { kind: string }) => k.kind === 'refund-case');
    expect(row).toMatchObject({ open: 1, breached: 0 });
    expect(row.oldestDueAt).toBeUndefined();
  });
});
