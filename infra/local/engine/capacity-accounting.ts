/**
 * The traced endpoint's capacity accounting (`trace.ts`): DynamoDB Local's `ConsumedCapacity`
 * where it follows AWS's rules, the rules of `capacity.ts` where it does not. Checked against
 * DynamoDB Local by hand (the cases are in `capacity.test.ts`): its reads (4 KB units, half for
 * eventually consistent), its single-item writes (1 KB units, the larger of the item before and
 * after) and their index writes are right; two things are not:
 * - A write whose condition fails: DynamoDB Local answers no capacity at all; AWS bills it on the
 *   item that is there. The endpoint asks for that item (`ReturnValuesOnConditionCheckFailure`)
 *   and hands the caller the error it would have had without asking.
 * - TransactWriteItems: DynamoDB Local adds up each distinct item size once, at four units per KB
 *   (two small items: 4, a small and a 1.5 KB one: 12); AWS bills every item two units per KB.
 *   With `sizeTransactions`, the endpoint reads the items before and after the transaction (and
 *   each table's keys and indexes once) and bills it by the rules; without it (a throughput
 *   run, where two more reads per transaction would slow what is measured), DynamoDB Local's figure.
 * A cancelled transaction answers no capacity either, and is not counted.
 */
import { failedConditionalWriteUnits, transactionalWriteUnits, type IndexShape, type Item } from './capacity';
import { unitsFor } from './trace';

type Json = Record<string, unknown>;

export interface Accounting {
  /** What the endpoint sends DynamoDB Local instead of the caller's request. */
  request: Json;
  /** The units of the call, and the response as the caller's request would have had it. */
  settle(status: number, result: Json): Promise<{ readUnits: number; writeUnits: number; answer: Json }>;
}

export const CONDITIONAL_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const asked = (value: unknown) => value !== undefined && value !== 'NONE';

export async function startAccounting(action: string, request: Json, options: { endpoint: string; sizeTransactions?: boolean }): Promise<Accounting> {
  const askedCapacity = asked(request.ReturnConsumedCapacity);
  const conditional = CONDITIONAL_WRITES.has(action) && typeof request.ConditionExpression === 'string';
  const askedItem = asked(request.ReturnValuesOnConditionCheckFailure);
  const sent = {
    ...request,
    ...(askedCapacity ? {} : { ReturnConsumedCapacity: 'TOTAL' }),
    ...(conditional && !askedItem ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}),
  };
  // Sizing is the trace's own business: if its reads fail, DynamoDB Local's figure stands.
  const transaction = options.sizeTransactions && action === 'TransactWriteItems' ? await transactionTargets(options.endpoint, request).catch(() => undefined) : undefined;
  const before = transaction ? await readItems(options.endpoint, transaction).catch(() => undefined) : undefined;
  return {
    request: sent,
    async settle(status, result) {
      const answer = { ...result };
      if (!askedCapacity) delete answer.ConsumedCapacity;
      if (conditional && !askedItem) delete answer.Item;
      if (status >= 400) {
        const failedCondition = conditional && String(result.__type ?? '').endsWith('ConditionalCheckFailedException');
        return { readUnits: 0, writeUnits: failedCondition ? failedConditionalWriteUnits(result.Item as Item | undefined) : 0, answer };
      }
      const after = transaction && before ? await readItems(options.endpoint, transaction).catch(() => undefined) : undefined;
      if (transaction && before && after) {
        const writeUnits = transactionalWriteUnits(transaction.map((t, i) => ({ before: before[i], after: after[i], indexes: t.table.indexes, tableKeys: t.table.keys })));
        return { readUnits: 0, writeUnits, answer };
      }
      return { ...unitsFor(action, result.ConsumedCapacity), answer };
    },
  };
}

interface TableShape {
  keys: string[];
  indexes: IndexShape[];
}

interface Target {
  tableName: string;
  key: Item;
  table: TableShape;
}

async function call(endpoint: string, target: string, body: Json): Promise<Json> {
  const response = await fetch(endpoint, {
    method: 'POST',
    // DynamoDB Local reads the access key from the signature's credential and checks nothing else.
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}`, authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' },
    body: JSON.stringify(body),
  });
  const result = (await response.json()) as Json;
  if (!response.ok) throw new Error(`${target} for capacity accounting: ${JSON.stringify(result)}`);
  return result;
}

const shapes = new Map<string, Promise<TableShape>>();

function tableShape(endpoint: string, tableName: string): Promise<TableShape> {
  const id = `${endpoint} ${tableName}`;
  if (!shapes.has(id)) {
    const described = call(endpoint, 'DescribeTable', { TableName: tableName }).then(({ Table }) => {
      const table = Table as { KeySchema: Array<{ AttributeName: string }>; GlobalSecondaryIndexes?: Array<{ KeySchema: Array<{ AttributeName: string }>; Projection?: { ProjectionType?: IndexShape['projection']; NonKeyAttributes?: string[] } }> };
      return {
        keys: table.KeySchema.map((k) => k.AttributeName),
        indexes: (table.GlobalSecondaryIndexes ?? []).map((index) => ({
          keys: index.KeySchema.map((k) => k.AttributeName),
          projection: index.Projection?.ProjectionType ?? 'ALL',
          include: index.Projection?.NonKeyAttributes,
        })),
      };
    });
    described.catch(() => shapes.delete(id));
    shapes.set(id, described);
  }
  return shapes.get(id)!;
}

/** Each item a transaction writes or checks, with its table's keys and indexes. */
async function transactionTargets(endpoint: string, request: Json): Promise<Target[]> {
  const items = (request.TransactItems ?? []) as Array<Record<string, { TableName: string; Key?: Item; Item?: Item }>>;
  return Promise.all(
    items.map(async (entry) => {
      const action = Object.values(entry)[0];
      const table = await tableShape(endpoint, action.TableName);
      const key = action.Key ?? Object.fromEntries(table.keys.map((name) => [name, action.Item![name]]));
      return { tableName: action.TableName, key, table };
    }),
  );
}

const keyId = (tableName: string, key: Item, keys: string[]) => JSON.stringify([tableName, ...keys.map((name) => key[name])]);

/** The targets' items as they are now (strongly consistent), in the targets' order. */
async function readItems(endpoint: string, targets: Target[]): Promise<Array<Item | undefined>> {
  const byTable: Record<string, { Keys: Item[]; ConsistentRead: true }> = {};
  for (const t of targets) (byTable[t.tableName] ??= { Keys: [], ConsistentRead: true }).Keys.push(t.key);
  const found = new Map<string, Item>();
  let pending: Json = byTable;
  // A transaction holds at most 100 items, BatchGetItem's limit; what it leaves unprocessed is asked again.
  while (Object.keys(pending).length) {
    const result = await call(endpoint, 'BatchGetItem', { RequestItems: pending });
    for (const [tableName, items] of Object.entries((result.Responses ?? {}) as Record<string, Item[]>)) {
      const keys = targets.find((t) => t.tableName === tableName)!.table.keys;
      for (const item of items) found.set(keyId(tableName, item, keys), item);
    }
    pending = (result.UnprocessedKeys ?? {}) as Json;
  }
  return targets.map((t) => found.get(keyId(t.tableName, t.key, t.table.keys)));
}
