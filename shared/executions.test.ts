import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessKeyOf, executionNameFor } from './executions';

const VALID_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('executionNameFor', () => {
  it('uses a key that is already a valid execution name as it is', () => {
    expect(executionNameFor('ORD-20261123-0001')).toBe('ORD-20261123-0001');
  });

  it('turns any key into a valid, stable name that differs for different keys', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.string({ minLength: 1, maxLength: 200 }), (a, b) => {
        const name = executionNameFor(a);
        expect(name).toMatch(VALID_NAME);
        expect(executionNameFor(a)).toBe(name);
        if (a !== b) expect(executionNameFor(b)).not.toBe(name);
      }),
    );
  });

  it('keeps a readable prefix for keys with spaces or slashes', () => {
    expect(executionNameFor('listing 42/rev 3')).toMatch(/^listing_42_rev_3-[0-9a-f]{12}$/);
  });
});

describe('businessKeyOf', () => {
  it.each([
    [{ orderId: 'O-1' }, 'O-1'],
    [{ orderId: '' }, undefined],
    [{ orderId: 7 }, undefined],
    [{}, undefined],
  ])('%j → %s', (detail, expected) => expect(businessKeyOf(detail, 'orderId')).toBe(expected));
});
