import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startTestTables } from '../../tests/tables';
import { InsufficientStockError, ValidationError } from '../errors';
import { InventoryRepository, stockEventKey, type Allocation, type ServedWaiter, type StockReceipt } from './inventory';

let tables: Awaited<ReturnType<typeof startTestTables>>;
let dynamo: DynamoDBClient;
let docs: DynamoDBDocumentClient;
let repo: InventoryRepository;
let table: string;

beforeAll(async () => {
  tables = await startTestTables();
  ({ dynamo, docs } = tables);
  table = tables.table('RecordsTable');
  repo = new InventoryRepository({ table, client: docs });
});

afterAll(async () => {
  await tables?.stop();
});

/** Every test uses its own SKUs and orders, so the shared table does not mix them. */
const sku = (name = 'TEA') => `SKU-${name}-${ulid()}`;
const order = () => `O-${ulid()}`;
const receipt = (skuId: string, locationId: string, quantity: number, receivedAt = '2026-11-20T06:00:00Z'): StockReceipt => ({
  skuId,
  locationId,
  quantity,
  receivedAt,
});

async function stockItem(skuId: string, locationId: string) {
  const { Item } = await docs.send(new GetCommand({ TableName: table, Key: { pk: `SKU#${skuId}`, sk: `LOC#${locationId}` }, ConsistentRead: true }));
  return Item;
}

async function waitlist(skuId: string) {
  const { Items } = await docs.send(
    new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `WAITLIST#${skuId}` }, ConsistentRead: true }),
  );
  return Items ?? [];
}


describe('applyStockReceived', () => {
  it('applies a receipt once, however often and however concurrently it arrives', async () => {
    const tea = sku();
    expect(await repo.applyStockReceived(receipt(tea, 'WH-EAST', 200))).toEqual({ applied: true, fulfilledWaiters: [] });
    // The same receipt written with milliseconds is the same receipt.
    expect(await repo.applyStockReceived(receipt(tea, 'WH-EAST', 200, '2026-11-20T06:00:00.000Z'))).toEqual({ applied: false, fulfilledWaiters: [] });
    expect(await repo.available(tea)).toEqual(new Map([['WH-EAST', 200]]));

    const duplicates = await Promise.all(Array.from({ length: 8 }, () => repo.applyStockReceived(receipt(tea, 'ST-SH-01', 5, '2026-11-21T00:00:00Z'))));
    expect(duplicates.filter((r) => r.applied)).toHaveLength(1);
    // Another time, another receipt.
    expect((await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 5, '2026-11-21T01:00:00Z'))).applied).toBe(true);

    expect(await repo.available(tea)).toEqual(new Map([['WH-EAST', 200], ['ST-SH-01', 10]]));
    expect(await stockItem(tea, 'ST-SH-01')).toMatchObject({ skuId: tea, locationId: 'ST-SH-01', onHand: 10, reserved: 0, available: 10 });
  });

  it('keys a receipt by its content', () => {
    const base = receipt('SKU-1', 'WH-EAST', 3);
    expect(stockEventKey(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(stockEventKey({ ...base, receivedAt: '2026-11-20T14:00:00+08:00' })).toBe(stockEventKey(base));
    for (const other of [{ skuId: 'SKU-2' }, { locationId: 'ST-SH-01' }, { quantity: 4 }, { receivedAt: '2026-11-20T06:00:01Z' }]) {
      expect(stockEventKey({ ...base, ...other })).not.toBe(stockEventKey(base));
    }
  });

  it.each([
    ['a zero quantity', { quantity: 0 }, 'quantity'],
    ['a bad time', { receivedAt: 'yesterday' }, 'receivedAt'],
    ['an id with #', { locationId: 'LOC#1' }, 'locationId'],
  ])('rejects %s', async (_, change, field) => {
    const error = await rejection(repo.applyStockReceived({ ...receipt(sku(), 'WH-EAST', 1), ...change }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((e) => e.field)).toEqual([field]);
  });
});

describe('reserve and release', () => {
  it('reserves all lines once; a duplicate reserves nothing', async () => {
    const [tea, cup] = [sku('TEA'), sku('CUP')];
    await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 5));
    await repo.applyStockReceived(receipt(cup, 'WH-EAST', 2));
    const orderId = order();
    const lines: Allocation[] = [
      { locationId: 'ST-SH-01', skuId: tea, quantity: 2 },
      { locationId: 'WH-EAST', skuId: cup, quantity: 1 },
      { locationId: 'ST-SH-01', skuId: tea, quantity: 1 },
    ];

    expect(await repo.reserve(orderId, lines)).toBe('reserved');
    expect(await repo.reserve(orderId, lines)).toBe('already-reserved');
    // Even a duplicate that asks for something else, or for more than there is.
    expect(await repo.reserve(orderId, [{ locationId: 'ST-SH-01', skuId: tea, quantity: 99 }])).toBe('already-reserved');

    expect(await repo.available(tea)).toEqual(new Map([['ST-SH-01', 2]]));
    expect(await repo.available(cup)).toEqual(new Map([['WH-EAST', 1]]));
    expect(await stockItem(tea, 'ST-SH-01')).toMatchObject({ onHand: 5, reserved: 3, available: 2 });
    const reservation = await repo.reservationOf(orderId);
    expect(reservation).toMatchObject({
      orderId,
      allocations: [
        { locationId: 'ST-SH-01', skuId: tea, quantity: 3 },
        { locationId: 'WH-EAST', skuId: cup, quantity: 1 },
      ],
    });
    expect(Date.parse(reservation!.reservedAt)).not.toBeNaN();
  });

  it('lets exactly one of 10 concurrent duplicates reserve', async () => {
    const tea = sku();
    await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 20));
    const orderId = order();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => repo.reserve(orderId, [{ locationId: 'ST-SH-01', skuId: tea, quantity: 2 }])),
    );
    expect(results.filter((r) => r === 'reserved')).toHaveLength(1);
    expect(results.filter((r) => r === 'already-reserved')).toHaveLength(9);
    expect(await repo.available(tea)).toEqual(new Map([['ST-SH-01', 18]]));
  });

  it('throws InsufficientStockError naming what fell short, and reserves none of the lines', async () => {
    const [tea, cup] = [sku('TEA'), sku('CUP')];
    await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 5));
    await repo.applyStockReceived(receipt(cup, 'ST-SH-01', 1));
    const orderId = order();
    const error = await rejection(
      repo.reserve(orderId, [
        { locationId: 'ST-SH-01', skuId: tea, quantity: 2 },
        { locationId: 'ST-SH-01', skuId: cup, quantity: 2 },
        { locationId: 'ST-HZ-01', skuId: cup, quantity: 1 },
      ]),
    );
    expect(error).toBeInstanceOf(InsufficientStockError);
    expect(error.name).toBe('InsufficientStockError');
    expect(error.message).toBe(`not enough stock for order ${orderId}: ${cup} at ST-SH-01 (needs 2, has 1); ${cup} at ST-HZ-01 (needs 1, has 0)`);
    expect(await repo.available(tea)).toEqual(new Map([['ST-SH-01', 5]]));
    expect(await repo.available(cup)).toEqual(new Map([['ST-SH-01', 1]]));
    expect(await repo.reservationOf(orderId)).toBeUndefined();
    // A reservation never creates stock items for locations that never had stock.
    expect(await stockItem(cup, 'ST-HZ-01')).toBeUndefined();
  });

  it('never oversells when 12 orders race for 5 units', async () => {
    const tea = sku();
    await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 5));
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => repo.reserve(order(), [{ locationId: 'ST-SH-01', skuId: tea, quantity: 1 }])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InsufficientStockError);
    expect(await stockItem(tea, 'ST-SH-01')).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
  });

  it('releases once, giving the quantities back', async () => {
    const tea = sku();
    await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 5));
    await repo.applyStockReceived(receipt(tea, 'WH-EAST', 5));
    const orderId = order();
    const lines = [
      { locationId: 'ST-SH-01', skuId: tea, quantity: 5 },
      { locationId: 'WH-EAST', skuId: tea, quantity: 2 },
    ];
    await repo.reserve(orderId, lines);

    const released = await Promise.all([repo.release(orderId), repo.release(orderId), repo.release(orderId)]);
    expect(released.filter((r) => r.length)).toEqual([lines]);
    expect(await repo.release(orderId)).toEqual([]);
    expect(await repo.reservationOf(orderId)).toBeUndefined();
    expect(await repo.available(tea)).toEqual(new Map([['ST-SH-01', 5], ['WH-EAST', 5]]));
    expect(await stockItem(tea, 'ST-SH-01')).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    expect(await repo.release(order())).toEqual([]);
  });

  it.each([
    ['no lines', [], 'allocations'],
    ['a negative quantity', [{ locationId: 'WH-EAST', skuId: 'SKU-1', quantity: -1 }], 'allocations[0].quantity'],
    ['an empty SKU', [{ locationId: 'WH-EAST', skuId: '', quantity: 1 }], 'allocations[0].skuId'],
  ])('rejects %s', async (_, allocations, field) => {
    const error = await rejection(repo.reserve(order(), allocations));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((e) => e.field)).toEqual([field]);
  });
});

describe('waitlist', () => {
  const join = (skuId: string, orderId: string, quantity: number, placedAt: string) => repo.joinWaitlist({ orderId, skuId, quantity, placedAt });

  it('serves waiting orders oldest first on restock, skipping one that does not fit', async () => {
    const tea = sku();
    const [first, second, third, fourth] = [order(), order(), order(), order()];
    // Joined out of order: the waitlist sorts by placedAt.
    expect(await join(tea, third, 1, '2026-11-21T03:00:00Z')).toEqual({ waiting: true });
    expect(await join(tea, first, 2, '2026-11-21T01:00:00Z')).toEqual({ waiting: true });
    expect(await join(tea, fourth, 1, '2026-11-21T04:00:00Z')).toEqual({ waiting: true });
    expect(await join(tea, second, 5, '2026-11-21T02:00:00Z')).toEqual({ waiting: true });

    const restock = await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 3));
    expect(restock.applied).toBe(true);
    expect(restock.fulfilledWaiters).toEqual<ServedWaiter[]>([
      { orderId: first, skuId: tea, quantity: 2, locationId: 'ST-SH-01', placedAt: '2026-11-21T01:00:00.000Z' },
      { orderId: third, skuId: tea, quantity: 1, locationId: 'ST-SH-01', placedAt: '2026-11-21T03:00:00.000Z' },
    ]);
    expect(await repo.reservationOf(first)).toMatchObject({ allocations: [{ locationId: 'ST-SH-01', skuId: tea, quantity: 2 }] });
    expect((await waitlist(tea)).map((w) => w.orderId)).toEqual([second, fourth]);
    expect(await stockItem(tea, 'ST-SH-01')).toMatchObject({ onHand: 3, reserved: 3, available: 0 });

    // A duplicate of that restock serves nobody new and adds nothing.
    expect(await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 3))).toEqual({ applied: false, fulfilledWaiters: [] });

    const next = await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 5, '2026-11-22T00:00:00Z'));
    expect(next.fulfilledWaiters.map((w) => [w.orderId, w.quantity])).toEqual([[second, 5]]);
    const last = await repo.applyStockReceived(receipt(tea, 'ST-HZ-01', 1, '2026-11-22T00:00:00Z'));
    expect(last.fulfilledWaiters.map((w) => [w.orderId, w.locationId])).toEqual([[fourth, 'ST-HZ-01']]);
    expect(await waitlist(tea)).toEqual([]);
  });

  it('reserves stock that arrived before the order started waiting, from the location with the most', async () => {
    const tea = sku();
    await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 2));
    await repo.applyStockReceived(receipt(tea, 'WH-EAST', 4));
    const orderId = order();

    const result = await join(tea, orderId, 2, '2026-11-21T01:00:00Z');
    expect(result).toEqual({ reserved: { locationId: 'WH-EAST', skuId: tea, quantity: 2 } });
    expect(await waitlist(tea)).toEqual([]);
    expect(await repo.available(tea)).toEqual(new Map([['ST-SH-01', 2], ['WH-EAST', 2]]));
    // Joining again returns the same reservation and takes nothing more.
    expect(await join(tea, orderId, 2, '2026-11-21T01:00:00Z')).toEqual(result);
    expect(await repo.available(tea)).toEqual(new Map([['ST-SH-01', 2], ['WH-EAST', 2]]));
  });

  it('registers once per order and SKU, keeping the first registration', async () => {
    const tea = sku();
    const orderId = order();
    await join(tea, orderId, 1, '2026-11-21T01:00:00Z');
    const [entry] = await waitlist(tea);
    await join(tea, orderId, 1, '2026-11-21T01:00:00.000Z');
    const entries = await waitlist(tea);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ orderId, quantity: 1, registeredAt: entry.registeredAt });

    // One order waiting on two SKUs is served once per SKU.
    const cup = sku('CUP');
    await join(cup, orderId, 1, '2026-11-21T01:00:00Z');
    await repo.applyStockReceived(receipt(tea, 'WH-EAST', 1));
    await repo.applyStockReceived(receipt(cup, 'WH-EAST', 1));
    expect((await repo.reservationOf(orderId))?.allocations).toEqual([
      { locationId: 'WH-EAST', skuId: tea, quantity: 1 },
      { locationId: 'WH-EAST', skuId: cup, quantity: 1 },
    ].sort((a, b) => (a.skuId < b.skuId ? -1 : 1)));
    expect(await join(tea, orderId, 1, '2026-11-21T01:00:00Z')).toEqual({ reserved: { locationId: 'WH-EAST', skuId: tea, quantity: 1 } });
    expect(await waitlist(tea)).toEqual([]);

    // Released (the order was cancelled): both lines go back to stock.
    expect(await repo.release(orderId)).toHaveLength(2);
    expect(await repo.available(tea)).toEqual(new Map([['WH-EAST', 1]]));
  });

  it('gives the restock to the waiting order even while new orders keep trying to take it', async () => {
    for (let round = 0; round < 5; round++) {
      const tea = sku();
      const waiter = order();
      expect(await join(tea, waiter, 2, '2026-11-21T01:00:00Z')).toEqual({ waiting: true });
      let landed = false;
      const restock = repo.applyStockReceived(receipt(tea, 'ST-SH-01', 2)).finally(() => (landed = true));
      const newOrders: Promise<unknown>[] = [];
      while (!landed) {
        newOrders.push(repo.reserve(order(), [{ locationId: 'ST-SH-01', skuId: tea, quantity: 1 }]).catch((error) => error));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const outcomes = await Promise.all(newOrders);
      expect((await restock).fulfilledWaiters.map((w) => w.orderId)).toEqual([waiter]);
      for (const outcome of outcomes) expect(outcome).toBeInstanceOf(InsufficientStockError);
    }
  });

  it('serves waiters on a redelivered receipt, for a run that stopped after landing the stock', async () => {
    const tea = sku();
    await repo.applyStockReceived(receipt(tea, 'WH-EAST', 2));
    // A waiter the first run never got to (as if it crashed between the two steps).
    const orderId = order();
    await docs.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `WAITLIST#${tea}`,
          sk: `2026-11-21T01:00:00.000Z#${orderId}`,
          orderId,
          skuId: tea,
          quantity: 2,
          placedAt: '2026-11-21T01:00:00.000Z',
          registeredAt: '2026-11-21T01:00:01.000Z',
        },
      }),
    );
    const again = await repo.applyStockReceived(receipt(tea, 'WH-EAST', 2));
    expect(again.applied).toBe(false);
    expect(again.fulfilledWaiters.map((w) => [w.orderId, w.quantity])).toEqual([[orderId, 2]]);
    expect(await stockItem(tea, 'WH-EAST')).toMatchObject({ onHand: 2, reserved: 2, available: 0 });
  });

  it('answers a repeat join of a line a restock served with its reservation, reserving nothing more', async () => {
    const tea = sku();
    const orderId = order();
    expect(await join(tea, orderId, 1, '2026-11-21T01:00:00Z')).toEqual({ waiting: true });
    const restock = await repo.applyStockReceived(receipt(tea, 'WH-EAST', 1));
    expect(restock.fulfilledWaiters.map((w) => w.orderId)).toEqual([orderId]);
    expect(await join(tea, orderId, 1, '2026-11-21T01:00:00Z')).toEqual({ reserved: { locationId: 'WH-EAST', skuId: tea, quantity: 1 } });
    expect(await waitlist(tea)).toEqual([]);
    expect(await stockItem(tea, 'WH-EAST')).toMatchObject({ onHand: 1, reserved: 1 });
  });

  it('does not serve an order that left the waitlist', async () => {
    const tea = sku();
    const orderId = order();
    await join(tea, orderId, 1, '2026-11-21T01:00:00Z');
    expect(await repo.leaveWaitlist(orderId, tea, '2026-11-21T01:00:00.000Z')).toBe(true);
    expect(await repo.leaveWaitlist(orderId, tea, '2026-11-21T01:00:00Z')).toBe(false);
    expect((await repo.applyStockReceived(receipt(tea, 'WH-EAST', 1))).fulfilledWaiters).toEqual([]);
    expect(await repo.reservationOf(orderId)).toBeUndefined();
  });

  it('hands released stock to waiters with serveWaitlist', async () => {
    const tea = sku();
    await repo.applyStockReceived(receipt(tea, 'ST-SH-01', 1));
    const buyer = order();
    await repo.reserve(buyer, [{ locationId: 'ST-SH-01', skuId: tea, quantity: 1 }]);
    const waiter = order();
    expect(await join(tea, waiter, 1, '2026-11-21T01:00:00Z')).toEqual({ waiting: true });
    await repo.release(buyer);
    expect((await repo.serveWaitlist(tea, 'ST-SH-01')).map((w) => w.orderId)).toEqual([waiter]);
    expect(await stockItem(tea, 'ST-SH-01')).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
  });

  it('reserves each of 6 concurrent joins exactly once across concurrent restocks', async () => {
    const tea = sku();
    const orders = Array.from({ length: 6 }, () => order());
    const results = await Promise.all([
      ...orders.map((orderId, i) => join(tea, orderId, 1, `2026-11-21T0${i}:00:00Z`)),
      ...[0, 1, 2].map((i) => repo.applyStockReceived(receipt(tea, 'WH-EAST', 2, `2026-11-22T0${i}:00:00Z`))),
    ]);
    const joined = results.slice(0, 6) as Awaited<ReturnType<typeof join>>[];
    const restocked = results.slice(6) as Awaited<ReturnType<typeof repo.applyStockReceived>>[];
    const servedByRestock = restocked.flatMap((r) => r.fulfilledWaiters.map((w) => w.orderId));
    const servedAtJoin = orders.filter((_, i) => 'reserved' in joined[i]);
    // Every order is served (by a restock or its own join), and reserved exactly once.
    expect(new Set([...servedByRestock, ...servedAtJoin])).toEqual(new Set(orders));
    expect(new Set(servedByRestock).size).toBe(servedByRestock.length);
    for (const orderId of orders) expect((await repo.reservationOf(orderId))?.allocations).toHaveLength(1);
    expect(await waitlist(tea)).toEqual([]);
    expect(await stockItem(tea, 'WH-EAST')).toMatchObject({ onHand: 6, reserved: 6, available: 0 });
  });
});

describe('property: random interleavings never oversell, double-reserve or double-apply', () => {
  type Command =
    | { type: 'stock'; sku: number; loc: number; quantity: number; minute: number }
    | { type: 'order'; order: number; lines: { sku: number; loc: number; quantity: number }[] }
    | { type: 'wait'; order: number; sku: number };

  const LOCATIONS = ['WH-EAST', 'ST-SH-01'];
  const SKUS = 2;
  const command: fc.Arbitrary<Command> = fc.oneof(
    fc.record({
      type: fc.constant('stock' as const),
      sku: fc.nat(SKUS - 1),
      loc: fc.nat(LOCATIONS.length - 1),
      quantity: fc.integer({ min: 1, max: 3 }),
      minute: fc.nat(2),
    }),
    fc.record({
      type: fc.constant('order' as const),
      order: fc.nat(4),
      lines: fc.array(fc.record({ sku: fc.nat(SKUS - 1), loc: fc.nat(LOCATIONS.length - 1), quantity: fc.integer({ min: 1, max: 3 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
    }),
    fc.record({ type: fc.constant('wait' as const), order: fc.nat(3), sku: fc.nat(SKUS - 1) }),
  );

  /** A waiting order's line is fixed by the order and SKU, as a real order's line is. */
  const waitQuantity = (orderNo: number, skuNo: number) => 1 + ((orderNo + skuNo) % 3);

  async function scanRun(run: string) {
    const items: Record<string, any>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await docs.send(
        new ScanCommand({
          TableName: table,
          ConsistentRead: true,
          FilterExpression: 'contains(pk, :run) OR begins_with(skuId, :run)',
          ExpressionAttributeValues: { ':run': run },
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  it('holds for concurrent batches of orders, duplicates, stock arrivals and waitlist joins', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(command, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }), async (batches) => {
        const run = `R${ulid()}`;
        const skuOf = (n: number) => `${run}-SKU${n}`;
        const routed = (n: number) => `${run}-RO${n}`;
        const waiting = (n: number) => `${run}-WO${n}`;
        const receiptOf = (c: Extract<Command, { type: 'stock' }>) =>
          receipt(skuOf(c.sku), LOCATIONS[c.loc], c.quantity, `2026-11-20T06:0${c.minute}:00Z`);

        const reserveResults = new Map<string, string[]>();
        const submitted = new Map<string, Allocation[][]>();
        let appliedCount = 0;
        const servedByRestock: ServedWaiter[] = [];
        const joinedReserved = new Map<string, Allocation>();
        const joinedWaiting = new Set<string>();

        for (const batch of batches) {
          const settled = await Promise.allSettled(
            batch.map(async (c) => {
              if (c.type === 'stock') {
                const result = await repo.applyStockReceived(receiptOf(c));
                if (result.applied) appliedCount++;
                servedByRestock.push(...result.fulfilledWaiters);
              } else if (c.type === 'order') {
                const orderId = routed(c.order);
                const lines = c.lines.map((l) => ({ skuId: skuOf(l.sku), locationId: LOCATIONS[l.loc], quantity: l.quantity }));
                submitted.set(orderId, [...(submitted.get(orderId) ?? []), lines]);
                const result = await repo.reserve(orderId, lines);
                reserveResults.set(orderId, [...(reserveResults.get(orderId) ?? []), result]);
              } else {
                const orderId = waiting(c.order);
                const skuId = skuOf(c.sku);
                const result = await repo.joinWaitlist({
                  orderId,
                  skuId,
                  quantity: waitQuantity(c.order, c.sku),
                  placedAt: `2026-11-21T0${c.order}:00:00Z`,
                });
                const key = `${orderId}|${skuId}`;
                if ('reserved' in result) {
                  const before = joinedReserved.get(key);
                  if (before) expect(result.reserved).toEqual(before);
                  joinedReserved.set(key, result.reserved);
                } else joinedWaiting.add(key);
              }
            }),
          );
          for (const outcome of settled) {
            if (outcome.status === 'rejected' && !(outcome.reason instanceof InsufficientStockError)) throw outcome.reason;
          }
        }

        const items = await scanRun(run);
        const stock = items.filter((i) => i.pk.startsWith('SKU#'));
        const events = items.filter((i) => i.pk.startsWith('STOCKEVENT#'));
        const reservations = items.filter((i) => i.pk.startsWith('ORDER#'));
        const waitlisted = items.filter((i) => i.pk.startsWith('WAITLIST#'));

        // Each distinct receipt applied exactly once, and on-hand is their sum.
        const distinct = new Map<string, StockReceipt>();
        for (const c of batches.flat()) if (c.type === 'stock') distinct.set(stockEventKey(receiptOf(c)), receiptOf(c));
        expect(events.length).toBe(distinct.size);
        expect(appliedCount).toBe(distinct.size);
        const expectedOnHand = new Map<string, number>();
        for (const r of distinct.values()) {
          const key = `${r.skuId}|${r.locationId}`;
          expectedOnHand.set(key, (expectedOnHand.get(key) ?? 0) + r.quantity);
        }

        // Reserved counters equal what the reservations hold, and never exceed on-hand.
        const held = new Map<string, number>();
        for (const r of reservations) {
          for (const a of r.allocations as Allocation[]) {
            const key = `${a.skuId}|${a.locationId}`;
            held.set(key, (held.get(key) ?? 0) + a.quantity);
          }
        }
        for (const s of stock) {
          const key = `${s.skuId}|${s.locationId}`;
          expect(s.onHand).toBe(expectedOnHand.get(key) ?? 0);
          expect(s.reserved).toBe(held.get(key) ?? 0);
          expect(s.reserved).toBeGreaterThanOrEqual(0);
          expect(s.reserved).toBeLessThanOrEqual(s.onHand);
          expect(s.available).toBe(s.onHand - s.reserved);
        }
        for (const key of held.keys()) expect(stock.some((s) => `${s.skuId}|${s.locationId}` === key)).toBe(true);

        // A routed order is reserved at most once, with the lines of one of its submissions.
        for (const [orderId, results] of reserveResults) {
          const item = reservations.find((r) => r.orderId === orderId && r.sk === 'RESERVATION');
          expect(results.filter((r) => r === 'reserved').length).toBe(item ? 1 : 0);
          if (item) {
            const merged = submitted.get(orderId)!.map((lines) => sortLines(mergeLines(lines)));
            expect(merged).toContainEqual(sortLines(item.allocations));
          }
        }

        // A waiting line is reserved at most once, never also still waiting, never left waiting while stock fits.
        const served = new Set<string>();
        for (const w of servedByRestock) {
          const key = `${w.orderId}|${w.skuId}`;
          expect(served.has(key)).toBe(false);
          served.add(key);
        }
        // Every reserved line is reported, by the restock that served it or to the join that reserved it.
        for (const grant of reservations.filter((r) => r.sk.startsWith('RESERVATION#'))) {
          const skuId = grant.sk.slice('RESERVATION#'.length);
          const key = `${grant.orderId}|${skuId}`;
          expect(grant.allocations).toHaveLength(1);
          expect(waitlisted.some((w) => w.orderId === grant.orderId && w.skuId === skuId)).toBe(false);
          expect(served.has(key) || joinedReserved.has(key)).toBe(true);
          const reported = servedByRestock.find((w) => `${w.orderId}|${w.skuId}` === key);
          if (reported) expect({ locationId: reported.locationId, skuId: reported.skuId, quantity: reported.quantity }).toEqual(grant.allocations[0]);
        }
        for (const key of joinedWaiting) {
          const [orderId, skuId] = key.split('|');
          // ...and a join told `waiting` hears later: from a restock, or from a repeat join that reserved it.
          const stillWaiting = waitlisted.some((w) => w.orderId === orderId && w.skuId === skuId);
          expect(stillWaiting || served.has(key) || joinedReserved.has(key)).toBe(true);
        }
        for (const key of [...served, ...joinedReserved.keys()]) {
          const [orderId, skuId] = key.split('|');
          expect(reservations.some((r) => r.orderId === orderId && r.sk === `RESERVATION#${skuId}`)).toBe(true);
        }
        for (const w of waitlisted) {
          for (const s of stock.filter((s) => s.skuId === w.skuId)) expect(w.quantity).toBeGreaterThan(s.available);
        }
      }),
      // INVENTORY_PROPERTY_RUNS=500 for a longer soak.
      { numRuns: Number(process.env.INVENTORY_PROPERTY_RUNS ?? 30) },
    );
  }, 300_000);
});

function mergeLines(lines: Allocation[]): Allocation[] {
  const merged = new Map<string, Allocation>();
  for (const l of lines) {
    const key = `${l.skuId}|${l.locationId}`;
    merged.set(key, { ...l, quantity: (merged.get(key)?.quantity ?? 0) + l.quantity });
  }
  return [...merged.values()];
}

function sortLines(lines: Allocation[]): Allocation[] {
  return [...lines]
    .map(({ locationId, skuId, quantity }) => ({ locationId, skuId, quantity }))
    .sort((a, b) => `${a.skuId}|${a.locationId}`.localeCompare(`${b.skuId}|${b.locationId}`));
}
