/** Money is integer fen (1 yuan = 100 fen) everywhere: no floating point ever touches an amount. */
export type Fen = number;

export function yuan(amount: number): Fen {
  const fen = Math.round(amount * 100);
  assertFen(fen);
  return fen;
}

export function assertFen(value: number, field = 'amount'): asserts value is Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field} must be an integer number of fen, got ${value}`);
}

/** `percent` of an amount, rounded half up to the fen (90% of 1999 fen = 1799 fen). */
export function percentOf(amount: Fen, percent: number): Fen {
  assertFen(amount);
  return Math.floor((amount * percent + 50) / 100);
}

export function sumFen(amounts: Fen[]): Fen {
  return amounts.reduce((total, amount) => {
    assertFen(amount);
    return total + amount;
  }, 0);
}

/** `¥1,234.50` for people; never parse this back. */
export function formatYuan(amount: Fen): string {
  assertFen(amount);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}
