import { describe, expect, it } from 'vitest';
import { failedConditionalWriteUnits, indexWriteUnits, itemSize, numberSize, transactionalWriteUnits, valueSize, writeUnits, writeUnitsOf, type IndexShape, type Item } from './capacity';

// Every expectation is worked out by hand from the Amazon DynamoDB Developer Guide (DG) page named.
const text = (bytes: number) => ({ S: 'x'.repeat(bytes) });

describe('item sizes (DG "Item sizes and formats")', () => {
  it.each([
    // Strings are their UTF-8 bytes: a Chinese character is 3.
    [{ S: 'abc' }, 3],
    [{ S: '杭州市' }, 9],
    // Numbers: a byte per two significant digits, plus one; zeroes at either end are not significant.
    [{ N: '29800' }, 3],
    [{ N: '1' }, 2],
    [{ N: '-0.00123' }, 3],
    [{ N: '120.13' }, 4],
    // Binary is its raw bytes (sent base64-encoded).
    [{ B: Buffer.from('four').toString('base64') }, 4],
    [{ BOOL: true }, 1],
    [{ NULL: true }, 1],
    // List and Map: 3 bytes, plus 1 per element; a map's element names count.
    [{ L: [] }, 3],
    [{ L: [{ S: 'ab' }, { N: '7' }] }, 3 + (2 + 1) + (2 + 1)],
    [{ M: { qty: { N: '1' } } }, 3 + 3 + 2 + 1],
    [{ SS: ['a', 'bc'] }, 3],
  ])('%j is %i bytes', (value, bytes) => {
    expect(valueSize(value)).toBe(bytes);
  });

  it('adds up attribute names and values', () => {
    // pk: 2 + 7, sk: 2 + 5, quantity: 8 + 2
    expect(itemSize({ pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' }, quantity: { N: '3' } })).toBe(9 + 7 + 10);
    expect(itemSize(undefined)).toBe(0);
    expect(numberSize('100')).toBe(2);
  });
});

describe('write units (DG "Capacity unit consumption for write operations")', () => {
  it.each([
    [0, 1],
    [1, 1],
    [1024, 1],
    [1025, 2],
    [2048, 2],
    [2049, 3],
  ])('an item of %i bytes is %i unit(s), at least one', (bytes, units) => {
    expect(writeUnits(bytes)).toBe(units);
  });

  it('bills an update or a put on the larger of the item before and after it', () => {
    const small: Item = { pk: { S: 'a' }, sk: { S: 'b' } };
    const big: Item = { ...small, d: text(1500) };
    expect(writeUnitsOf(big, small)).toBe(2);
    expect(writeUnitsOf(small, big)).toBe(2);
    expect(writeUnitsOf(undefined, small)).toBe(1);
  });

  it('bills a transaction two units per KB of every item (DG "Capacity management for transactions")', () => {
    const small: Item = { pk: { S: 'a' }, sk: { S: 'b' } };
    const big: Item = { ...small, d: text(1500) };
    // DynamoDB Local reports 12 for this one: it adds each distinct item size once, four times over.
    expect(transactionalWriteUnits([{ after: small }, { before: small, after: big }])).toBe(2 + 4);
    expect(transactionalWriteUnits([{ after: small }, { after: small }, { after: small }])).toBe(6);
    // A ConditionCheck's item is the same before and after: two units per KB still.
    expect(transactionalWriteUnits([{ before: big, after: big }])).toBe(4);
    // An index entry the write creates is one ordinary index write.
    const index = { keys: ['g'], projection: 'ALL' as const };
    expect(transactionalWriteUnits([{ after: { ...small, g: { S: 'k' } }, indexes: [index], tableKeys: ['pk', 'sk'] }])).toBe(2 + 1);
  });

  it('bills a write whose condition failed on the item that is there, one unit when none is (DG "Condition expressions")', () => {
    expect(failedConditionalWriteUnits(undefined)).toBe(1);
    expect(failedConditionalWriteUnits({ pk: { S: 'a' }, d: text(3000) })).toBe(3);
  });
});

describe('index writes (DG "Provisioned throughput considerations for global secondary indexes")', () => {
  const all: IndexShape = { keys: ['gsi1pk', 'gsi1sk'], projection: 'ALL' };
  const keysOnly: IndexShape = { keys: ['gsi1pk', 'gsi1sk'], projection: 'KEYS_ONLY' };
  const tableKeys = ['pk', 'sk'];
  const base: Item = { pk: { S: 'OUTBOX#1' }, sk: { S: 'order-confirmation' }, status: { S: 'sending' } };
  const indexed: Item = { ...base, gsi1pk: { S: 'OUTBOX#pending' }, gsi1sk: { S: '2026-11-23T01:01:00Z' } };

  it.each([
    ['an item in the index neither before nor after', base, { ...base, status: { S: 'sent' } }, all, 0],
    ['an item entering the index', undefined, indexed, all, 1],
    ['an item leaving it (its key removed)', indexed, { ...base, status: { S: 'sent' } }, all, 1],
    ['an item whose index key changes: a delete and a put', indexed, { ...indexed, gsi1sk: { S: '2026-11-23T02:00:00Z' } }, all, 2],
    ['an item whose projected attributes change', indexed, { ...indexed, status: { S: 'pending' } }, all, 1],
    ['a change the KEYS_ONLY entry does not hold', indexed, { ...indexed, status: { S: 'pending' } }, keysOnly, 0],
    ['a big item projected whole', undefined, { ...indexed, d: text(1500) }, all, 2],
    ['a big item projected as keys only', undefined, { ...indexed, d: text(1500) }, keysOnly, 1],
  ] as const)('%s: %i unit(s)', (_case, before, after, index, units) => {
    expect(indexWriteUnits(index, tableKeys, before as Item | undefined, after as Item)).toBe(units);
  });

  it('does not mistake attributes read back in another order for a change', () => {
    const reordered = Object.fromEntries(Object.entries(indexed).reverse()) as Item;
    expect(indexWriteUnits(all, tableKeys, indexed, reordered)).toBe(0);
  });
});
