import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import type { Platform } from '../infra/local/engine/platform';
import { eventually, opsApi, startLocalPlatform, tableName } from './support';

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

async function order(orderId: string, memberId: string, totalFen: number, copies = 1, placedAt = new Date(platform.clock.now()).toISOString()) {
  const detail = { ...orderPlaced, orderId, memberId, placedAt, totalFen, lines: [{ skuId: 'SKU-LJ-250', quantity: 1, unitPriceFen: totalFen }] };
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

  it('announces a tier reached by racing purchases once, with one coupon', async () => {
    // Five orders of one member at once, each sent twice: every run that sees three or more counts
    // silver, but only the one that saves the change announces it.
    await Promise.all(Array.from({ length: 5 }, (_, i) => order(`M-RACE-${i}`, 'M-T3', 20_000, 2)));
    const silver = await member('M-T3', (m) => m.orders12m === 5 && m.tier === 'silver', 'silver after five racing orders');
    expect(silver.coupons.map((c: { couponId: string }) => c.couponId)).toEqual(['tier-silver']);
    const announced = platform.eventBridge.archive(EVENT_BUS_NAME).filter((e) => e['detail-type'] === 'MemberTierChanged' && (e.detail as { memberId: string }).memberId === 'M-T3');
    expect(announced.map((e) => (e.detail as { to: string }).to)).toEqual(['silver']);
    expect(silver).not.toHaveProperty('tierAnnouncement');
  });

  it('announces a tier change whose purchase died before announcing it, once its lease has passed', async () => {
    // As a crashed run leaves it: the change saved with the profile, its lease long gone.
    const minutesAgo = (m: number) => new Date(platform.clock.now() - m * 60_000).toISOString();
    const changedAt = minutesAgo(5);
    const tierAnnouncement = { M: { from: { S: 'regular' }, to: { S: 'silver' }, changedAt: { S: changedAt }, leaseUntil: { S: minutesAgo(4) } } };
    await clients.dynamo.send(new PutItemCommand({ TableName: tableName(platform, 'RecordsTable'), Item: { pk: { S: 'MEMBER#M-T4' }, sk: { S: 'PROFILE' }, tier: { S: 'silver' }, purchases: { N: '0' }, tierAnnouncement } }));
    await order('M-ORD-T4', 'M-T4', 100_000); // 1,000 yuan: silver, as the profile says
    const after = await member('M-T4', (m) => m.orders12m === 1, 'the order counted');
    expect(after.coupons.map((c: { couponId: string }) => c.couponId)).toEqual(['tier-silver']);
    const announced = platform.eventBridge.archive(EVENT_BUS_NAME).filter((e) => e['detail-type'] === 'MemberTierChanged' && (e.detail as { memberId: string }).memberId === 'M-T4');
    expect(announced.map((e) => e.detail)).toEqual([expect.objectContaining({ from: 'regular', to: 'silver', changedAt })]);
  });

  it('counts each paid refund once in the member record', async () => {
    const paid = { refundId: 'M-RF-1', orderId: 'M-ORD-5', memberId: 'M-T2', paidFen: 12_300, providerRefundId: 'LOCAL-1', paidAt: new Date(platform.clock.now()).toISOString() };
    const entry = { EventBusName: EVENT_BUS_NAME, Source: 'shop.workflows', DetailType: 'RefundPaid', Detail: JSON.stringify(paid) };
    expect((await clients.events.send(new PutEventsCommand({ Entries: [entry, entry] }))).FailedEntryCount).toBe(0);
    await platform.clock.settle();
    expect(await member('M-T2', (m) => m.refunds > 0, 'the refund counted')).toMatchObject({ refunds: 1, refundedFen: 12_300 });
  });
});

describe('churn recall', () => {
  const daysAgo = (days: number) => new Date(platform.clock.now() - days * 86_400_000).toISOString();
  const recalls = (m: { coupons: Array<{ couponId: string }> }) => m.coupons.filter((c) => c.couponId.startsWith('recall-')).map((c) => c.couponId);
  async function advanceTo(iso: string) {
    await platform.clock.advance(Math.round((Date.parse(iso) - platform.clock.now()) / 1000));
    await platform.clock.settle();
  }

  it('recalls a member lapsed 90 days at 10:00 Shanghai, once in 30 days, and again after', async () => {
    // The clock is at Monday 23 November 09:00 Shanghai (or a little later, after the tests above).
    await order('M-ORD-L1', 'M-LAPSED', 30_000, 2, daysAgo(90));
    await order('M-ORD-L2', 'M-ALMOST', 30_000, 1, daysAgo(89));
    await order('M-ORD-L3', 'M-ACTIVE', 30_000, 1, daysAgo(10));
    await member('M-LAPSED', (m) => m.orders12m === 1, 'the lapsed member recorded');

    await advanceTo('2026-11-23T02:00:30Z');
    const lapsed = await member('M-LAPSED', (m) => m.lastRecallAt !== undefined, 'the recall');
    expect(lapsed.coupons.find((c: { couponId: string }) => c.couponId === 'recall-2026-11-23')).toMatchObject({ kind: 'recall', minSpendFen: 19_900, discountFen: 5_000 });
    expect(lapsed.lastRecallAt).toMatch(/^2026-11-23T02:00/);
    expect(recalls(await member('M-ALMOST', () => true, 'M-ALMOST'))).toEqual([]);

    // The next morning the member lapsed 89 days yesterday is recalled; the first one is not again.
    await advanceTo('2026-11-24T02:00:30Z');
    expect(recalls(await member('M-ALMOST', (m) => m.lastRecallAt !== undefined, 'M-ALMOST recalled a day later'))).toEqual(['recall-2026-11-24']);
    expect(recalls(await member('M-LAPSED', () => true, 'M-LAPSED'))).toEqual(['recall-2026-11-23']);

    // 29 days after the recall, still one; on the 30th, the second.
    await advanceTo('2026-12-22T02:00:30Z');
    expect(recalls(await member('M-LAPSED', () => true, 'M-LAPSED'))).toEqual(['recall-2026-11-23']);
    await advanceTo('2026-12-23T02:00:30Z');
    expect(recalls(await member('M-LAPSED', (m) => m.lastRecallAt > '2026-12-23', 'the second recall'))).toEqual(['recall-2026-11-23', 'recall-2026-12-23']);
    expect(recalls(await member('M-ACTIVE', () => true, 'M-ACTIVE'))).toEqual([]);
  });
});
