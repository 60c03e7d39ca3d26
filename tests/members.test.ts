import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import type { Platform } from '../infra/local/engine/platform';
import { eventually, opsApi, startLocalPlatform } from './support';

let platform: Platform;
let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
const carol = { user: 'carol', roles: ['cs-agent'] };

beforeAll(async () => {
  clients = await startLocalPlatform();
  platform = clients.platform;
});

afterAll(async () => {
  await platform?.stop();
});

async function order(orderId: string, memberId: string, totalFen: number, copies = 1) {
  const detail = { ...orderPlaced, orderId, memberId, placedAt: new Date(platform.clock.now()).toISOString(), totalFen, lines: [{ skuId: 'SKU-LJ-250', quantity: 1, unitPriceFen: totalFen }] };
  const entry = { EventBusName: EVENT_BUS_NAME, Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(detail) };
  const result = await clients.events.send(new PutEventsCommand({ Entries: Array.from({ length: copies }, () => entry) }));
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

const member = (memberId: string, accept: (body: any) => boolean, what: string) =>
  eventually(() => opsApi(platform, 'GET', `/members/${memberId}`, carol), (r) => r.status === 200 && accept(r.body), what).then((r) => r.body);

describe('members', () => {
  it('keeps the member record from orders, counts a duplicated order once, and reaching silver gives its coupon once', async () => {
    await order('M-ORD-1', 'M-T1', 20_000, 2);
    expect(await member('M-T1', (m) => m.orders12m === 1, 'the first order counted')).toMatchObject({ memberId: 'M-T1', tier: 'regular', spend12mFen: 20_000, orders12m: 1, coupons: [] });
    await order('M-ORD-2', 'M-T1', 20_000);
    await order('M-ORD-3', 'M-T1', 20_000);
    const silver = await member('M-T1', (m) => m.tier === 'silver', 'silver after 3 orders');
    expect(silver).toMatchObject({ spend12mFen: 60_000, orders12m: 3, lastPurchaseAt: expect.any(String) });
    expect(silver.coupons).toEqual([{ couponId: 'tier-silver', kind: 'tier', minSpendFen: 10_000, discountFen: 1_000, issuedAt: expect.any(String), expiresAt: expect.any(String) }]);
    expect(Date.parse(silver.coupons[0].expiresAt) - Date.parse(silver.coupons[0].issuedAt)).toBe(30 * 86_400_000);

    await order('M-ORD-4', 'M-T1', 20_000);
    const later = await member('M-T1', (m) => m.orders12m === 4, 'the fourth order counted');
    expect(later.tier).toBe('silver');
    expect(later.coupons).toHaveLength(1);
    // The sample order carries a phone number: it never reaches the member view.
    expect(JSON.stringify(later)).not.toContain(orderPlaced.phone);
  });

  it('goes straight to gold on a large order, and answers only cs-agent and ops-lead', async () => {
    await order('M-ORD-5', 'M-T2', 600_000);
    const gold = await member('M-T2', (m) => m.tier === 'gold', 'gold after 6,000 yuan');
    expect(gold.coupons.map((c: { couponId: string }) => c.couponId)).toEqual(['tier-gold']);
    expect((await opsApi(platform, 'GET', '/members/M-T2', { user: 'rita', roles: ['reviewer'] })).status).toBe(403);
    expect((await opsApi(platform, 'GET', '/members/NO-SUCH-MEMBER', carol)).status).toBe(404);
  });
});
