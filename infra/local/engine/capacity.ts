/**
 * DynamoDB's capacity rules, for the trace where DynamoDB Local's own `ConsumedCapacity` is wrong
 * (see `unitsFor` in `trace.ts`). Every rule quotes its source: the Amazon DynamoDB Developer Guide
 * (DG) pages named beside it. Pure functions of the items in DynamoDB JSON (`{ S: ... }`, ...).
 */

/** DynamoDB JSON: one attribute value. */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

/** DG "Capacity unit consumption for write operations": a write unit is one write of up to 1 KB. */
export const WRITE_UNIT_BYTES = 1024;
/** DG "Capacity management for transactions": every item is written twice (prepare and commit). */
export const TRANSACTIONAL_FACTOR = 2;
/** DG "Item sizes and formats": a List or Map costs 3 bytes, each of its elements 1 byte more. */
const CONTAINER_BYTES = 3;
const ELEMENT_BYTES = 1;
/** DG "Item sizes and formats": Null and Boolean are 1 byte. */
const SCALAR_BYTES = 1;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * DG "Item sizes and formats": a number takes about one byte per two significant digits, plus one;
 * leading and trailing zeroes are not significant.
 */
export function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** DG "Item sizes and formats": the size of one attribute value (its name not included). */
export function valueSize(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(content as string);
    case 'N':
      return numberSize(content as string);
    // Binary is sent base64-encoded; its size is the raw bytes.
    case 'B':
      return Buffer.from(content as string, 'base64').length;
    case 'BOOL':
    case 'NULL':
      return SCALAR_BYTES;
    case 'SS':
      return (content as string[]).reduce((sum, s) => sum + utf8(s), 0);
    case 'NS':
      return (content as string[]).reduce((sum, n) => sum + numberSize(n), 0);
    case 'BS':
      return (content as string[]).reduce((sum, b) => sum + Buffer.from(b, 'base64').length, 0);
    case 'L':
      return CONTAINER_BYTES + (content as AttributeValue[]).reduce((sum, v) => sum + valueSize(v) + ELEMENT_BYTES, 0);
    case 'M':
      return CONTAINER_BYTES + Object.entries(content as Item).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v) + ELEMENT_BYTES, 0);
    default:
      throw new Error(`unknown DynamoDB attribute type ${type}`);
  }
}

/** DG "Item sizes and formats": an item's size is the sum of its attribute names' and values' sizes. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/**
 * DG "Capacity unit consumption for write operations": the item size rounded up to the next 1 KB,
 * at least one unit (a write of an item that is not there, a delete of nothing, costs one).
 */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));

/**
 * DG "Capacity unit consumption for write operations": PutItem, UpdateItem and DeleteItem are
 * billed on the larger of the item before and after the write.
 */
export const writeUnitsOf = (before: Item | undefined, after: Item | undefined) => writeUnits(Math.max(itemSize(before), itemSize(after)));

/**
 * DG "Capacity management for transactions": DynamoDB performs two underlying writes of every
 * item of a TransactWriteItems (the prepare and the commit, a ConditionCheck's item too), so each
 * costs two write units per KB, on the larger of the item before and after. Index entries are
 * written after the commit, outside the transaction: counted as ordinary index writes
 * (`indexWriteUnits`), which the guide does not say otherwise of.
 */
export const transactionalWriteUnits = (items: Array<{ before?: Item; after?: Item; indexes?: IndexShape[]; tableKeys?: string[] }>) =>
  items.reduce(
    (sum, { before, after, indexes = [], tableKeys = [] }) =>
      sum + TRANSACTIONAL_FACTOR * writeUnitsOf(before, after) + indexes.reduce((units, index) => units + indexWriteUnits(index, tableKeys, before, after), 0),
    0,
  );

/**
 * DG "Condition expressions" (conditional writes): a write whose condition fails changes nothing
 * but still consumes write units, on the size of the item that is there (one unit when none is).
 */
export const failedConditionalWriteUnits = (existing: Item | undefined) => writeUnits(itemSize(existing));

/** A global secondary index as DescribeTable gives it. */
export interface IndexShape {
  keys: string[];
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  include?: string[];
}

/** DG "Item sizes and formats" / "Global secondary indexes": an index entry holds the table's and the index's keys and the projected attributes. */
function projected(item: Item, index: IndexShape, tableKeys: string[]): Item {
  if (index.projection === 'ALL') return item;
  const kept = new Set([...tableKeys, ...index.keys, ...(index.projection === 'INCLUDE' ? (index.include ?? []) : [])]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
}

const inIndex = (item: Item | undefined, index: IndexShape): item is Item => item !== undefined && index.keys.every((key) => item[key] !== undefined);
/** DynamoDB returns an item's attributes in no particular order: compared with sorted names. */
const canonical = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(canonical) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)])) : value;
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/**
 * DG "Provisioned throughput considerations for global secondary indexes" (writes): an item that
 * enters the index costs one write of its entry, one that leaves it one delete, one whose index
 * key changes both; one whose projected attributes change, one write; an item in the index
 * neither before nor after, or whose entry does not change, costs the index nothing. Each write is
 * sized like a table write, on the entry (1 KB units).
 */
export function indexWriteUnits(index: IndexShape, tableKeys: string[], before: Item | undefined, after: Item | undefined): number {
  const was = inIndex(before, index) ? projected(before, index, tableKeys) : undefined;
  const is = inIndex(after, index) ? projected(after, index, tableKeys) : undefined;
  if (!was && !is) return 0;
  if (!was || !is) return writeUnits(itemSize(was ?? is));
  if (index.keys.some((key) => !same(was[key], is[key]))) return writeUnits(itemSize(was)) + writeUnits(itemSize(is));
  return same(was, is) ? 0 : writeUnitsOf(was, is);
}
