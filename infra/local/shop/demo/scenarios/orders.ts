import { addresses, orderPlaced } from '../../../../../events/samples';
import type { DemoContext, DemoInstance, DemoScenario } from '../scenario';

const OPS = { user: 'olivia', groups: ['ops-lead', 'cs-agent'] };

function order(context: DemoContext, orderId: string, city: keyof typeof addresses, skuId: string, quantity: number, unitPriceFen: number) {
  return context.putEvent('shop.orders', 'OrderPlaced', {
    ...orderPlaced,
    orderId,
    memberId: `MEM-${orderId}`,
    placedAt: new Date(context.platform.clock.now()).toISOString(),
    shipTo: { ...addresses[city] },
    lines: [{ skuId, quantity, unitPriceFen }],
    totalFen: quantity * unitPriceFen,
  });
}

function stock(context: DemoContext, skuId: string, locationId: string, quantity: number) {
  return context.putEvent('shop.inventory', 'StockReceived', { skuId, locationId, quantity, receivedAt: new Date(context.platform.clock.now()).toISOString() });
}

/** Morning stock, orders from three cities, and two stock-outs: one restocked, one never answered. */
export const ordersScenario: DemoScenario = {
  flow: 'order-routing',
  title: 'orders from Shanghai, Hangzhou and Beijing; two stock-outs',
  steps: 8,
  async run(context) {
    await stock(context, 'SKU-LJ-250', 'ST-SH-01', 5);
    await stock(context, 'SKU-LJ-250', 'ST-HZ-01', 2);
    await stock(context, 'SKU-LJ-250', 'WH-EAST', 20);
    context.step('08:00 stock received in Shanghai, Hangzhou and the warehouse');

    await order(context, 'D-SH-1', 'shanghai', 'SKU-LJ-250', 2, 29800);
    await order(context, 'D-HZ-1', 'hangzhou', 'SKU-LJ-250', 1, 29800);
    await order(context, 'D-BJ-1', 'beijing', 'SKU-LJ-250', 1, 29800);
    await order(context, 'D-SH-1', 'shanghai', 'SKU-LJ-250', 2, 29800);
    context.step('09:00 orders from three cities (and one duplicate)');

    await order(context, 'D-OUT-1', 'shanghai', 'SKU-BLC-100', 1, 19800);
    await order(context, 'D-OUT-2', 'beijing', 'SKU-CUP-ENG', 2, 12800);
    context.step('10:00 two orders nobody can serve');

    const late = await context.openTask('stock-out-contact', 'D-OUT-1');
    await context.advance(3600 + 60);
    context.step('11:01 the contact task passed its hour: escalated to ops-lead');

    await context.api('POST', `/tasks/${late.taskId}/complete`, OPS, { outcome: 'wait-restock' });
    context.step('11:05 ops-lead: the customer will wait for the restock');

    await stock(context, 'SKU-BLC-100', 'WH-EAST', 10);
    context.step('14:00 Biluochun restocked at the warehouse');

    await context.advance(48 * 3600);
    context.step('two days later: the other customer never answered');

    await context.putEvent('shop.orders', 'OrderShipped', { orderId: 'D-SH-1', carrier: 'SF Express', trackingNumber: 'SF1234567890', shippedAt: new Date(context.platform.clock.now()).toISOString() });
    context.step('D-SH-1 shipped');

    const routed = (orderId: string, story: string, locationId: string): DemoInstance => ({
      flow: 'order-routing',
      businessKey: orderId,
      story,
      expected: { status: 'SUCCEEDED', result: { outcome: 'routed', locationId } },
    });
    return [
      routed('D-SH-1', 'Shanghai, 2 boxes (high value): the Jing\'an store', 'ST-SH-01'),
      routed('D-HZ-1', 'Hangzhou: the West Lake store', 'ST-HZ-01'),
      routed('D-BJ-1', 'Beijing: no stock in the Beijing store, the warehouse', 'WH-EAST'),
      { flow: 'order-routing', businessKey: 'D-OUT-1', story: 'Biluochun: out of stock everywhere', expected: { status: 'SUCCEEDED', result: { outcome: 'stock-out' } } },
      { flow: 'stock-out', businessKey: 'D-OUT-1', story: 'escalated, waited, shipped first after the restock', expected: { status: 'SUCCEEDED', result: { resolution: 'shipped-after-restock' } } },
      { flow: 'stock-out', businessKey: 'D-OUT-2', story: 'no answer in 48 h: cancelled and refunded', expected: { status: 'SUCCEEDED', result: { resolution: 'cancelled-refunded', refundedFen: 25600 } } },
    ];
  },
};
