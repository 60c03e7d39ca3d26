import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { addresses, orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import { demoContext } from '../infra/local/shop/demo/run-demo';
import type { DemoContext } from '../infra/local/shop/demo/scenario';
import { listing, productOn, upload } from '../infra/local/shop/demo/scenarios/listings';
import type { Platform } from '../infra/local/engine/platform';

/**
 * The demo's scenarios at scale: the same stories, with generated keys, `n` instances each, so a
 * cost model can divide what the platform did by the instances it did it for. Each workload has
 * a set-up (not billed to it) and a run (billed); the caller marks the trace between the two.
 */
export interface Workload {
  flow: string;
  /** Instances the run starts. */
  instances: number;
  setUp(context: DemoContext): Promise<void>;
  run(context: DemoContext): Promise<void>;
}

const DAY = 86_400;
const OPS = { user: 'olivia', groups: ['ops-lead'] };
const ALICE = { user: 'alice', groups: ['aftersales'] };
const FIONA = { user: 'fiona', groups: ['finance'] };
const RITA = { user: 'rita', groups: ['reviewer'] };

const now = (context: DemoContext) => new Date(context.platform.clock.now()).toISOString();
const CITIES = ['shanghai', 'hangzhou', 'beijing'] as const;

/** A Tmall order of one line, to one of three cities; `i` picks the city. */
export function orderEvent(context: DemoContext, orderId: string, i: number, skuId = 'SKU-LJ-250', quantity = 1, unitPriceFen = 29_800) {
  return {
    ...orderPlaced,
    orderId,
    memberId: `MEM-B-${i % 97}`,
    placedAt: now(context),
    shipTo: { ...addresses[CITIES[i % CITIES.length]] },
    lines: [{ skuId, quantity, unitPriceFen }],
    totalFen: quantity * unitPriceFen,
  };
}

/** Puts events ten to a request (PutEvents' limit), `parallel` requests at a time; resolves when all are accepted. */
export async function putMany(context: DemoContext, entries: Array<{ source: string; detailType: string; detail: unknown }>, parallel = 8, onPut?: (index: number) => void) {
  const batches: Array<typeof entries> = [];
  for (let i = 0; i < entries.length; i += 10) batches.push(entries.slice(i, i + 10));
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < batches.length; b = next++) {
      const result = await context.events.send(
        new PutEventsCommand({ Entries: batches[b].map((e) => ({ EventBusName: EVENT_BUS_NAME, Source: e.source, DetailType: e.detailType, Detail: JSON.stringify(e.detail) })) }),
      );
      if (result.FailedEntryCount) throw new Error(`PutEvents refused ${result.FailedEntryCount} entries: ${result.Entries?.find((e) => e.ErrorCode)?.ErrorMessage}`);
      for (let i = 0; i < batches[b].length; i++) onPut?.(b * 10 + i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
}

async function completeTask(context: DemoContext, businessKey: string, kind: string, as: { user: string; groups: string[] }, body: unknown) {
  const task = await context.openTask(kind, businessKey);
  const done = await context.api('POST', `/tasks/${task.taskId}/complete`, as, body);
  if (done.status !== 200) throw new Error(`${kind} for ${businessKey}: ${done.status} ${JSON.stringify(done.body)}`);
}

/** Stock for `orders` one-box orders in each city's store and the warehouse. */
export function stockFor(context: DemoContext, orders: number, skuId = 'SKU-LJ-250') {
  return ['ST-SH-01', 'ST-HZ-01', 'WH-EAST'].map((locationId) => ({
    source: 'shop.inventory',
    detailType: 'StockReceived',
    detail: { skuId, locationId, quantity: orders, receivedAt: now(context) },
  }));
}

/**
 * The orders scenario: one-box orders from three cities, every one routed (and confirmed, and
 * announced), one after another, so each Lambda's measured duration is its own and not the time it
 * waited for the others in this one process (the burst of `measureThroughput` is for that).
 */
export function ordersWorkload(n: number, prefix = 'B-ORD'): Workload {
  return {
    flow: 'order-routing',
    instances: n,
    async setUp(context) {
      await putMany(context, stockFor(context, n));
      await context.platform.clock.settle();
    },
    async run(context) {
      for (let i = 0; i < n; i++) await context.putEvent('shop.orders', 'OrderPlaced', orderEvent(context, `${prefix}-${i}`, i));
      for (let i = 0; i < n; i++) await context.waitFor('order-routing', `${prefix}-${i}`);
    },
  };
}

/**
 * The after-sales scenario's refunds: half small and damaged (approved and paid automatically), a
 * quarter of 3,000 yuan (after-sales then finance), a quarter quality returns (approved, received,
 * inspected, paid). The orders they refund are placed and delivered in the set-up.
 */
export function refundsWorkload(n: number): Workload {
  const kinds = Array.from({ length: n }, (_, i) => (i % 4 < 2 ? 'small' : i % 4 === 2 ? 'big' : 'return'));
  const order = (i: number) => ({ small: ['SKU-BLC-100', 1, 15_900], big: ['SKU-SET-01', 3, 100_000], return: ['SKU-LJ-250', 1, 29_800] })[kinds[i]] as [string, number, number];
  return {
    flow: 'refund',
    instances: n,
    async setUp(context) {
      const skus = [...new Set(kinds.map((_, i) => order(i)[0]))];
      await putMany(context, skus.flatMap((sku) => stockFor(context, 3 * n, sku)));
      await context.platform.clock.settle();
      await putMany(context, kinds.map((_, i) => ({ source: 'shop.orders', detailType: 'OrderPlaced', detail: orderEvent(context, `B-RO-${i}`, i, ...order(i)) })));
      for (let i = 0; i < n; i++) await context.waitFor('order-routing', `B-RO-${i}`);
      await putMany(context, kinds.map((_, i) => ({ source: 'shop.orders', detailType: 'OrderDelivered', detail: { orderId: `B-RO-${i}`, deliveredAt: now(context) } })));
      await context.platform.clock.settle();
    },
    async run(context) {
      await putMany(
        context,
        kinds.map((kind, i) => {
          const [skuId, quantity, unitPriceFen] = order(i);
          return {
            source: 'shop.aftersales',
            detailType: 'RefundRequested',
            detail: {
              refundId: `B-RF-${i}`,
              orderId: `B-RO-${i}`,
              memberId: `MEM-B-${i % 97}`,
              kind: kind === 'return' ? 'return' : 'refund-only',
              reason: kind === 'small' ? 'damaged' : 'quality',
              lines: [{ skuId, quantity, amountFen: quantity * unitPriceFen }],
              requestedAt: now(context),
            },
          };
        }),
      );
      await context.platform.clock.settle();
      for (const [i, kind] of kinds.entries()) {
        const key = `B-RF-${i}`;
        if (kind === 'big') {
          await completeTask(context, key, 'refund-approval', ALICE, { outcome: 'approve' });
          await completeTask(context, key, 'refund-second-approval', FIONA, { outcome: 'approve' });
        } else if (kind === 'return') {
          await completeTask(context, key, 'refund-approval', ALICE, { outcome: 'approve' });
          await context.putEvent('shop.aftersales', 'ReturnReceived', { refundId: key, receivedAt: now(context) });
          await completeTask(context, key, 'return-inspection', ALICE, { outcome: 'pass' });
        }
      }
      for (let i = 0; i < n; i++) await context.waitFor('refund', `B-RF-${i}`);
    },
  };
}

/**
 * The listings scenario: half the listings pass their checks, are approved by a reviewer and
 * published, and a week later their unsold SKUs get the merchandiser's default (keep); the other
 * half are rejected for a grey photo and abandoned after 14 days.
 */
export function listingsWorkload(n: number): Workload {
  let white = '';
  let grey = '';
  return {
    flow: 'listing-review',
    instances: n,
    async setUp(context) {
      white = await upload(context, 'bench/white.png', productOn(255));
      grey = await upload(context, 'bench/grey.png', productOn(200));
    },
    async run(context) {
      const skus = (i: number) => [{ skuId: `SKU-B-${i}`, priceFen: 16_800, stock: 100 }];
      await putMany(
        context,
        Array.from({ length: n }, (_, i) => ({
          source: 'shop.listings',
          detailType: 'ListingSubmitted',
          detail: listing(context, `B-L-${i}`, 1, i % 2 === 0 ? white : grey, { skus: skus(i) }),
        })),
      );
      await context.platform.clock.settle();
      for (let i = 0; i < n; i += 2) await completeTask(context, `B-L-${i}`, 'listing-compliance-review', RITA, { outcome: 'approve' });
      // A week for the slow-moving check, three days for its default, past the 14 days of the rejected.
      await context.advance(15 * DAY);
      for (let i = 0; i < n; i++) await context.waitFor('listing-review', `B-L-${i}`);
    },
  };
}

const CARL = { user: 'carl', groups: ['cs-agent'] };
const SHANGHAI_MS = 8 * 3600 * 1000;

/** Moves the clock to the next `hour`:30 in Shanghai. */
async function toNextHalfPast(context: DemoContext, hour: number) {
  const now = context.platform.clock.now();
  const shanghai = new Date(now + SHANGHAI_MS);
  let target = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate(), hour, 30) - SHANGHAI_MS;
  if (target <= now) target += DAY * 1000;
  await context.advance(Math.round((target - now) / 1000));
}

/**
 * The callbacks scenario: orders above 500 yuan, each called back three days later in callback
 * hours; a third of the members never answer (three attempts), a third are reached with a bad
 * review (followed up), the rest reached and happy. Customer service works the inbox five times a
 * day for six days.
 */
export function callbacksWorkload(n: number): Workload {
  const answer = (i: number) => (i % 3 === 0 ? { outcome: 'unreachable' } : i % 3 === 1 ? { outcome: 'reached', data: { satisfaction: 2, badReview: true } } : { outcome: 'reached', data: { satisfaction: 5 } });
  const index = new Map(Array.from({ length: n }, (_, i) => [`purchase-B-CB-${i}`, i]));
  const workTheInbox = async (context: DemoContext) => {
    for (const kind of ['member-callback', 'review-follow-up']) {
      const { body } = await context.api('GET', `/tasks?status=open&kind=${kind}&limit=100`, CARL);
      for (const task of body.items ?? []) {
        const i = index.get(task.businessKey);
        if (i === undefined) continue;
        const decision = kind === 'review-follow-up' ? { outcome: 'asked-to-revise' } : answer(i);
        const done = await context.api('POST', `/tasks/${task.taskId}/complete`, CARL, decision);
        if (done.status !== 200) throw new Error(`${kind} ${task.businessKey}: ${done.status} ${JSON.stringify(done.body)}`);
        await context.platform.clock.settle();
      }
    }
  };
  return {
    flow: 'member-callback',
    instances: n,
    async setUp(context) {
      await putMany(context, stockFor(context, n, 'SKU-LJ-500'));
      await toNextHalfPast(context, 9);
    },
    async run(context) {
      await putMany(context, Array.from({ length: n }, (_, i) => ({ source: 'shop.orders', detailType: 'OrderPlaced', detail: orderEvent(context, `B-CB-${i}`, i, 'SKU-LJ-500', 1, 56_800) })));
      await context.platform.clock.settle();
      for (let day = 0; day < 6; day++) {
        for (const hour of [9, 12, 15, 18, 20]) {
          await toNextHalfPast(context, hour);
          await workTheInbox(context);
        }
      }
      for (const key of index.keys()) await context.waitFor('member-callback', key);
    },
  };
}

/** What runs a workload: the demo's context (real SDK clients, the ops API as named users). */
export function workloadContext(platform: Platform): DemoContext {
  return demoContext(platform, () => undefined);
}

