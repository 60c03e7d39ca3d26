import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../engine/faults';
import { deliveryPlan } from './delivery-plan';

const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

describe('deliveryPlan', () => {
  it.each([
    { keys: 2_000, total: 10_000, refundable: 800 },
    { keys: 40, total: 160, refundable: 16 },
    { keys: 10, total: 10, refundable: 4 },
    { keys: 10, total: 50, refundable: 4 },
    { keys: 10, total: 90, refundable: 4 },
    { keys: 1, total: 15, refundable: 1 },
  ])('$total deliveries over $keys keys ($refundable refundable): exact total, each event 1–5 times', ({ keys, total, refundable }) => {
    const plan = deliveryPlan(keys, total, refundable, seededRandom(7));
    expect(plan.placed).toHaveLength(keys);
    expect(plan.refunds).toHaveLength(plan.delivered.length);
    expect(plan.delivered.length).toBeLessThanOrEqual(refundable);
    expect(sum(plan.placed) + sum(plan.delivered) + sum(plan.refunds)).toBe(total);
    for (const n of [...plan.placed, ...plan.delivered, ...plan.refunds]) expect(n >= 1 && n <= 5).toBe(true);
  });

  it('at the full size, duplicates are common and every count from 1 to 5 occurs', () => {
    const plan = deliveryPlan(2_000, 10_000, 800, seededRandom(20261123));
    const counts = new Set(plan.placed);
    expect([...counts].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(plan.placed.filter((n) => n > 1).length).toBeGreaterThan(1_000);
    expect(plan.delivered.length).toBeGreaterThan(500);
  });

  it.each([
    { keys: 10, total: 9, refundable: 4, why: 'fewer deliveries than keys' },
    { keys: 10, total: 91, refundable: 4, why: 'more than every event 5 times' },
    { keys: 0, total: 0, refundable: 0, why: 'no key' },
  ])('refuses $total over $keys keys: $why', ({ keys, total, refundable }) => {
    expect(() => deliveryPlan(keys, total, refundable, seededRandom(1))).toThrow(RangeError);
  });
});
