import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../../shared/calendar';
import { membersPolicy as policy, recallPolicy } from './policy';
import { figuresOf, isUpgrade, recallCoupon, recallDueOn, tierCoupon, tierFor } from './rules';

const NOW = '2026-12-01T02:00:00.000Z';
const order = (orderId: string, placedAt: string, totalFen: number) => ({ orderId, placedAt, totalFen });

describe('figuresOf', () => {
  it('counts only the purchases of the last 365 days, and keeps the last purchase whatever its age', () => {
    const purchases = [order('O-OLD', '2025-11-30T00:00:00.000Z', 900_000), order('O-1', '2025-12-02T00:00:00.000Z', 10_000), order('O-2', '2026-11-30T00:00:00.000Z', 20_000)];
    expect(figuresOf(purchases, NOW, policy)).toEqual({ spend12mFen: 30_000, orders12m: 2, lastPurchaseAt: '2026-11-30T00:00:00.000Z' });
  });

  it('has no last purchase for a member who bought nothing', () => {
    expect(figuresOf([], NOW, policy)).toEqual({ spend12mFen: 0, orders12m: 0 });
  });
});

describe('tierFor', () => {
  it.each([
    ['nothing yet', 0, 0, 'regular'],
    ['999.99 yuan in 2 orders', 99_999, 2, 'regular'],
    ['exactly 1,000 yuan', 100_000, 1, 'silver'],
    ['3 small orders', 3_000, 3, 'silver'],
    ['4,999.99 yuan in 9 orders', 499_999, 9, 'silver'],
    ['10 orders', 50_000, 10, 'gold'],
    ['exactly 5,000 yuan', 500_000, 1, 'gold'],
    ['many orders are not enough for diamond', 1_999_999, 500, 'gold'],
    ['exactly 20,000 yuan', 2_000_000, 1, 'diamond'],
  ])('%s → %s', (_, spend12mFen, orders12m, tier) => {
    expect(tierFor({ spend12mFen, orders12m }, policy)).toBe(tier);
  });
});

describe('isUpgrade', () => {
  it.each([
    ['regular', 'silver', true],
    ['silver', 'diamond', true],
    ['gold', 'silver', false],
    ['gold', 'gold', false],
  ] as const)('%s → %s: %s', (from, to, up) => {
    expect(isUpgrade(from, to, policy)).toBe(up);
  });
});

describe('tierCoupon', () => {
  it.each([
    ['silver', { minSpendFen: 10_000, discountFen: 1_000 }],
    ['gold', { minSpendFen: 20_000, discountFen: 3_000 }],
    ['diamond', { minSpendFen: 50_000, discountFen: 10_000 }],
  ] as const)('%s: 满…减… valid 30 days', (tier, amounts) => {
    expect(tierCoupon(tier, NOW, policy)).toEqual({ ...amounts, issuedAt: NOW, expiresAt: '2026-12-31T02:00:00.000Z' });
  });

  it('gives nothing for regular', () => {
    expect(tierCoupon('regular', NOW, policy)).toBeUndefined();
  });
});

describe('churn recall', () => {
  const dayOf = (instant: string) => businessCalendar.dayOf(instant);
  it.each([
    ['90 days after the last purchase (Shanghai date)', '2026-09-01T17:00:00Z', undefined, '2026-12-01'],
    ['a recall 10 days ago holds the next one back to 30 days after it', '2026-08-01T02:00:00Z', '2026-11-21T02:00:00Z', '2026-12-21'],
    ['an old recall before a newer purchase: 90 days after the purchase', '2026-10-01T02:00:00Z', '2026-07-01T02:00:00Z', '2026-12-30'],
  ])('due on: %s', (_, lastPurchaseAt, lastRecallAt, due) => {
    expect(recallDueOn(lastPurchaseAt, lastRecallAt, recallPolicy, dayOf)).toBe(due);
  });

  it('gives 50 yuan off 199, valid 30 days', () => {
    expect(recallCoupon(NOW, recallPolicy)).toEqual({ minSpendFen: 19_900, discountFen: 5_000, issuedAt: NOW, expiresAt: '2026-12-31T02:00:00.000Z' });
  });
});
