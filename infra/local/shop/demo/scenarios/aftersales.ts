import { addresses, orderPlaced } from '../../../../../events/samples';
import type { DemoContext, DemoScenario } from '../scenario';

const ALICE = { user: 'alice', groups: ['aftersales'] };
const FIONA = { user: 'fiona', groups: ['finance'] };
const CARL = { user: 'carl', groups: ['cs-agent'] };

const now = (context: DemoContext) => new Date(context.platform.clock.now()).toISOString();

async function deliveredOrder(context: DemoContext, orderId: string, skuId: string, quantity: number, unitPriceFen: number) {
  await context.putEvent('shop.inventory', 'StockReceived', { skuId, locationId: 'ST-SH-01', quantity, receivedAt: now(context) });
  await context.putEvent('shop.orders', 'OrderPlaced', {
    ...orderPlaced,
    orderId,
    memberId: `MEM-${orderId}`,
    placedAt: now(context),
    shipTo: { ...addresses.shanghai },
    lines: [{ skuId, quantity, unitPriceFen }],
    totalFen: quantity * unitPriceFen,
  });
  await context.waitFor('order-routing', orderId);
  await context.putEvent('shop.orders', 'OrderDelivered', { orderId, deliveredAt: now(context) });
}

function refund(context: DemoContext, refundId: string, orderId: string, kind: string, reason: string, skuId: string, quantity: number, amountFen: number) {
  return context.putEvent('shop.aftersales', 'RefundRequested', {
    refundId,
    orderId,
    memberId: `MEM-${orderId}`,
    kind,
    reason,
    lines: [{ skuId, quantity, amountFen }],
    requestedAt: now(context),
  });
}

async function complete(context: DemoContext, businessKey: string, kind: string, as: { user: string; groups: string[] }, body: unknown) {
  const task = await context.openTask(kind, businessKey);
  const done = await context.api('POST', `/tasks/${task.taskId}/complete`, as, body);
  if (done.status !== 200) throw new Error(`${kind} for ${businessKey}: ${done.status} ${JSON.stringify(done.body)}`);
}

/** After-sales: an auto-approved refund, a late request, a 3,000-yuan refund, a quality return, a complaint. */
export const aftersalesScenario: DemoScenario = {
  flow: 'refund',
  title: 'refunds, returns and a complaint',
  steps: 7,
  async run(context) {
    await deliveredOrder(context, 'A-1', 'SKU-BLC-100', 1, 15_900);
    await deliveredOrder(context, 'A-2', 'SKU-LJ-500', 1, 56_800);
    await deliveredOrder(context, 'A-3', 'SKU-SET-01', 3, 100_000);
    await deliveredOrder(context, 'A-4', 'SKU-LJ-250', 2, 29_800);
    context.step('four orders delivered');

    await refund(context, 'RF-SMALL', 'A-1', 'refund-only', 'damaged', 'SKU-BLC-100', 1, 15_900);
    context.step('a 159-yuan damaged item: approved and paid automatically');

    await context.advance(8 * 86_400);
    await refund(context, 'RF-LATE', 'A-2', 'return', 'no-reason', 'SKU-LJ-500', 1, 56_800);
    context.step('eight days later: a no-reason return, too late');

    await refund(context, 'RF-BIG', 'A-3', 'refund-only', 'quality', 'SKU-SET-01', 3, 300_000);
    await complete(context, 'RF-BIG', 'refund-approval', ALICE, { outcome: 'approve' });
    await complete(context, 'RF-BIG', 'refund-second-approval', FIONA, { outcome: 'approve' });
    context.step('3,000 yuan: after-sales, then finance');

    await refund(context, 'RF-RETURN', 'A-4', 'return', 'quality', 'SKU-LJ-250', 1, 29_800);
    await complete(context, 'RF-RETURN', 'refund-approval', ALICE, { outcome: 'approve' });
    await context.putEvent('shop.aftersales', 'ReturnReceived', { refundId: 'RF-RETURN', receivedAt: now(context) });
    await complete(context, 'RF-RETURN', 'return-inspection', ALICE, { outcome: 'pass' });
    context.step('a quality return: approved, received, inspected, paid');

    await context.putEvent('shop.aftersales', 'ComplaintFiled', { complaintId: 'C-1', orderId: 'A-4', memberId: 'MEM-A-4', text: 'The second box was crushed.', filedAt: now(context) });
    await complete(context, 'C-1', 'complaint-response', CARL, { outcome: 'reship', data: { carrier: 'SF Express', trackingNumber: 'SF20261123001' } });
    context.step('a complaint: apology, reship with a red packet');

    await context.putEvent('shop.orders', 'OrderShipped', { orderId: 'A-4', carrier: 'SF Express', trackingNumber: 'SF20261123001', shippedAt: now(context) });
    context.step('the reship leaves');

    return [
      { flow: 'refund', businessKey: 'RF-SMALL', story: '159 yuan, damaged: automatic', expected: { status: 'SUCCEEDED', result: { decision: 'approved', auto: true, paidFen: 15_900, couponFen: 500 } } },
      { flow: 'refund', businessKey: 'RF-LATE', story: 'no-reason return after 8 days', expected: { status: 'SUCCEEDED', result: { decision: 'rejected', auto: true, paidFen: 0 } } },
      { flow: 'refund', businessKey: 'RF-BIG', story: '3,000 yuan: two approvers', expected: { status: 'SUCCEEDED', result: { decision: 'approved', approvedBy: ['alice', 'fiona'], paidFen: 300_000 } } },
      { flow: 'refund', businessKey: 'RF-RETURN', story: 'quality return, inspected', expected: { status: 'SUCCEEDED', result: { decision: 'approved', paidFen: 29_800, sellerPaysShipping: true } } },
      { flow: 'complaint', businessKey: 'C-1', story: 'crushed box: reship + red packet', expected: { status: 'SUCCEEDED', result: { resolution: 'reship', redPacketFen: 1000 } } },
    ];
  },
};
