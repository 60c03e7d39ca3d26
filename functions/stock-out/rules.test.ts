import { describe, expect, it } from 'vitest';
import { stockOutPolicy as policy } from './policy';
import { cancellationReason, exchangeOffer, priorityShipBy, unservedAmountFen } from './rules';

const lines = [
  { skuId: 'SKU-LJ-250', quantity: 2, unitPriceFen: 29_800 },
  { skuId: 'SKU-CUP', quantity: 3, unitPriceFen: 4_500 },
];

describe('unservedAmountFen', () => {
  it.each([
    ['one whole line', [{ skuId: 'SKU-LJ-250', quantity: 2 }], 59_600],
    ['part of a line', [{ skuId: 'SKU-CUP', quantity: 1 }], 4_500],
    ['two lines', [{ skuId: 'SKU-LJ-250', quantity: 1 }, { skuId: 'SKU-CUP', quantity: 3 }], 29_800 + 13_500],
  ])('%s', (_, unserved, expected) => {
    expect(unservedAmountFen(lines, unserved)).toBe(expected);
  });

  it('refuses a SKU the order does not have', () => {
    expect(() => unservedAmountFen(lines, [{ skuId: 'SKU-OTHER', quantity: 1 }])).toThrow(/SKU-OTHER is not a line of the order/);
  });
});

describe('exchangeOffer', () => {
  it.each([
    ['one unit at 90 %', 10_000, [{ skuId: 'A', quantity: 1 }], { quantity: 1, listPriceFen: 10_000, chargedFen: 9_000 }],
    ['every unserved unit of every line', 4_500, [{ skuId: 'A', quantity: 2 }, { skuId: 'B', quantity: 1 }], { quantity: 3, listPriceFen: 13_500, chargedFen: 12_150 }],
    ['half a fen rounds to the nearest fen', 1_005, [{ skuId: 'A', quantity: 1 }], { quantity: 1, listPriceFen: 1_005, chargedFen: 905 }],
  ])('%s', (_, price, unserved, expected) => {
    expect(exchangeOffer(price, unserved, policy)).toEqual(expected);
  });

  it('follows the policy percentage', () => {
    expect(exchangeOffer(10_000, [{ skuId: 'A', quantity: 1 }], { exchangePricePercent: 80 }).chargedFen).toBe(8_000);
  });
});

describe('priorityShipBy', () => {
  it.each([
    ['24 hours after the restock', '2026-11-21T02:00:00.000Z', '2026-11-22T02:00:00.000Z'],
    ['across a month end', '2026-11-30T20:30:00.000Z', '2026-12-01T20:30:00.000Z'],
  ])('%s', (_, restockedAt, expected) => {
    expect(priorityShipBy(restockedAt, policy)).toBe(expected);
  });
});

describe('cancellationReason', () => {
  it.each([
    ['the customer chose cancel', { outcome: 'cancel', decidedBy: 'carol' }, 'the customer cancelled'],
    ['the default branch after the decision window', { outcome: 'cancel', decidedBy: 'system' }, 'no decision within 48 hours'],
    ['a restock wait that timed out', { outcome: 'wait-restock', decidedBy: 'carol' }, 'no decision within 48 hours'],
    ['no contact recorded', undefined, 'no decision within 48 hours'],
  ])('%s', (_, contact, expected) => {
    expect(cancellationReason(contact, policy)).toBe(expected);
  });
});
