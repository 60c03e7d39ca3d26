import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addresses } from '../../events/samples';
import { ValidationError } from '../../shared/errors';
import { loadLocations, type Location } from './locations';
import { orderRoutingPolicy as policy } from './policy';
import { chooseFulfilment, distanceKm, highValueHandling, type OrderLine, type RoutingDecision } from './rules';

const locations = loadLocations();
const TEA = 'SKU-TEA-250';
const CUP = 'SKU-CUP-01';

/** Stock as `{ 'ST-SH-01': { SKU: n } }`; anything missing is 0. */
type Stock = Record<string, Record<string, number>>;
const from = (stock: Stock) => (skuId: string, locationId: string) => stock[locationId]?.[skuId] ?? 0;

function route(lines: OrderLine[], shipTo: { lat: number; lng: number }, stock: Stock, at: Location[] = locations): RoutingDecision {
  return chooseFulfilment({ lines, shipTo, locations: at, available: from(stock), policy });
}

const whyOf = (decision: RoutingDecision, locationId: string) => decision.candidates.find((c) => c.locationId === locationId)?.why;

describe('locations', () => {
  it('loads the four reference locations', () => {
    expect(locations.map((l) => [l.locationId, l.kind, l.city])).toEqual([
      ['WH-EAST', 'warehouse', 'Shanghai'],
      ['ST-SH-01', 'store', 'Shanghai'],
      ['ST-HZ-01', 'store', 'Hangzhou'],
      ['ST-BJ-01', 'store', 'Beijing'],
    ]);
  });

  it.each([
    ['a bad latitude', [{ ...locations[0] }, { ...locations[1], lat: 123 }], 'locations[1].lat', 'ST-SH-01: lat must be between -90 and 90'],
    ['an unknown kind', [{ ...locations[2], kind: 'depot' }], 'locations[0].kind', 'ST-HZ-01: kind must be one of warehouse, store'],
    ['a missing name', [{ ...locations[3], name: undefined }], 'locations[0].name', 'ST-BJ-01: name is required'],
    ['a duplicate id', [locations[0], locations[0]], 'locations[1].locationId', 'WH-EAST: duplicate locationId'],
    ['an empty list', [], 'locations', 'locations must contain at least one location'],
    ['not a list', { 'WH-EAST': locations[0] }, 'locations', 'locations must be a list'],
  ])('names the bad entry and field: %s', (_, json, field, message) => {
    let error: unknown;
    try {
      loadLocations(json);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual([{ field, message }]);
    expect((error as ValidationError).message).toBe(`invalid locations: ${field}: ${message}`);
  });
});

describe('distanceKm', () => {
  it.each([
    ['Jing\'an customer to ST-SH-01', addresses.shanghai, 'ST-SH-01', 0, 0.2],
    ['Jing\'an customer to WH-EAST (Jiading)', addresses.shanghai, 'WH-EAST', 20, 25],
    ['Xihu customer to ST-HZ-01', addresses.hangzhou, 'ST-HZ-01', 2, 4],
    ['Xihu customer to ST-SH-01', addresses.hangzhou, 'ST-SH-01', 160, 175],
    ['Chaoyang customer to ST-BJ-01', addresses.beijing, 'ST-BJ-01', 3, 6],
    ['Chaoyang customer to ST-SH-01', addresses.beijing, 'ST-SH-01', 1050, 1080],
  ])('%s', (_, from, locationId, min, max) => {
    const km = distanceKm(from, locations.find((l) => l.locationId === locationId)!);
    expect(km).toBeGreaterThanOrEqual(min);
    expect(km).toBeLessThanOrEqual(max);
  });

  it('is symmetric and zero for one point', () => {
    expect(distanceKm(addresses.beijing, addresses.shanghai)).toBeCloseTo(distanceKm(addresses.shanghai, addresses.beijing), 9);
    expect(distanceKm(addresses.hangzhou, addresses.hangzhou)).toBe(0);
  });
});

describe('chooseFulfilment', () => {
  it.each<[string, OrderLine[], { lat: number; lng: number }, Stock, Partial<RoutingDecision>]>([
    [
      'Shanghai customer near Jing\'an: the store',
      [{ skuId: TEA, quantity: 2 }],
      addresses.shanghai,
      { 'ST-SH-01': { [TEA]: 5 }, 'WH-EAST': { [TEA]: 100 } },
      { outcome: 'routed', rule: 'nearest-store', locationId: 'ST-SH-01', allocations: [{ locationId: 'ST-SH-01', skuId: TEA, quantity: 2 }] },
    ],
    [
      'Shanghai customer, the store lacks a SKU: the warehouse',
      [{ skuId: TEA, quantity: 2 }, { skuId: CUP, quantity: 1 }],
      addresses.shanghai,
      { 'ST-SH-01': { [TEA]: 5 }, 'WH-EAST': { [TEA]: 100, [CUP]: 10 } },
      {
        outcome: 'routed',
        rule: 'warehouse',
        locationId: 'WH-EAST',
        allocations: [
          { locationId: 'WH-EAST', skuId: TEA, quantity: 2 },
          { locationId: 'WH-EAST', skuId: CUP, quantity: 1 },
        ],
      },
    ],
    [
      'Hangzhou customer: the Hangzhou store within 50 km, not the nearer-to-warehouse stock',
      [{ skuId: TEA, quantity: 1 }],
      addresses.hangzhou,
      { 'ST-HZ-01': { [TEA]: 1 }, 'ST-SH-01': { [TEA]: 9 }, 'WH-EAST': { [TEA]: 9 } },
      { outcome: 'routed', rule: 'nearest-store', locationId: 'ST-HZ-01' },
    ],
    [
      'Hangzhou customer, the Hangzhou store is out: the warehouse, not the Shanghai store 160 km away',
      [{ skuId: TEA, quantity: 1 }],
      addresses.hangzhou,
      { 'ST-SH-01': { [TEA]: 9 }, 'WH-EAST': { [TEA]: 9 } },
      { outcome: 'routed', rule: 'warehouse', locationId: 'WH-EAST' },
    ],
    [
      'Beijing customer, the Beijing store and the warehouse are out: the nearest store that has it',
      [{ skuId: TEA, quantity: 3 }],
      addresses.beijing,
      { 'ST-BJ-01': { [TEA]: 2 }, 'WH-EAST': { [TEA]: 1 }, 'ST-SH-01': { [TEA]: 3 }, 'ST-HZ-01': { [TEA]: 3 } },
      { outcome: 'routed', rule: 'nearest-any', locationId: 'ST-SH-01', allocations: [{ locationId: 'ST-SH-01', skuId: TEA, quantity: 3 }] },
    ],
    [
      'no single location has both SKUs: split, each line from the nearest location that has it',
      [{ skuId: TEA, quantity: 2 }, { skuId: CUP, quantity: 1 }],
      addresses.shanghai,
      { 'ST-SH-01': { [TEA]: 2 }, 'WH-EAST': { [CUP]: 1 }, 'ST-HZ-01': { [TEA]: 10, [CUP]: 0 } },
      {
        outcome: 'routed',
        rule: 'split',
        allocations: [
          { locationId: 'ST-SH-01', skuId: TEA, quantity: 2 },
          { locationId: 'WH-EAST', skuId: CUP, quantity: 1 },
        ],
        unservedLines: [],
      },
    ],
    [
      'one line bigger than any location: parts from the nearest first, only as far as needed',
      [{ skuId: TEA, quantity: 5 }],
      addresses.shanghai,
      { 'ST-SH-01': { [TEA]: 3 }, 'WH-EAST': { [TEA]: 1 }, 'ST-HZ-01': { [TEA]: 4 }, 'ST-BJ-01': { [TEA]: 4 } },
      {
        outcome: 'routed',
        rule: 'split',
        allocations: [
          { locationId: 'ST-SH-01', skuId: TEA, quantity: 3 },
          { locationId: 'WH-EAST', skuId: TEA, quantity: 1 },
          { locationId: 'ST-HZ-01', skuId: TEA, quantity: 1 },
        ],
      },
    ],
    [
      'a split line prefers one farther location that has all of it over parts',
      [{ skuId: TEA, quantity: 2 }, { skuId: CUP, quantity: 3 }],
      addresses.shanghai,
      { 'ST-SH-01': { [TEA]: 2, [CUP]: 1 }, 'WH-EAST': { [CUP]: 2 }, 'ST-BJ-01': { [CUP]: 3 } },
      {
        outcome: 'routed',
        rule: 'split',
        allocations: [
          { locationId: 'ST-SH-01', skuId: TEA, quantity: 2 },
          { locationId: 'ST-BJ-01', skuId: CUP, quantity: 3 },
        ],
      },
    ],
    [
      'nothing anywhere: stock-out, nothing allocated',
      [{ skuId: TEA, quantity: 1 }],
      addresses.shanghai,
      {},
      { outcome: 'stock-out', rule: 'none', allocations: [], unservedLines: [{ skuId: TEA, quantity: 1 }], shortages: [{ skuId: TEA, requested: 1, availableAnywhere: 0 }] },
    ],
    [
      'one line short even split: stock-out for the whole order, only that line is a shortage',
      [{ skuId: TEA, quantity: 2 }, { skuId: CUP, quantity: 4 }],
      addresses.shanghai,
      { 'ST-SH-01': { [TEA]: 2, [CUP]: 1 }, 'WH-EAST': { [CUP]: 2 } },
      {
        outcome: 'stock-out',
        rule: 'none',
        allocations: [],
        unservedLines: [{ skuId: TEA, quantity: 2 }, { skuId: CUP, quantity: 4 }],
        shortages: [{ skuId: CUP, requested: 4, availableAnywhere: 3 }],
      },
    ],
    [
      'duplicate lines of one SKU count together',
      [{ skuId: TEA, quantity: 1 }, { skuId: TEA, quantity: 1 }],
      addresses.shanghai,
      { 'ST-SH-01': { [TEA]: 1 }, 'WH-EAST': { [TEA]: 2 } },
      { outcome: 'routed', rule: 'warehouse', allocations: [{ locationId: 'WH-EAST', skuId: TEA, quantity: 2 }] },
    ],
    [
      'negative or NaN availability counts as none',
      [{ skuId: TEA, quantity: 1 }],
      addresses.shanghai,
      { 'ST-SH-01': { [TEA]: -3 }, 'WH-EAST': { [TEA]: Number.NaN }, 'ST-HZ-01': { [TEA]: 1.9 } },
      { outcome: 'routed', rule: 'nearest-any', locationId: 'ST-HZ-01' },
    ],
  ])('%s', (_, lines, shipTo, stock, expected) => {
    expect(route(lines, shipTo, stock)).toMatchObject(expected);
  });

  it('explains the nearest-store decision and why each candidate lost', () => {
    const decision = route([{ skuId: TEA, quantity: 2 }], addresses.shanghai, {
      'ST-SH-01': { [TEA]: 2 },
      'ST-HZ-01': { [TEA]: 1 },
      'ST-BJ-01': { [TEA]: 9 },
      'WH-EAST': { [TEA]: 9 },
    });
    expect(decision.reason).toBe(
      "Shipped from store ST-SH-01 (Shanghai Jing'an store), 0.1 km from the customer, the nearest store within 50 km that has every item.",
    );
    expect(decision.candidates.map((c) => [c.locationId, c.kind, c.canServe])).toEqual([
      ['ST-SH-01', 'store', true],
      ['WH-EAST', 'warehouse', true],
      ['ST-HZ-01', 'store', false],
      ['ST-BJ-01', 'store', true],
    ]);
    expect(whyOf(decision, 'ST-SH-01')).toBe('chosen: nearest store within 50 km with every item');
    expect(whyOf(decision, 'WH-EAST')).toBe('a store within 50 km has every item, and stores come first');
    expect(whyOf(decision, 'ST-HZ-01')).toBe(`no stock of ${TEA} (needs 2, has 1)`);
    expect(whyOf(decision, 'ST-BJ-01')).toMatch(/^1\d{3}\.\d km away, beyond the 50 km store radius$/);
    for (const c of decision.candidates) expect(c.distanceKm).toBe(Math.round(c.distanceKm * 10) / 10);
  });

  it('explains a warehouse decision', () => {
    const decision = route([{ skuId: TEA, quantity: 2 }], addresses.hangzhou, { 'ST-HZ-01': { [TEA]: 1 }, 'ST-SH-01': { [TEA]: 5 }, 'WH-EAST': { [TEA]: 5 } });
    expect(decision.reason).toMatch(
      /^Shipped from warehouse WH-EAST \(East China warehouse \(Jiading logistics park\)\), 1\d\d\.\d km from the customer: no store within 50 km has every item, and it is the nearest warehouse that does\.$/,
    );
    expect(whyOf(decision, 'ST-HZ-01')).toBe(`no stock of ${TEA} (needs 2, has 1)`);
    expect(whyOf(decision, 'ST-SH-01')).toMatch(/^1\d\d\.\d km away, beyond the 50 km store radius$/);
    expect(whyOf(decision, 'ST-BJ-01')).toBe(`no stock of ${TEA} (needs 2, has 0)`);
  });

  it('explains a stock-out', () => {
    const decision = route([{ skuId: TEA, quantity: 3 }], addresses.beijing, { 'ST-BJ-01': { [TEA]: 1 } });
    expect(decision.reason).toBe(`Out of stock: ${TEA} needs 3, only 1 available anywhere. Nothing is reserved; the stock-out flow handles the order.`);
    expect(whyOf(decision, 'ST-BJ-01')).toBe(`no stock of ${TEA} (needs 3, has 1)`);
    expect(decision.locationId).toBeUndefined();
  });

  describe('ties and boundaries', () => {
    const customer = { lat: 31, lng: 121 };
    const store = (locationId: string, northKm: number): Location => ({
      locationId,
      kind: 'store',
      name: locationId,
      city: 'Test',
      lat: customer.lat + northKm / 111.19508,
      lng: customer.lng,
    });

    it('two stores at the same distance: the lower locationId, whatever the list order', () => {
      for (const at of [[store('ST-B', 10), store('ST-A', 10)], [store('ST-A', 10), store('ST-B', 10)]]) {
        expect(route([{ skuId: TEA, quantity: 1 }], customer, { 'ST-A': { [TEA]: 1 }, 'ST-B': { [TEA]: 1 } }, at).locationId).toBe('ST-A');
      }
    });

    it('a store just inside the radius is a store win; just outside it loses to a farther warehouse', () => {
      const warehouse: Location = { ...store('WH', 300), kind: 'warehouse' };
      const inside = route([{ skuId: TEA, quantity: 1 }], customer, { IN: { [TEA]: 1 }, WH: { [TEA]: 1 } }, [store('IN', 49.9), warehouse]);
      expect(inside).toMatchObject({ rule: 'nearest-store', locationId: 'IN' });
      const outside = route([{ skuId: TEA, quantity: 1 }], customer, { OUT: { [TEA]: 1 }, WH: { [TEA]: 1 } }, [store('OUT', 50.1), warehouse]);
      expect(outside).toMatchObject({ rule: 'warehouse', locationId: 'WH' });
      expect(whyOf(outside, 'OUT')).toBe('50.1 km away, beyond the 50 km store radius');
    });

    it('the nearest of two warehouses; the farther one is told it lost on distance', () => {
      const near: Location = { ...store('WH-2', 100), kind: 'warehouse' };
      const far: Location = { ...store('WH-1', 200), kind: 'warehouse' };
      const decision = route([{ skuId: TEA, quantity: 1 }], customer, { 'WH-1': { [TEA]: 1 }, 'WH-2': { [TEA]: 1 } }, [far, near]);
      expect(decision).toMatchObject({ rule: 'warehouse', locationId: 'WH-2' });
      expect(whyOf(decision, 'WH-1')).toBe('200 km away, farther than WH-2 (100 km)');
    });

    it('the nearer of two stores in the radius wins even with less stock', () => {
      const decision = route([{ skuId: TEA, quantity: 2 }], customer, { 'ST-N': { [TEA]: 2 }, 'ST-F': { [TEA]: 50 } }, [
        store('ST-F', 20),
        store('ST-N', 5),
      ]);
      expect(decision.locationId).toBe('ST-N');
      expect(whyOf(decision, 'ST-F')).toBe('20 km away, farther than ST-N (5 km)');
    });

    it('no locations at all: stock-out with no candidates', () => {
      expect(route([{ skuId: TEA, quantity: 1 }], customer, {}, [])).toMatchObject({ outcome: 'stock-out', candidates: [], allocations: [] });
    });
  });

  it.each([
    ['a zero quantity', [{ skuId: TEA, quantity: 0 }], 'lines[0].quantity'],
    ['a fractional quantity', [{ skuId: TEA, quantity: 1.5 }], 'lines[0].quantity'],
    ['an empty SKU', [{ skuId: '', quantity: 1 }], 'lines[0].skuId'],
    ['no lines', [], 'lines'],
  ])('rejects %s', (_, lines, field) => {
    expect(() => route(lines, addresses.shanghai, {})).toThrow(ValidationError);
    try {
      route(lines, addresses.shanghai, {});
    } catch (error) {
      expect((error as ValidationError).fieldErrors.map((e) => e.field)).toEqual([field]);
    }
  });

  describe('properties', () => {
    const skus = ['SKU-A', 'SKU-B', 'SKU-C'];
    const ids = locations.map((l) => l.locationId);
    const lineArb = fc.record({ skuId: fc.constantFrom(...skus), quantity: fc.integer({ min: 1, max: 6 }) });
    const stockArb = fc.dictionary(
      fc.constantFrom(...ids),
      fc.dictionary(fc.constantFrom(...skus), fc.integer({ min: 0, max: 6 }), { maxKeys: 3 }),
      { maxKeys: 4 },
    );
    const pointArb = fc.record({ lat: fc.double({ min: 18, max: 45, noNaN: true }), lng: fc.double({ min: 100, max: 125, noNaN: true }) });

    const sumBy = (items: { skuId: string; quantity: number }[]) => {
      const sums = new Map<string, number>();
      for (const { skuId, quantity } of items) sums.set(skuId, (sums.get(skuId) ?? 0) + quantity);
      return sums;
    };

    it('never allocates more than a location has, and allocated + unserved = requested per SKU', () => {
      fc.assert(
        fc.property(fc.array(lineArb, { minLength: 1, maxLength: 4 }), stockArb, pointArb, (lines, stock, shipTo) => {
          const decision = route(lines, shipTo, stock);
          const perLocation = new Map<string, number>();
          for (const a of decision.allocations) {
            expect(a.quantity).toBeGreaterThan(0);
            const key = `${a.locationId}|${a.skuId}`;
            perLocation.set(key, (perLocation.get(key) ?? 0) + a.quantity);
          }
          for (const [key, quantity] of perLocation) {
            const [locationId, skuId] = key.split('|');
            expect(quantity).toBeLessThanOrEqual(from(stock)(skuId, locationId));
          }
          const requested = sumBy(lines);
          const covered = sumBy([...decision.allocations, ...decision.unservedLines]);
          expect(covered).toEqual(requested);
          expect(decision.outcome === 'stock-out').toBe(decision.unservedLines.length > 0);
          if (decision.outcome === 'stock-out') expect(decision.allocations).toEqual([]);
        }),
        { numRuns: 500 },
      );
    });

    it('always gives a reason and one explained candidate per location; a single location only when it can serve', () => {
      fc.assert(
        fc.property(fc.array(lineArb, { minLength: 1, maxLength: 4 }), stockArb, pointArb, (lines, stock, shipTo) => {
          const decision = route(lines, shipTo, stock);
          expect(decision.reason.length).toBeGreaterThan(20);
          expect(decision.candidates.map((c) => c.locationId).sort()).toEqual([...ids].sort());
          for (const c of decision.candidates) expect(c.why.length).toBeGreaterThan(5);
          const distances = decision.candidates.map((c) => c.distanceKm);
          expect(distances).toEqual([...distances].sort((a, b) => a - b));
          if (decision.locationId) {
            expect(decision.candidates.find((c) => c.locationId === decision.locationId)).toMatchObject({ canServe: true });
            expect(decision.rule).not.toBe('split');
          }
          if (decision.rule === 'split') expect(decision.candidates.every((c) => !c.canServe)).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  });
});

describe('delisted SKUs', () => {
  const stock = { 'ST-SH-01': { [TEA]: 5, [CUP]: 5 } };
  const refusing = (...skus: string[]) => (skuId: string) => skus.includes(skuId);

  it.each([
    ['a delisted line: refused, nothing allocated', [{ skuId: CUP, quantity: 1 }], [CUP], `Not routed: ${CUP} is delisted and can no longer be ordered. Nothing is reserved.`],
    ['one delisted line of two refuses the order', [{ skuId: TEA, quantity: 1 }, { skuId: CUP, quantity: 1 }], [CUP], `Not routed: ${CUP} is delisted and can no longer be ordered. Nothing is reserved.`],
    ['two delisted lines are both named', [{ skuId: TEA, quantity: 1 }, { skuId: CUP, quantity: 1 }], [TEA, CUP], `Not routed: ${TEA}, ${CUP} are delisted and can no longer be ordered. Nothing is reserved.`],
  ])('%s', (_, lines, delisted, reason) => {
    const decision = chooseFulfilment({ lines, shipTo: addresses.shanghai, locations, available: from(stock), policy, delisted: refusing(...delisted) });
    expect(decision).toMatchObject({ outcome: 'refused', rule: 'delisted', reason, allocations: [], candidates: [] });
    expect(decision.unservedLines.map((l) => l.skuId)).toEqual(delisted);
  });

  it('routes as before when nothing is delisted', () => {
    const decision = chooseFulfilment({ lines: [{ skuId: TEA, quantity: 1 }], shipTo: addresses.shanghai, locations, available: from(stock), policy, delisted: refusing() });
    expect(decision).toMatchObject({ outcome: 'routed', rule: 'nearest-store' });
  });
});

describe('highValueHandling', () => {
  it.each([
    [49_999, false],
    [50_000, false],
    [50_001, true],
    [59_600, true],
  ])('%i fen → high value %s', (totalFen, highValue) => {
    const handling = highValueHandling(totalFen, policy);
    expect(handling).toMatchObject({ highValue, giftPackaging: highValue, freeSample: highValue, priorityQc: highValue });
    expect(handling.note === undefined).toBe(!highValue);
  });

  it('notes priority QC in words', () => {
    expect(highValueHandling(59_600, policy).note).toBe('Priority QC: high-value order (¥596.00, above ¥500.00).');
  });

  it('refuses an amount that is not whole fen', () => {
    expect(() => highValueHandling(500.5, policy)).toThrow(RangeError);
  });
});
