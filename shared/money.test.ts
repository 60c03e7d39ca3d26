import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatYuan, percentOf, sumFen, yuan } from './money';

describe('money in fen', () => {
  it.each([
    [19.99, 1999],
    [500, 50_000],
    [0.1 + 0.2, 30],
  ])('%f yuan is %i fen', (amount, fen) => expect(yuan(amount)).toBe(fen));

  it.each([
    [1999, 90, 1799],
    [100, 90, 90],
    [5, 50, 3],
  ])('%i fen at %i%% is %i fen, rounded half up', (amount, percent, expected) => expect(percentOf(amount, percent)).toBe(expected));

  it('refuses amounts that are not whole fen', () => {
    expect(() => sumFen([100, 0.5])).toThrow(/integer number of fen/);
  });

  it('formats for people', () => {
    expect(formatYuan(123_450)).toBe('¥1,234.50');
    expect(formatYuan(-5)).toBe('-¥0.05');
  });

  it('90% of an amount never exceeds it and never loses more than a fen to rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (amount) => {
        const discounted = percentOf(amount, 90);
        return discounted <= amount && Math.abs(discounted * 100 - amount * 90) <= 50;
      }),
    );
  });
});
