import { addresses, orderPlaced } from '../../../../events/samples';
import { EVENT_BUS_NAME } from '../../../aws/stacks/bus-stack';
import { paymentProvider } from '../../../../shared/payments/configured-provider';
import type { LocalPaymentProvider } from '../../../../shared/payments/local-provider';
import type { ReliabilityContext } from './context';
import { FAULT_DAY, PRODUCER, type ReliabilitySize } from './policy';
import type { CheckRow } from './report';
import { deliveryPlan } from './delivery-plan';

/**
 * The checks that drive flows on the platform through its public endpoints (PutEvents, the ops
 * API, `/_local/faults`, the clock) and read the outcome from the executions and the tables.
 */

const OPS = { user: 'olivia', roles: ['ops-lead'] };
const CS = { user: 'carl', roles: ['cs-agent'] };
const LJ = { skuId: 'SKU-LJ-250', priceFen: 19_900 };
const DH = { skuId: 'SKU-DH-1', priceFen: 88_800 };
const STORE = 'ST-SH-01';
/**
 * Flows the faults day touches: STANDARD ones are redriven, EXPRESS ones (order routing) started
 * again by their event. Member callbacks follow the day's high-value orders and refunds (named
 * `purchase-<orderId>`, `aftersales-<refundId>`).
 */
const RECOVERED_FLOWS = ['order-routing', 'stock-out', 'refund', 'complaint', 'member-callback'];
/** An instance of the faults day, whatever its flow prefixes to the business key. */
const ofFaultDay = (name: string) => /(^|-)RL-(F|RF)-\d+$/.test(name);

const order = (ctx: ReliabilityContext, orderId: string, memberId: string, sku: { skuId: string; priceFen: number }) =>
  ctx.event('shop.orders', 'OrderPlaced', {
    ...orderPlaced,
    orderId,
    memberId,
    placedAt: ctx.now(),
    shipTo: { ...addresses.shanghai },
    lines: [{ skuId: sku.skuId, quantity: 1, unitPriceFen: sku.priceFen }],
    totalFen: sku.priceFen,
  });

const stock = (ctx: ReliabilityContext, skuId: string, quantity: number) =>
  ctx.event('shop.inventory', 'StockReceived', { skuId, locationId: STORE, quantity, receivedAt: ctx.now() });

async function stockOf(ctx: ReliabilityContext, skuId: string) {
  const items = await ctx.scan('RecordsTable', 'pk', `SKU#${skuId}`);
  return items.filter((i) => String(i.sk).startsWith('LOC#')).reduce((sum, i) => ({ onHand: sum.onHand + (i.onHand ?? 0), reserved: sum.reserved + (i.reserved ?? 0) }), { onHand: 0, reserved: 0 });
}

async function addStock(ctx: ReliabilityContext, skuId: string, quantity: number) {
  const before = await stockOf(ctx, skuId);
  await ctx.put([stock(ctx, skuId, quantity)]);
  if (!(await ctx.until(async () => (await stockOf(ctx, skuId)).onHand >= before.onHand + quantity, 30_000))) throw new Error(`stock of ${skuId} was not received`);
}

const archived = (ctx: ReliabilityContext, detailType: string) =>
  ctx.platform.eventBridge.archive(EVENT_BUS_NAME).filter((e) => e['detail-type'] === detailType) as Array<{ detail: Record<string, any> }>;

const countBy = <T>(items: T[], key: (item: T) => string) => items.reduce((map, item) => map.set(key(item), (map.get(key(item)) ?? 0) + 1), new Map<string, number>());

/** Each entry `counts[i]` times, all shuffled together: a key's copies are spread over the whole stream, not side by side. */
const deliveries = <T>(ctx: ReliabilityContext, events: T[], counts: number[]) => ctx.shuffle(events.flatMap((event, i) => Array.from({ length: counts[i] }, () => event)));

/**
 * 1. Duplicates and shuffled delivery: orders with their events (OrderPlaced; OrderDelivered and a
 * refund request for some), each event delivered 1–5 times and shuffled → exactly one flow per
 * key, no reservation, confirmation, purchase, coupon, refund or refund notice twice. The three
 * kinds go out one after the other (a refund is asked for once the order is delivered), each
 * kind's deliveries shuffled among themselves.
 */
export async function duplicates(ctx: ReliabilityContext, size: ReliabilitySize): Promise<Omit<CheckRow, 'check'>> {
  const keys = size.duplicateKeys;
  // Five orders per member; a member's refunds stay under the auto-approval's 3 in 90 days (two each at most).
  const membersCount = Math.ceil(keys / 5);
  const plan = deliveryPlan(keys, size.duplicateEvents, Math.min(keys, 2 * membersCount), ctx.random);
  const orderIds = Array.from({ length: keys }, (_, i) => `RL-D-${i}`);
  const memberOf = (i: number) => `M-RL-D-${i % membersCount}`;
  const refundKeys = plan.refunds.length;
  const refundId = (i: number) => `RL-DR-${i}`;
  await addStock(ctx, LJ.skuId, keys + 10);
  const before = await stockOf(ctx, LJ.skuId);
  const started = performance.now();
  const heldBefore = ctx.held;

  const placed = await ctx.put(deliveries(ctx, orderIds.map((id, i) => order(ctx, id, memberOf(i), LJ)), plan.placed), 'OrderPlaced, 1–5 times each');
  const routed = await ctx.until(async () => (await ctx.executions('order-routing', 'RL-D-')).filter((e) => e.status !== 'RUNNING').length >= keys, 60_000 + keys * 200);
  const delivered = await ctx.put(
    deliveries(ctx, orderIds.slice(0, refundKeys).map((orderId) => ctx.event('shop.orders', 'OrderDelivered', { orderId, deliveredAt: ctx.now() })), plan.delivered),
    'OrderDelivered, 1–5 times each',
  );
  await ctx.until(async () => !ctx.platform.clock.busy, 60_000);
  const requested = await ctx.put(
    deliveries(
      ctx,
      orderIds.slice(0, refundKeys).map((orderId, i) =>
        ctx.event('shop.aftersales', 'RefundRequested', { refundId: refundId(i), orderId, memberId: memberOf(i), kind: 'refund-only', reason: 'quality', lines: [{ skuId: LJ.skuId, quantity: 1, amountFen: LJ.priceFen }], requestedAt: ctx.now() }),
      ),
      plan.refunds,
    ),
    'RefundRequested, 1–5 times each',
  );
  const decided = await ctx.until(async () => (await ctx.executions('refund', 'RL-DR-')).filter((e) => e.status !== 'RUNNING').length >= refundKeys, 60_000 + refundKeys * 200);
  const sent = placed.length + delivered.length + requested.length;
  const seconds = (performance.now() - started) / 1000;
  const heldSeconds = (ctx.held - heldBefore) / 1000 / PRODUCER.callsInFlight;
  const refused = [...placed, ...delivered, ...requested].filter((r) => r.ErrorCode).length;

  const executions = await ctx.executions('order-routing', 'RL-D-');
  const succeeded = executions.filter((e) => e.status === 'SUCCEEDED').length;
  const refunds = await ctx.executions('refund', 'RL-DR-');
  const refundsSucceeded = refunds.filter((e) => e.status === 'SUCCEEDED').length;
  const after = await stockOf(ctx, LJ.skuId);
  const reservedUnits = after.reserved - before.reserved;
  // Each notice once per key: an order's confirmation, a refund's notice.
  const onceEach = async (prefix: string, type: string, expected: number) => {
    const items = (await ctx.scan('RecordsTable', 'pk', prefix)).filter((i) => String(i.sk).startsWith(type));
    const perKey = countBy(items, (i) => String(i.pk));
    return [...perKey.values()].filter((n) => n > 1).length + (expected - perKey.size);
  };
  const doubleConfirmations = await onceEach('OUTBOX#RL-D-', 'order-confirmation', keys);
  const doubleRefundNotices = await onceEach('OUTBOX#RL-DR-', 'refund-issued', refundKeys);
  const memberItems = await ctx.scan('RecordsTable', 'pk', 'MEMBER#M-RL-D-');
  const purchases = memberItems.filter((i) => String(i.sk).startsWith('PURCHASE#')).length;
  const tierChanges = archived(ctx, 'MemberTierChanged').filter((e) => String(e.detail.memberId).startsWith('M-RL-D-'));
  // A rise is saved first and announced once by the purchase that saved it (members' records), however many purchases of the member run at once.
  const rises = countBy(tierChanges, (e) => `${e.detail.memberId}>${e.detail.to}`).size;
  const coupons = memberItems.filter((i) => String(i.sk).startsWith('COUPON#'));
  const tierCoupons = coupons.filter((c) => c.kind === 'tier').length;
  const qualityCoupons = coupons.filter((c) => c.kind === 'quality').length;
  // Money is what the payment provider made, whatever keys the handlers' calls reached it under.
  const made = localProvider().refunds().filter((r) => String(r.orderId).startsWith('RL-D-'));
  const refundedTwice = [...countBy(made, (r) => String(r.orderId)).values()].filter((n) => n > 1).length;
  const ok =
    routed && decided && refused === 0 && sent === size.duplicateEvents &&
    executions.length === keys && succeeded === keys && reservedUnits === keys && doubleConfirmations === 0 && purchases === keys &&
    rises > 0 && tierChanges.length === rises && tierCoupons === rises && coupons.length === tierCoupons + qualityCoupons &&
    refunds.length === refundKeys && refundsSucceeded === refundKeys && made.length === refundKeys && refundedTwice === 0 && qualityCoupons === refundKeys && doubleRefundNotices === 0;
  return {
    figure:
      `${sent} events over ${keys} keys (${keys} OrderPlaced, ${refundKeys} OrderDelivered and ${refundKeys} RefundRequested, 1–5 deliveries each, shuffled; ` +
      `settled in ${seconds.toFixed(0)} s, ${(sent / seconds).toFixed(0)} a second, the producer held back ${heldSeconds.toFixed(0)} s) → ` +
      `${executions.length} order flows, ${succeeded} succeeded; units reserved ${reservedUnits} for ${keys} orders; ${doubleConfirmations} double or missing confirmations; ${purchases} purchases counted; ` +
      `${tierCoupons} tier coupons for ${rises} tier rises announced by ${tierChanges.length} MemberTierChanged events; ` +
      `${refunds.length} refund flows, ${refundsSucceeded} succeeded; ${made.length} refunds made by the provider, ${refundedTwice} orders refunded twice; ${qualityCoupons} quality coupons; ${doubleRefundNotices} double or missing refund notices` +
      (refused ? `; ${refused} refused by PutEvents` : ''),
    pass: ok,
  };
}

/** 2. Malformed events: every one quarantined (or refused to its producer), none dropped; a corrected sample replayed once. */
export async function malformed(ctx: ReliabilityContext, size: ReliabilitySize): Promise<Omit<CheckRow, 'check'>> {
  const kinds = ['missing field', 'mistyped field', 'mistyped nested field', 'not JSON', 'oversize'] as const;
  const entries = [];
  const valid = (i: number) => JSON.parse(order(ctx, `RL-M-${i}`, `M-RL-M-${i}`, LJ).Detail!) as Record<string, unknown>;
  for (let i = 0; i < size.malformedEvents; i++) {
    const kind = kinds[i % kinds.length];
    const detail = valid(i);
    if (kind === 'missing field') delete detail.lines;
    if (kind === 'mistyped field') detail.totalFen = 'a lot';
    if (kind === 'mistyped nested field') detail.lines = [{ skuId: 5, quantity: -1, unitPriceFen: 1.5 }];
    const text = kind === 'not JSON' ? `{"orderId": "RL-M-${i}", ` : kind === 'oversize' ? JSON.stringify({ ...detail, note: 'x'.repeat(262_144) }) : JSON.stringify(detail);
    entries.push({ Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: text });
  }
  // An entry over 256 KB makes PutEvents refuse the whole request: those go one per request.
  const indexed = entries.map((e, i) => ({ e, i }));
  const batched = indexed.filter(({ i }) => kinds[i % kinds.length] !== 'oversize');
  const results: Array<{ EventId?: string; ErrorCode?: string }> = new Array(entries.length);
  (await ctx.put(batched.map(({ e }) => e), 'malformed events')).forEach((r, n) => (results[batched[n].i] = r));
  for (const { e, i } of indexed.filter(({ i }) => kinds[i % kinds.length] === 'oversize')) {
    results[i] = await ctx.put([e]).then(
      ([r]) => r,
      (error: Error) => ({ ErrorCode: error.name }),
    );
  }
  const accepted = results.map((r, i) => ({ id: r.EventId, i })).filter((r): r is { id: string; i: number } => Boolean(r.id));
  const refused = results.filter((r) => r.ErrorCode);
  const expectedIds = new Set(accepted.map((a) => a.id));
  const quarantinedIds = async () => new Set((await ctx.scan('QuarantineTable', 'id', '')).filter((q) => expectedIds.has(q.id) && q.reason && q.errors?.length).map((q) => q.id));
  await ctx.until(async () => (await quarantinedIds()).size >= expectedIds.size, 60_000 + size.malformedEvents * 20);
  const kept = await quarantinedIds();
  const started = (await ctx.executions('order-routing', 'RL-M-')).length;
  // OrderPlaced has other targets (the member record, listing sales) whose handlers validate and
  // fail: after Lambda's retries those copies wait in the bus's dead-letter queue. Redriving it
  // checks each against its contract and moves the invalid ones to the quarantine.
  await ctx.platform.clock.settle();
  let deadLetters = 0;
  for (let call = 0; call < 1_000; call++) {
    const answer = await ctx.ops('POST', '/quarantine/dead-letters/redrive', OPS);
    deadLetters += answer.body?.quarantined ?? 0;
    if (!answer.body?.waiting || !(answer.body.quarantined + answer.body.redriven)) break;
  }
  const deadLettersLeft = (await ctx.ops('GET', '/quarantine/dead-letters', OPS)).body?.waiting;

  // Correct a sample of the mistyped ones and replay them through the ops API: once each.
  await addStock(ctx, LJ.skuId, size.replaySample + 5);
  const sample = accepted.filter((a) => kinds[a.i % kinds.length] === 'mistyped field').slice(0, size.replaySample);
  let replayed = 0;
  let secondRefused = 0;
  for (const { id, i } of sample) {
    if ((await ctx.ops('POST', `/quarantine/${id}/replay`, OPS, { detail: valid(i) })).status === 200) replayed++;
    if ((await ctx.ops('POST', `/quarantine/${id}/replay`, OPS, { detail: valid(i) })).status === 409) secondRefused++;
  }
  const names = new Set(sample.map(({ i }) => `RL-M-${i}`));
  await ctx.until(async () => (await ctx.executions('order-routing', 'RL-M-')).filter((e) => e.status === 'SUCCEEDED').length >= names.size, 60_000);
  const flows = (await ctx.executions('order-routing', 'RL-M-')).filter((e) => names.has(e.name) && e.status === 'SUCCEEDED').length;
  const listed = await ctx.ops('GET', `/quarantine?day=${ctx.now().slice(0, 10)}&detailType=OrderPlaced`, OPS);
  const ok = deadLettersLeft === 0 && kept.size === expectedIds.size && accepted.length + refused.length === entries.length && started === 0 && replayed === sample.length && secondRefused === sample.length && flows === sample.length && listed.status === 200;
  return {
    figure:
      `${entries.length} malformed → ${kept.size} quarantined with reason and field errors, ${refused.length} refused by PutEvents with an error (not JSON, over 256 KB), ${deadLetters} copies from other targets' dead letters quarantined, ${deadLettersLeft} left, ${started} flows started; ` +
      `${sample.length} corrected and replayed: ${flows} flows ran once, second replay 409 ×${secondRefused}`,
    pass: ok,
  };
}

interface StockSampler {
  stop(): Promise<{ reads: number; minAvailable: number; minOnHand: number }>;
}

/** Reads the stock of the given SKUs again and again while a check runs; remembers the lowest figures seen. */
function sampleStock(ctx: ReliabilityContext, skuIds: string[]): StockSampler {
  let running = true;
  let reads = 0;
  let minAvailable = Infinity;
  let minOnHand = Infinity;
  const loop = (async () => {
    while (running) {
      for (const skuId of skuIds) {
        for (const item of (await ctx.scan('RecordsTable', 'pk', `SKU#${skuId}`)).filter((i) => String(i.sk).startsWith('LOC#'))) {
          reads++;
          minAvailable = Math.min(minAvailable, item.available ?? 0);
          minOnHand = Math.min(minOnHand, item.onHand ?? 0);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { reads, minAvailable, minOnHand };
    },
  };
}

async function setFaults(ctx: ReliabilityContext, settings?: typeof FAULT_DAY) {
  const response = await fetch(`${ctx.platform.awsEndpoint}/_local/faults`, { method: settings ? 'POST' : 'DELETE', body: settings ? JSON.stringify(settings) : undefined });
  return (await response.json()) as { injected: Record<string, number> };
}

/**
 * 3 and 5. A day of orders, deliveries and refunds under 20 % Lambda faults and 10 % DynamoDB
 * throttling; then faults clear, dead letters and failed flows are redriven in bulk, and every
 * flow must end as its rules say. Orders beyond the stock start stock-outs whose contact task
 * nobody answers: after 49 hours each has escalated and then taken its default (cancel, refund).
 */
export async function faultDay(ctx: ReliabilityContext, size: ReliabilitySize): Promise<Array<Omit<CheckRow, 'check'> & { check: string }>> {
  const dhOrders = Math.ceil(size.faultOrders / 2);
  const unanswered = Math.min(size.unansweredTasks, dhOrders);
  await addStock(ctx, LJ.skuId, size.faultOrders);
  if (dhOrders - unanswered > 0) await addStock(ctx, DH.skuId, dhOrders - unanswered);
  const sampler = sampleStock(ctx, [LJ.skuId, DH.skuId]);

  await setFaults(ctx, FAULT_DAY);
  const orders = Array.from({ length: size.faultOrders }, (_, i) => ({ orderId: `RL-F-${i}`, sku: i % 2 === 0 ? LJ : DH }));
  await ctx.put(orders.map((o) => order(ctx, o.orderId, `M-${o.orderId}`, o.sku)));
  await ctx.until(async () => (await ctx.executions('order-routing', 'RL-F-')).every((e) => e.status !== 'RUNNING'), 60_000 + size.faultOrders * 100);
  const refunded = orders.filter((o) => o.sku === LJ).slice(0, size.faultRefunds);
  await ctx.put(refunded.map((o) => ctx.event('shop.orders', 'OrderDelivered', { orderId: o.orderId, deliveredAt: ctx.now() })));
  await ctx.platform.clock.settle();
  await ctx.put(
    refunded.map((o, i) =>
      ctx.event('shop.aftersales', 'RefundRequested', { refundId: `RL-RF-${i}`, orderId: o.orderId, memberId: `M-${o.orderId}`, kind: 'refund-only', reason: 'quality', lines: [{ skuId: LJ.skuId, quantity: 1, amountFen: LJ.priceFen }], requestedAt: ctx.now() }),
    ),
  );
  await ctx.until(async () => (await ctx.executions('refund', 'RL-RF-')).every((e) => e.status !== 'RUNNING'), 30_000 + size.faultRefunds * 100);
  const injected = (await setFaults(ctx)).injected;
  /** Business keys with a task open for a person. */
  const openTaskKeys = async () => new Set<string>(((await ctx.ops('GET', '/tasks?status=open&limit=100', OPS)).body?.items ?? []).map((t: { businessKey: string }) => t.businessKey));
  const dayInstances = async (flow: string) => (await ctx.executions(flow, '')).filter((e) => ofFaultDay(e.name));
  const failedBefore = (await Promise.all(RECOVERED_FLOWS.map(dayInstances))).flat().filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT').length;

  // Recovery, as ops would do it: dead letters back on the bus, then one bulk redrive per flow and status.
  let deadLetters = 0;
  /** Dead letters put back on the bus, by detail-type: each is on the bus (and in its archive) once more. */
  const redrivenTypes = new Map<string, number>();
  let redriven = 0;
  let restarted = 0;
  let rounds = 0;
  for (; rounds < 5; rounds++) {
    // A step that timed out may hold a lease (a payment being made): a minute lets it lapse.
    if (rounds > 0) await ctx.platform.clock.advance(60);
    const restartedBefore = restarted;
    let moved = 0;
    for (let call = 0; call < 100; call++) {
      const answer = await ctx.ops('POST', '/quarantine/dead-letters/redrive', OPS);
      moved += answer.body?.redriven ?? 0;
      for (const r of answer.body?.results ?? []) if (r.result === 'redriven') redrivenTypes.set(r.detailType, (redrivenTypes.get(r.detailType) ?? 0) + 1);
      if (!answer.body?.waiting || !(answer.body?.redriven + answer.body?.quarantined)) break;
    }
    deadLetters += moved;
    await ctx.platform.clock.settle();
    let round = 0;
    // Step Functions cannot redrive an Express execution: its producer sends the event again.
    const failedOrders = new Set((await ctx.executions('order-routing', 'RL-F-')).filter((e) => e.status === 'FAILED').map((e) => e.name));
    if (ctx.express('order-routing') && failedOrders.size > 0) {
      await ctx.put(orders.filter((o) => failedOrders.has(o.orderId)).map((o) => order(ctx, o.orderId, `M-${o.orderId}`, o.sku)));
      restarted += failedOrders.size;
      round += failedOrders.size;
    }
    for (const flow of RECOVERED_FLOWS.filter((f) => !ctx.express(f))) {
      for (const status of ['FAILED', 'TIMED_OUT']) {
        for (let call = 0; call < 100; call++) {
          const answer = await ctx.ops('POST', `/flows/${flow}/redrive`, OPS, { status });
          round += answer.body?.redriven ?? 0;
          if (!answer.body?.more || !answer.body?.redriven) break;
        }
      }
    }
    redriven += round - (restarted - restartedBefore);
    // Stock-outs keep waiting for their contact, and a refund the rules gave to aftersales for its
    // decision (see below); everything else must have come to an end.
    const unsettled = async () => {
      const people = await openTaskKeys();
      return (await Promise.all(['order-routing', 'refund'].map((f) => ctx.executions(f, 'RL-')))).flat().filter((e) => e.status !== 'SUCCEEDED' && !(e.status === 'RUNNING' && people.has(e.name)));
    };
    await ctx.until(async () => (await unsettled()).every((e) => e.status !== 'RUNNING'), 60_000);
    await ctx.platform.clock.settle();
    const left = (await unsettled()).length + (await dayInstances('member-callback')).filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT').length;
    if (left === 0 && moved === 0 && round === 0) break;
  }

  const routing = await ctx.executions('order-routing', 'RL-F-');
  const stockOuts = await ctx.executions('stock-out', 'RL-F-');
  const refunds = await ctx.executions('refund', 'RL-RF-');
  const openContacts = (await ctx.ops('GET', '/tasks?kind=stock-out-contact&status=open&limit=100', OPS)).body?.items?.filter((t: { businessKey: string }) => t.businessKey.startsWith('RL-F-')) ?? [];
  // A refund whose delivery arrived late (its event went through the dead-letter queue) is given to
  // aftersales by the rules: waiting for a person, not stuck.
  const openTasks = await openTaskKeys();
  const waiting = refunds.filter((e) => e.status === 'RUNNING' && openTasks.has(e.name)).length;
  // Callbacks wait days for their time (the clock has not got there): running or done, never failed.
  const callbacks = await dayInstances('member-callback');
  const stuck =
    [...routing, ...refunds].filter((e) => e.status !== 'SUCCEEDED' && !(e.status === 'RUNNING' && openTasks.has(e.name))).length +
    [...stockOuts, ...callbacks].filter((e) => e.status !== 'RUNNING' && e.status !== 'SUCCEEDED').length;

  // Nobody answers the stock-out contacts: an hour to cs-agent, then ops-lead for the rest of 48 hours, then the default.
  await ctx.platform.clock.advance(49 * 3600);
  await ctx.until(async () => (await ctx.executions('stock-out', 'RL-F-')).every((e) => e.status !== 'RUNNING'), 60_000);
  const stockOutsAfter = await ctx.executions('stock-out', 'RL-F-');
  const contactTasks = (await ctx.scan('TasksTable', 'taskId', '')).filter((t) => t.kind === 'stock-out-contact' && String(t.businessKey).startsWith('RL-F-'));
  const escalated = contactTasks.filter((t) => (t.history ?? []).some((h: { type: string }) => h.type === 'escalated')).length;
  const defaulted = contactTasks.filter((t) => t.status !== 'open' && t.status !== 'claimed' && !(t.history ?? []).some((h: { type: string; actor: string }) => h.type === 'completed' && h.actor !== 'system')).length;
  const cancelled = (await ctx.scan('RecordsTable', 'pk', 'ORDER#RL-F-')).filter((i) => i.sk === 'CANCELLATION').length;
  const stockReads = await sampler.stop();

  // Money moved is what the payment provider made: the local one runs in this process, and the
  // handlers' calls reached it under whatever idempotency keys they sent.
  const provider = localProvider();
  const made = provider.refunds().filter((r) => String(r.orderId).startsWith('RL-F-'));
  const payTwice = [...countBy(made, (r) => String(r.orderId)).values()].filter((n) => n > 1).length;
  // An order refunded twice is named with the keys it was refunded under, so the run can be followed in its log.
  const twice = [...countBy(made, (r) => String(r.orderId))].filter(([, n]) => n > 1).map(([orderId]) => `${orderId}: ${made.filter((r) => r.orderId === orderId).map((r) => r.idempotencyKey).join(', ')}`);
  const providerCalls = made.reduce((n, r) => n + r.calls, 0);
  const refundOrders = new Set(refunded.map((o) => o.orderId));
  const forRequests = made.filter((r) => refundOrders.has(String(r.orderId))).length;
  const paid = archived(ctx, 'RefundPaid').filter((e) => String(e.detail.refundId).startsWith('RL-RF-'));
  const ledger = (await ctx.scan('RecordsTable', 'pk', 'PAYMENT#RL-RF-')).filter((i) => i.status === 'paid').length;
  const decided = refunds.filter((e) => e.status === 'SUCCEEDED').length;

  const faultsFigure = `${injected.lambdaErrors + injected.lambdaTimeouts} of ${injected.lambdaInvocations} Lambda invocations failed or timed out, ${injected.dynamodbThrottles} of ${injected.dynamodbRequests} DynamoDB requests throttled`;
  return [
    {
      check: 'faults day: every flow ends as its rules say',
      figure:
        `${faultsFigure}; ${failedBefore} flows failed, ${deadLetters} dead letters and ${redriven} flows redriven${restarted ? `, ${restarted} EXPRESS order routings started again by their event` : ''} in ${rounds + 1} round(s); ` +
        `${routing.length} orders routed, ${refunds.length} refunds (${decided} succeeded, ${waiting} waiting for aftersales), ${stockOuts.length} stock-outs waiting on ${openContacts.length} contacts, ${callbacks.length} member callbacks (${callbacks.filter((e) => e.status === 'RUNNING').length} waiting for their day); ${stuck} stuck`,
      pass: routing.length === size.faultOrders && refunds.length === size.faultRefunds && decided + waiting === refunds.length && stuck === 0 && stockOuts.length === unanswered && openContacts.length === unanswered,
    },
    {
      check: 'faults day: stock never below zero',
      figure: `${stockReads.reads} stock reads during the day: lowest available ${stockReads.minAvailable}, lowest on hand ${stockReads.minOnHand}`,
      pass: stockReads.reads > 0 && stockReads.minAvailable >= 0 && stockReads.minOnHand >= 0,
    },
    {
      check: 'faults day: refunds paid at most once',
      figure: `${made.length} refunds made by the provider (${forRequests} for ${refunds.length} refund requests, ${made.length - forRequests} for cancelled stock-out lines; ${providerCalls} calls reached it); ${ledger} paid in the ledger, ${paid.length} RefundPaid events (at least once; ${redrivenTypes.get('RefundPaid') ?? 0} of them dead letters put back on the bus); ${payTwice} orders refunded twice${twice.length ? ` (${twice.slice(0, 3).join('; ')})` : ''}`,
      pass: payTwice === 0 && forRequests === ledger && ledger <= refunds.length && new Set(paid.map((e) => e.detail.refundId)).size === ledger,
    },
    {
      check: 'unanswered tasks escalate, then default',
      figure: `${contactTasks.length} stock-out contacts unanswered → ${escalated} escalated, ${defaulted} defaulted after 49 h; ${stockOutsAfter.filter((e) => e.status === 'SUCCEEDED').length} stock-outs closed, ${cancelled} lines cancelled and refunded`,
      pass: contactTasks.length === unanswered && escalated === unanswered && defaulted === unanswered && stockOutsAfter.every((e) => e.status === 'SUCCEEDED') && cancelled === unanswered,
    },
  ];
}

/** 4. Many concurrent completions of one task: exactly one wins. */
export async function concurrentCompletions(ctx: ReliabilityContext, size: ReliabilitySize): Promise<Omit<CheckRow, 'check'>> {
  await ctx.put([ctx.event('shop.aftersales', 'ComplaintFiled', { complaintId: 'RL-C-1', orderId: 'RL-F-0', memberId: 'M-RL-F-0', text: 'Box crushed, call me on 13700001111', filedAt: ctx.now() })]);
  let task: { taskId: string } | undefined;
  await ctx.until(async () => {
    task = (await ctx.ops('GET', '/tasks?businessKey=RL-C-1&kind=complaint-response&status=open', OPS)).body?.items?.[0];
    return task !== undefined;
  }, 30_000);
  if (!task) throw new Error('the complaint-response task never opened');
  const answers = await Promise.all(
    Array.from({ length: size.concurrentCompletions }, (_, i) => ctx.ops('POST', `/tasks/${task!.taskId}/complete`, { user: `agent-${i}`, roles: CS.roles }, { outcome: 'resolved-other', reason: `resolved by agent ${i}` })),
  );
  const ok = answers.filter((a) => a.status >= 200 && a.status < 300).length;
  const conflicts = answers.filter((a) => a.status === 409).length;
  return { figure: `${answers.length} concurrent completions → ${ok} 2xx, ${conflicts} 409`, pass: ok === 1 && conflicts === answers.length - 1 };
}

/** 6. No phone number, address or task token anywhere the run left a trace. */
export async function personalDataScan(ctx: ReliabilityContext): Promise<Omit<CheckRow, 'check'>> {
  const tokens = new Set((await ctx.scan('TasksTable', 'taskId', '')).map((t) => t.taskToken).filter((t): t is string => typeof t === 'string'));
  const districts = Object.values(addresses).map((a) => a.district);
  // A mainland mobile number standing on its own (in text or a JSON string), not a run of digits
  // inside an id (a UUID's last group, a hex token) or a longer number.
  const phone = /(?<![\w.-])1[3-9]\d{9}(?![\w.-])/;
  const token = /AQ[A-Za-z0-9_-]{100,}/;
  const found: string[] = [];
  /** What leaked, named without repeating it: `phone`, `task token`, `address`. */
  const leakIn = (text: string) =>
    phone.test(text) ? 'phone' : token.test(text) || [...tokens].some((t) => text.includes(t)) ? 'task token' : districts.some((d) => text.includes(d)) ? 'address' : undefined;
  const leaks = (text: string, where = '') => {
    const what = leakIn(text);
    if (what && found.length < 3) found.push(`${what} in ${where || text.slice(0, 40).replace(/\d/g, '#')}`);
    return what !== undefined;
  };

  let histories = 0;
  let leakedHistories = 0;
  // EXPRESS machines keep no history (Step Functions refuses to list them): their instance records are scanned instead.
  const instanceRecords = await ctx.scan('RecordsTable', 'pk', 'FLOW#');
  const leakedRecords = instanceRecords.filter((r) => leaks(JSON.stringify(r), `the record of ${r.pk}`)).length;
  for (const machine of ctx.platform.model.stateMachines.filter((m) => m.type !== 'EXPRESS')) {
    let nextToken: string | undefined;
    do {
      const page = await ctx.platform.stepFunctions.ListExecutions({ stateMachineArn: machine.arn, maxResults: 1000, nextToken });
      for (const execution of page.executions) {
        histories++;
        const history = await ctx.platform.stepFunctions.GetExecutionHistory({ executionArn: execution.executionArn, maxResults: 100_000 });
        const described = await ctx.platform.stepFunctions.DescribeExecution({ executionArn: execution.executionArn });
        if (leaks(JSON.stringify(history.events), `the history of ${machine.flow} ${execution.name}`) || leaks(JSON.stringify(described), `${machine.flow} ${execution.name}`)) leakedHistories++;
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  // Producers' own events carry the delivery address by contract; the flows' events must not.
  const flowEvents = ctx.platform.eventBridge.archive(EVENT_BUS_NAME).filter((e) => e.source === 'shop.workflows');
  const leakedEvents = flowEvents.filter((e) => leaks(JSON.stringify(e), `a ${e['detail-type']} event`)).length;
  const leakedAnswers = ctx.apiAnswers.filter((a) => leaks(a, 'an API answer')).length;
  const leakedLogs = ctx.logLines.filter((l) => leaks(l, 'a log line')).length;
  return {
    figure: `${histories} execution histories, ${instanceRecords.length} EXPRESS instance records, ${flowEvents.length} flow events, ${ctx.apiAnswers.length} API answers, ${ctx.logLines.length} log lines scanned: ${leakedHistories + leakedRecords + leakedEvents + leakedAnswers + leakedLogs} with a phone, address or task token${found.length ? ` (${found.join('; ')})` : ''}`,
    pass: histories > 0 && leakedHistories + leakedRecords + leakedEvents + leakedAnswers + leakedLogs === 0,
  };
}

/** The platform's local payment provider (a singleton of this process, created by the first payment). */
function localProvider(): LocalPaymentProvider {
  const before = process.env.PAYMENT_PROVIDER;
  process.env.PAYMENT_PROVIDER = 'local';
  try {
    return paymentProvider() as LocalPaymentProvider;
  } finally {
    if (before === undefined) delete process.env.PAYMENT_PROVIDER;
    else process.env.PAYMENT_PROVIDER = before;
  }
}
