import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// ajv checks that the exported JSON Schemas accept what the zod contracts accept.
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/errors';
import { catalog, contractKey, findContract, personalDataPaths, sources, type CatalogContract } from './catalog';
import { renderSchemas, schemasDir } from './json-schema';
import { ListingSubmitted } from './listing-submitted';
import { OrderPlaced } from './order-placed';
import { RefundRequested } from './refund-requested';
import { samples } from './samples';

type Key = string | number;
type Detail = Record<string, unknown>;

/** `lines[0].quantity` → ['lines', 0, 'quantity'] */
const keysOf = (path: string): Key[] =>
  path.split(/\.|(?=\[)/).map((part) => (part.startsWith('[') ? Number(part.slice(1, -1)) : part));

const leafOf = (path: string) => String(keysOf(path).filter((k) => typeof k === 'string').at(-1));

function sampleOf(contract: CatalogContract): Detail {
  return structuredClone(samples[contract.detailType as keyof typeof samples]) as Detail;
}

function getAt(detail: Detail, path: string): unknown {
  return keysOf(path).reduce<any>((node, key) => node?.[key], detail);
}

function withChange(detail: Detail, path: string, change: (parent: any, key: Key) => void): Detail {
  const copy = structuredClone(detail);
  const keys = keysOf(path);
  const parent = keys.slice(0, -1).reduce<any>((node, key) => node[key], copy);
  change(parent, keys.at(-1)!);
  return copy;
}

const without = (detail: Detail, path: string) => withChange(detail, path, (parent, key) => delete parent[key]);
const withValue = (detail: Detail, path: string, value: unknown) =>
  withChange(detail, path, (parent, key) => {
    parent[key] = value;
  });

/** The ValidationError a contract throws for a detail (fails the test when it does not throw one). */
function rejection(contract: CatalogContract, detail: unknown): ValidationError {
  try {
    contract.parse(detail);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`${contract.detailType} accepted ${JSON.stringify(detail)}`);
}

/** Required fields per architecture.md "Event catalog"; nested ones as the sample lays them out. */
const required: Record<string, string[]> = {
  ListingSubmitted: [
    'listingId', 'revision', 'sellerId', 'category', 'title', 'description',
    'images', 'images[0].url', 'images[0].width', 'images[0].height', 'images[0].background',
    'attributes',
    'qualifications', 'qualifications[0].type', 'qualifications[0].number', 'qualifications[0].issuedAt',
    'skus', 'skus[0].skuId', 'skus[0].priceFen', 'skus[0].stock',
    'brand.name', 'brand.authorized',
  ],
  OrderPlaced: [
    'orderId', 'memberId', 'channel', 'placedAt', 'totalFen',
    'lines', 'lines[0].skuId', 'lines[0].quantity', 'lines[0].unitPriceFen',
    'shipTo', 'shipTo.province', 'shipTo.city', 'shipTo.district', 'shipTo.lat', 'shipTo.lng',
  ],
  OrderShipped: ['orderId', 'carrier', 'trackingNumber', 'shippedAt'],
  OrderDelivered: ['orderId', 'deliveredAt'],
  StockReceived: ['skuId', 'locationId', 'quantity', 'receivedAt'],
  RefundRequested: [
    'refundId', 'orderId', 'memberId', 'kind', 'reason',
    'lines', 'lines[0].skuId', 'lines[0].quantity', 'lines[0].amountFen', 'requestedAt',
  ],
  ReturnReceived: ['refundId', 'receivedAt'],
  ComplaintFiled: ['complaintId', 'orderId', 'memberId', 'text', 'filedAt'],
  TaskEscalated: ['taskId', 'kind', 'flow', 'businessKey', 'escalationLevel', 'role', 'dueAt', 'escalatedAt'],
  OrderRouted: [
    'orderId', 'memberId', 'totalFen', 'rule', 'reason',
    'allocations', 'allocations[0].locationId', 'allocations[0].skuId', 'allocations[0].quantity', 'highValue', 'routedAt',
  ],
  RefundDecided: ['refundId', 'orderId', 'memberId', 'decision', 'auto', 'reasons', 'approvedBy', 'refundFen', 'decidedAt'],
  RefundPaid: ['refundId', 'orderId', 'memberId', 'paidFen', 'providerRefundId', 'paidAt'],
  AftersalesCompleted: ['caseId', 'kind', 'orderId', 'memberId', 'outcome', 'completedAt'],
  ListingRejected: ['listingId', 'revision', 'reasons', 'reasons[0].code', 'reasons[0].field', 'reasons[0].message', 'rejectedAt'],
  ListingPublished: ['listingId', 'revision', 'publishedAt', 'skus', 'skus[0].skuId', 'skus[0].priceFen'],
  SkuSlowMoving: ['listingId', 'skuId', 'publishedAt', 'flaggedAt', 'daysWithoutSale'],
  MemberTierChanged: ['memberId', 'from', 'to', 'changedAt'],
  CallbackCompleted: ['callbackId', 'memberId', 'reason', 'outcome', 'attempts', 'completedAt'],
  MemberRecalled: ['memberId', 'couponId', 'lastPurchaseAt', 'recalledAt'],
  StockOutDetected: [
    'orderId', 'memberId', 'placedAt', 'totalFen', 'lines', 'lines[0].skuId', 'lines[0].quantity', 'lines[0].unitPriceFen',
    'unservedLines', 'unservedLines[0].skuId', 'unservedLines[0].quantity', 'detectedAt',
  ],
};

/** Optional fields the catalog names (`?`), with a wrongly typed value for each. */
const optional: Record<string, [path: string, wrong: unknown][]> = {
  ListingSubmitted: [
    ['brand', 'Shifeng'],
    ['publishAt', 'tomorrow morning'],
    ['qualifications[0].expiresAt', '2029-02-30'],
    ['skus[0].presale', 'yes'],
    ['skus[0].shipBy', 12],
  ],
  OrderPlaced: [['phone', 13800138000]],
  CallbackCompleted: [['satisfaction', 6]],
};

/** Every required path the contract's JSON Schema declares, walked along the sample (first array item). */
function requiredPathsOf(schema: any, value: unknown, prefix = ''): string[] {
  if (schema.type === 'array' && Array.isArray(value) && value.length > 0) {
    return requiredPathsOf(schema.items, value[0], `${prefix}[0]`);
  }
  if (schema.type !== 'object' || !schema.properties || typeof value !== 'object' || value === null) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries<any>(schema.properties)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (schema.required?.includes(key)) out.push(path);
    if (key in value) out.push(...requiredPathsOf(child, (value as Detail)[key], path));
  }
  return out;
}

const wrongTypeFor = (value: unknown): unknown =>
  Array.isArray(value) ? 'not a list' : typeof value === 'string' ? 42 : typeof value === 'number' ? 'forty-two' : typeof value === 'boolean' ? 'yes' : 'not an object';

const table = catalog.map((contract) => ({ name: contract.detailType, contract }));

describe('event contracts', () => {
  it.each(table)('$name: the sample detail parses', ({ contract }) => {
    const sample = sampleOf(contract);
    expect(contract.parse(sample)).toEqual(sample);
    expect(contract.safeParse(sample).success).toBe(true);
  });

  it.each(table)('$name: the required-field table matches the schema', ({ name, contract }) => {
    const schema = renderSchemas().get(`${contractKey(contract.source, contract.detailType)}.json`)!;
    const detailSchema = JSON.parse(schema).properties.detail;
    expect(requiredPathsOf(detailSchema, sampleOf(contract)).sort()).toEqual([...required[name]].sort());
  });

  describe.each(table)('$name', ({ name, contract }) => {
    it.each(required[name])('without %s: ValidationError naming that field', (path) => {
      const error = rejection(contract, without(sampleOf(contract), path));
      expect(error.fieldErrors).toHaveLength(1);
      expect(error.fieldErrors[0].field).toBe(`detail.${path}`);
      expect(error.fieldErrors[0].message).toContain(leafOf(path));
      expect(error.message).toContain(`detail.${path}: `);
      expect(error.message.startsWith(`${name} is invalid`)).toBe(true);
    });

    it.each(required[name])('%s of the wrong type: the message names the field', (path) => {
      const sample = sampleOf(contract);
      const error = rejection(contract, withValue(sample, path, wrongTypeFor(getAt(sample, path))));
      expect(error.fieldErrors.map((e) => e.field)).toEqual([`detail.${path}`]);
      expect(error.fieldErrors[0].message).toContain(leafOf(path));
    });

    it.each(optional[name] ?? [])('optional %s may be left out but not mistyped', (path, wrong) => {
      const sample = sampleOf(contract);
      expect(contract.parse(without(sample, path))).toEqual(without(sample, path));
      const error = rejection(contract, withValue(sample, path, wrong));
      expect(error.fieldErrors[0].field).toBe(`detail.${path}`);
      expect(error.fieldErrors[0].message).toContain(leafOf(path));
    });

    it('a detail that is not an object is refused as a whole', () => {
      for (const bad of [undefined, null, 'OrderPlaced', [sampleOf(contract)]]) {
        expect(rejection(contract, bad).fieldErrors).toEqual([{ field: 'detail', message: 'detail must be an object' }]);
      }
    });

    it('keeps fields it does not know (events may add fields)', () => {
      const detail = { ...sampleOf(contract), traceId: 'trace-7f3a', promotion: { code: 'DOUBLE-11' } };
      expect(contract.parse(detail)).toEqual(detail);
      expect(JSON.parse(contract.entry(detail as never, 'shop-platform').Detail)).toEqual(detail);
    });

    it('pattern() matches its source and detail-type, and merges a detail filter', () => {
      expect(contract.pattern()).toEqual({ source: [contract.source], 'detail-type': [name] });
      const filter = { someField: [{ exists: true }] };
      expect(contract.pattern(filter)).toEqual({ source: [contract.source], 'detail-type': [name], detail: filter });
    });

    it('entry() builds the PutEvents entry and refuses an invalid detail', () => {
      const sample = sampleOf(contract);
      const entry = contract.entry(sample as never, 'shop-platform');
      expect(entry).toEqual({ Source: contract.source, DetailType: name, Detail: JSON.stringify(sample), EventBusName: 'shop-platform' });
      const first = required[name][0];
      expect(() => contract.entry(without(sample, first) as never, 'shop-platform')).toThrow(`detail.${first}`);
    });
  });
});

describe('field rules', () => {
  const check = (contract: CatalogContract, path: string, value: unknown, message: string) => {
    const error = rejection(contract, withValue(sampleOf(contract), path, value));
    expect(error.fieldErrors).toEqual([{ field: `detail.${path}`, message }]);
  };

  it.each([
    ['lines[0].quantity', 1.5, 'quantity must be a whole number'],
    ['lines[0].quantity', 0, 'quantity must be at least 1'],
    ['lines[0].unitPriceFen', 298.5, 'unitPriceFen must be an integer amount in fen'],
    ['totalFen', -1, 'totalFen must not be negative'],
    ['totalFen', '596.00', 'totalFen must be an integer amount in fen'],
    ['placedAt', '2026-11-21 11:15', 'placedAt must be an ISO-8601 time'],
    ['lines', [], 'lines must contain at least one line'],
    ['shipTo.lat', 91, 'lat must be between -90 and 90'],
    ['shipTo.lng', -180.5, 'lng must be between -180 and 180'],
    ['shipTo.city', '', 'city must not be empty'],
    ['orderId', '', 'orderId must not be empty'],
  ])('OrderPlaced %s = %j: "%s"', (path, value, message) => check(OrderPlaced, path, value, message));

  it('accepts times with an offset, as ISO-8601 allows', () => {
    expect(() => OrderPlaced.parse({ ...sampleOf(OrderPlaced), placedAt: '2026-11-21T11:15:00+08:00' })).not.toThrow();
  });

  it.each([
    ['category', 7, 'category must be a string'],
    ['revision', 0, 'revision must be at least 1'],
    ['revision', 1.5, 'revision must be a whole number'],
    ['qualifications[0].type', 'business-licence', 'type must be one of production-licence, inspection-report, cosmetics-filing, ccc-certificate, brand-authorisation'],
    ['images[0].url', 'main.jpg', 'url must be an http(s) or s3:// URL'],
    ['images[0].url', 'ftp://img.example/main.jpg', 'url must be an http(s) or s3:// URL'],
    ['images[0].width', 0, 'width must be at least 1'],
    ['attributes.origin', null, 'attribute origin must be a string, a number or true/false'],
    ['attributes.origin', { province: '浙江' }, 'attribute origin must be a string, a number or true/false'],
    ['skus[0].stock', 12.5, 'stock must be a whole number'],
  ])('ListingSubmitted %s = %j: "%s"', (path, value, message) => check(ListingSubmitted, path, value, message));

  it('leaves business limits of a listing to the review, which reports them to the seller', () => {
    const sample = sampleOf(ListingSubmitted);
    const odd = { ...sample, skus: [{ skuId: 'SKU-X', priceFen: 0, stock: -1, presale: true }], qualifications: [], images: [] };
    expect(() => ListingSubmitted.parse(odd)).not.toThrow();
  });

  it('leaves an unknown category to the review (CATEGORY_UNKNOWN), which the registry schema does not refuse either', () => {
    const toys = { ...sampleOf(ListingSubmitted), category: 'toys' };
    expect(ListingSubmitted.parse(toys).category).toBe('toys');
    expect(ListingSubmitted.parse({ ...toys, category: '' }).category).toBe('');
    const detail = JSON.parse(renderSchemas().get('shop.listings@ListingSubmitted.json')!).properties.detail;
    expect(detail.properties.category).toEqual({ type: 'string', examples: ['food', 'cosmetics', 'electronics', 'apparel', 'general'] });
  });

  it('accepts image URLs in the s3:// form and boolean attributes (fresh, customMade)', () => {
    const sample = sampleOf(ListingSubmitted) as any;
    const detail = {
      ...sample,
      images: [{ ...sample.images[0], url: 's3://shop-listing-images/listings/L-1/main.png' }],
      attributes: { ...sample.attributes, fresh: true, customMade: false },
    };
    expect(ListingSubmitted.parse(detail)).toEqual(detail);
  });

  it('category is typed as a plain string', () => {
    const category: string = ListingSubmitted.parse(sampleOf(ListingSubmitted)).category;
    expect(category).toBe('food');
  });

  it.each([
    ['kind', 'refund', 'kind must be one of refund-only, return, exchange'],
    ['reason', 'changed-mind', 'reason must be one of no-reason, quality, wrong-item, damaged, other'],
    ['lines[0].amountFen', 29800.5, 'amountFen must be an integer amount in fen'],
  ])('RefundRequested %s = %j: "%s"', (path, value, message) => check(RefundRequested, path, value, message));

  it('reports every bad field at once', () => {
    const detail = { ...sampleOf(OrderPlaced), orderId: undefined, totalFen: 1.5, lines: [{ skuId: 'SKU-LJ-250', quantity: 0, unitPriceFen: 29800 }] };
    expect(rejection(OrderPlaced, detail).fieldErrors.map((e) => e.field)).toEqual(['detail.orderId', 'detail.totalFen', 'detail.lines[0].quantity']);
  });
});

describe('catalog', () => {
  it('lists each event once, under a known source', () => {
    const keys = catalog.map((c) => contractKey(c.source, c.detailType));
    expect(new Set(keys).size).toBe(catalog.length);
    expect(keys).toEqual([
      'shop.listings@ListingSubmitted',
      'shop.orders@OrderPlaced',
      'shop.orders@OrderShipped',
      'shop.orders@OrderDelivered',
      'shop.inventory@StockReceived',
      'shop.aftersales@RefundRequested',
      'shop.aftersales@ReturnReceived',
      'shop.aftersales@ComplaintFiled',
      'shop.workflows@TaskEscalated',
      'shop.workflows@OrderRouted',
      'shop.workflows@StockOutDetected',
      'shop.workflows@RefundDecided',
      'shop.workflows@RefundPaid',
      'shop.workflows@AftersalesCompleted',
      'shop.workflows@ListingRejected',
      'shop.workflows@ListingPublished',
      'shop.workflows@SkuSlowMoving',
      'shop.workflows@MemberTierChanged',
      'shop.workflows@CallbackCompleted',
      'shop.workflows@MemberRecalled',
    ]);
    for (const contract of catalog) expect(Object.values(sources)).toContain(contract.source);
  });

  it('has one sample per event', () => {
    expect(Object.keys(samples).sort()).toEqual(catalog.map((c) => c.detailType).sort());
  });

  it.each(table)('$name lives in events/<kebab-case detail-type>.ts', ({ name }) => {
    const file = name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase());
    expect(existsSync(fileURLToPath(new URL(`./${file}.ts`, import.meta.url)))).toBe(true);
  });

  it('findContract finds by source and detail-type, and nothing else', () => {
    for (const contract of catalog) expect(findContract(contract.source, contract.detailType)).toBe(contract);
    expect(findContract('shop.orders', 'ListingSubmitted')).toBeUndefined();
    expect(findContract('shop.orders', 'orderplaced')).toBeUndefined();
    expect(findContract('shop.workflows', 'NoSuchEvent')).toBeUndefined();
  });

  it('personalDataPaths lists exactly the fields marked as personal data', () => {
    const marked = (schema: any, prefix = ''): string[] =>
      Object.entries<any>(schema.properties ?? schema.items?.properties ?? {}).flatMap(([key, child]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [...(child.description === 'personal data' ? [path] : []), ...marked(child, path)];
      });
    for (const [file, content] of renderSchemas()) {
      const envelope = JSON.parse(content);
      const source = envelope.properties.source.const;
      const detailType = envelope.properties['detail-type'].const;
      expect([...personalDataPaths(source, detailType)].sort(), file).toEqual(marked(envelope.properties.detail).sort());
    }
    expect(personalDataPaths('shop.orders', 'OrderPlaced')).toEqual(['shipTo', 'phone']);
  });
});

describe('JSON Schemas (events/schemas/)', () => {
  const dir = fileURLToPath(schemasDir);

  it('are up to date with the contracts (run `npm run schemas` when this fails)', () => {
    const expected = renderSchemas();
    const committed = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
    expect(committed).toEqual([...expected.keys()].sort());
    for (const [name, content] of expected) expect(readFileSync(`${dir}${name}`, 'utf8'), name).toBe(content);
  });

  it('rendering twice gives the same bytes', () => {
    expect([...renderSchemas()]).toEqual([...renderSchemas()]);
  });

  it.each(table)('$name: the schema accepts the sample envelope and refuses what the contract refuses', ({ name, contract }) => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(renderSchemas().get(`${contractKey(contract.source, contract.detailType)}.json`)!));
    const envelope = (detail: unknown) => ({ source: contract.source, 'detail-type': name, detail });
    const sample = sampleOf(contract);
    expect(validate(envelope(sample)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...envelope(sample), 'detail-type': 'Other' })).toBe(false);
    for (const path of required[name]) expect(validate(envelope(without(sample, path))), path).toBe(false);
  });
});
