import * as dynamodb from '@aws-sdk/client-dynamodb';
import { LOCAL_CLIENT_CONFIG } from '../infra/local/engine/dynamodb-local';
import type { Platform } from '../infra/local/engine/platform';
import type { DynamoDbTrace, TraceRecorder } from '../infra/local/engine/trace';
import type { DemoContext } from '../infra/local/shop/demo/scenario';
import { percentile } from './stats';
import { orderEvent, putMany } from './workloads';

export interface ThroughputResult {
  orders: number;
  /** Orders routed before the burst, not measured (see `warmUp`). */
  warmUpOrders?: number;
  ordersPerSecond: number;
  ceilingOrdersPerSecond: number;
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  /** DynamoDB calls the burst made per order, and how many were in flight at most (the replay's concurrency). */
  dynamodbCallsPerOrder: number;
  concurrency: number;
}

/** The order's record gets its routing: the moment an order counts as routed. */
function routedOrderId(call: DynamoDbTrace): string | undefined {
  if (call.action !== 'UpdateItem' || call.status !== 200 || !call.request.includes('routing = :routing')) return undefined;
  const pk = JSON.parse(call.request).Key?.pk?.S as string | undefined;
  return pk?.startsWith('ORDER#') ? pk.slice('ORDER#'.length) : undefined;
}

/**
 * Orders routed so far (id → performance.now() of its routed write), reading each new traced call
 * once (a profile showed re-reading the whole trace every 20 ms costing the platform time);
 * `allRouted` resolves when all `n` orders of `prefix` are.
 */
function watchRouted(trace: TraceRecorder, prefix: string, n: number): { routedAt: Map<string, number>; allRouted: Promise<void> } {
  const routedAt = new Map<string, number>();
  const started = performance.now();
  let seen = trace.dynamodbCalls.length;
  const allRouted = new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      for (; seen < trace.dynamodbCalls.length; seen++) {
        const call = trace.dynamodbCalls[seen];
        const id = routedOrderId(call);
        if (id?.startsWith(prefix) && !routedAt.has(id)) routedAt.set(id, call.startedAt + call.durationMs);
      }
      if (routedAt.size === n) {
        clearInterval(poll);
        resolve();
      } else if (performance.now() - started > 30 * 60_000) {
        clearInterval(poll);
        reject(new Error(`only ${routedAt.size} of ${n} orders routed in 30 minutes`));
      }
    }, 20);
  });
  return { routedAt, allRouted };
}

/**
 * Orders put and routed before the burst, not measured: the first invocations of each function
 * load its modules and run on cold code (V8's and DynamoDB Local's JIT), which the replay of the
 * ceiling, coming after the burst, would not pay. Measured: a first burst of 300 orders took
 * half as much CPU again per order as a second one right after it.
 */
export async function warmUp(platform: Platform, context: DemoContext, trace: TraceRecorder, n: number): Promise<void> {
  if (n === 0) return;
  const prefix = `B-WU-${Date.now().toString(36)}`;
  const { allRouted } = watchRouted(trace, prefix, n);
  await putMany(
    context,
    Array.from({ length: n }, (_, i) => ({ source: 'shop.orders', detailType: 'OrderPlaced', detail: orderEvent(context, `${prefix}-${i}`, i) })),
  );
  await allRouted;
  await platform.clock.settle();
}

/**
 * A burst of `n` orders through PutEvents, as fast as the platform takes them: orders per second
 * until the last is routed, and each order's latency from its PutEvents to its routed record.
 * Then the ceiling: the very DynamoDB calls the burst made, replayed straight against DynamoDB
 * Local (tables cloned from their state before the burst) with the concurrency the burst reached.
 * The stock for the orders must be there before (`stockFor`).
 */
export async function measureThroughput(platform: Platform, context: DemoContext, trace: TraceRecorder, n: number): Promise<ThroughputResult> {
  const client = new dynamodb.DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: platform.dynamoDbEndpoint });
  const snapshot = await snapshotTables(client, platform.model.tables.map((t) => t.tableName));

  const prefix = `B-TP-${Date.now().toString(36)}`;
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const putAt = new Map<string, number>();
  const mark = trace.mark();
  trace.resetPeak();
  const started = performance.now();
  const { routedAt, allRouted } = watchRouted(trace, prefix, n);
  await putMany(
    context,
    ids.map((id, i) => ({ source: 'shop.orders', detailType: 'OrderPlaced', detail: orderEvent(context, id, i) })),
    8,
    (i) => putAt.set(ids[i], performance.now()),
  );
  await allRouted;
  const seconds = (Math.max(...routedAt.values()) - started) / 1000;
  const latencies = ids.map((id) => routedAt.get(id)! - putAt.get(id)!);
  const concurrency = Math.max(1, trace.peakInFlight);
  await platform.clock.settle();
  const calls = trace.dynamodbCalls.slice(mark.dynamodb);

  const replaySeconds = await replay(client, snapshot, calls, concurrency);
  const ordersPerSecond = n / seconds;
  const ceilingOrdersPerSecond = n / replaySeconds;
  return {
    orders: n,
    ordersPerSecond,
    ceilingOrdersPerSecond,
    ratio: ordersPerSecond / ceilingOrdersPerSecond,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    dynamodbCallsPerOrder: calls.length / n,
    concurrency,
  };
}

interface TableSnapshot {
  description: dynamodb.TableDescription;
  items: Array<Record<string, dynamodb.AttributeValue>>;
}

async function snapshotTables(client: dynamodb.DynamoDBClient, names: string[]): Promise<Map<string, TableSnapshot>> {
  const snapshot = new Map<string, TableSnapshot>();
  for (const name of names) {
    const { Table } = await client.send(new dynamodb.DescribeTableCommand({ TableName: name }));
    const items: TableSnapshot['items'] = [];
    let start: Record<string, dynamodb.AttributeValue> | undefined;
    do {
      const page = await client.send(new dynamodb.ScanCommand({ TableName: name, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    snapshot.set(name, { description: Table!, items });
  }
  return snapshot;
}

const replayName = (name: string, run: string) => `${name}-replay-${run}`;

/** The request with every table name (TableName fields, RequestItems keys) pointed at the clones. */
export function retable(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => retable(v, rename));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      if (key === 'TableName' && typeof v === 'string') return [key, rename(v)];
      if (key === 'RequestItems' && v && typeof v === 'object') return [key, Object.fromEntries(Object.entries(v).map(([t, r]) => [rename(t), r]))];
      return [key, retable(v, rename)];
    }),
  );
}

/** Seconds to run `calls` in their order against clones of the tables, `concurrency` at a time. */
async function replay(client: dynamodb.DynamoDBClient, snapshot: Map<string, TableSnapshot>, calls: DynamoDbTrace[], concurrency: number): Promise<number> {
  const run = Date.now().toString(36);
  const rename = (name: string) => (snapshot.has(name) ? replayName(name, run) : name);
  for (const [name, { description, items }] of snapshot) {
    await client.send(
      new dynamodb.CreateTableCommand({
        TableName: rename(name),
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: description.KeySchema,
        AttributeDefinitions: description.AttributeDefinitions,
        ...(description.GlobalSecondaryIndexes?.length
          ? { GlobalSecondaryIndexes: description.GlobalSecondaryIndexes.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })) }
          : {}),
      }),
    );
    for (let i = 0; i < items.length; i += 25) {
      await client.send(new dynamodb.BatchWriteItemCommand({ RequestItems: { [rename(name)]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
  }
  const commands = calls.map((call) => {
    const Command = (dynamodb as unknown as Record<string, new (input: unknown) => any>)[`${call.action}Command`];
    return new Command(retable(JSON.parse(call.request), rename));
  });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < commands.length; i = next++) await client.send(commands[i]).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  for (const name of snapshot.keys()) await client.send(new dynamodb.DeleteTableCommand({ TableName: rename(name) }));
  return seconds;
}
