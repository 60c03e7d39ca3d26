import { describe, expect, it } from 'vitest';
import { listingReviewPolicy as policy } from './policy';
import { catalogChange, slowMovingSkus } from './slow-moving';

const PUBLISHED = '2026-11-21T00:00:00.000Z';
const NOW = '2026-11-28T00:00:30.000Z';

describe('slowMovingSkus', () => {
  it.each([
    ['never sold', [{ skuId: 'A', listingId: 'L', status: 'active' as const }], ['A']],
    ['sold only before this publishing (an earlier listing of the SKU)', [{ skuId: 'A', listingId: 'L', status: 'active' as const, lastSoldAt: '2026-11-20T23:59:59.000Z' }], ['A']],
    ['sold since publishing', [{ skuId: 'A', listingId: 'L', status: 'active' as const, lastSoldAt: '2026-11-25T10:00:00.000Z' }], []],
    ['sold at the very moment of publishing', [{ skuId: 'A', listingId: 'L', status: 'active' as const, lastSoldAt: PUBLISHED }], []],
    ['delisted already', [{ skuId: 'A', listingId: 'L', status: 'delisted' as const }], []],
    ['published by another listing since', [{ skuId: 'A', listingId: 'OTHER', status: 'active' as const }], []],
    [
      'only the unsold of two',
      [
        { skuId: 'A', listingId: 'L', status: 'active' as const, lastSoldAt: '2026-11-22T00:00:00.000Z' },
        { skuId: 'B', listingId: 'L', status: 'active' as const },
      ],
      ['B'],
    ],
  ])('%s', (_, entries, expected) => {
    expect(slowMovingSkus(entries, 'L', PUBLISHED, NOW).map((s) => s.skuId)).toEqual(expected);
  });

  it('counts whole days since publishing', () => {
    expect(slowMovingSkus([{ skuId: 'A', listingId: 'L', status: 'active' }], 'L', PUBLISHED, NOW)).toEqual([{ skuId: 'A', daysWithoutSale: 7 }]);
  });
});

describe('catalogChange', () => {
  it.each([
    ['20 % off', { outcome: 'discount' as const, data: { percentOff: 20 } }, { action: 'reprice', priceFen: 23_840, percentOff: 20 }],
    ['the most allowed, 90 % off', { outcome: 'discount' as const, data: { percentOff: 90 } }, { action: 'reprice', priceFen: 2_980, percentOff: 90 }],
    ['a bundle', { outcome: 'bundle' as const, data: { withSkuId: 'SKU-CUP' } }, { action: 'bundle', withSkuId: 'SKU-CUP' }],
    ['delist', { outcome: 'delist' as const }, { action: 'delist' }],
    ['keep', { outcome: 'keep' as const }, { action: 'keep' }],
  ])('%s', (_, decision, expected) => {
    expect(catalogChange(decision, 29_800, policy)).toEqual(expected);
  });

  it.each([0, 91, 12.5])('refuses %s % off', (percentOff) => {
    expect(() => catalogChange({ outcome: 'discount', data: { percentOff } }, 29_800, policy)).toThrow(/percentOff must be a whole number from 1 to 90/);
  });
});
