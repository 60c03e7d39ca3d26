import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import { executionArnFor } from '../shared/executions';
import type { Platform } from '../infra/local/engine/platform';
import { eventually, opsApi, startLocalPlatform } from './support';

// The clock starts on Monday 23 November 2026, 09:00 in Shanghai (01:00 UTC).
let platform: Platform;
let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
const carol = { user: 'carol', roles: ['cs-agent'] };

beforeAll(async () => {
  clients = await startLocalPlatform();
  platform = clients.platform;
});

afterAll(async () => {
  await platform?.stop();
});

async function placeOrder(orderId: string, placedAt: string, totalFen: number, copies = 1) {
  const detail = { ...orderPlaced, orderId, memberId: `M-${orderId}`, placedAt, totalFen, lines: [{ skuId: 'SKU-LJ-250', quantity: 1, unitPriceFen: totalFen }] };
  const entry = { EventBusName: EVENT_BUS_NAME, Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(detail) };
  const result = await clients.events.send(new PutEventsCommand({ Entries: Array.from({ length: copies }, () => entry) }));
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

async function advanceTo(iso: string) {
  const seconds = Math.round((Date.parse(iso) - platform.clock.now()) / 1000);
  expect(seconds).toBeGreaterThan(0);
  await platform.clock.advance(seconds);
  await platform.clock.settle();
}

async function openTasks(callbackId: string, kind = 'member-callback') {
  const response = await opsApi(platform, 'GET', `/tasks?status=open&kind=${kind}&businessKey=${callbackId}`, carol);
  expect(response.status).toBe(200);
  return response.body.items as Array<{ taskId: string; summary: string; dueAt: string; role: string }>;
}

const task = (callbackId: string, kind = 'member-callback') =>
  eventually(() => openTasks(callbackId, kind), (tasks) => tasks.length === 1, `an open ${kind} task for ${callbackId}`).then((tasks) => tasks[0]);

async function decide(callbackId: string, outcome: string, data?: unknown, kind = 'member-callback') {
  const { taskId } = await task(callbackId, kind);
  const response = await opsApi(platform, 'POST', `/tasks/${taskId}/complete`, carol, { outcome, ...(data ? { data } : {}) });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  await platform.clock.settle();
}

/** Due at `expected`, give or take the second the wait that opened the task may fire late. */
const expectAbout = (actual: string, expected: string) => expect(Math.abs(Date.parse(actual) - Date.parse(expected))).toBeLessThan(1000);

const flow = (callbackId: string) => opsApi(platform, 'GET', `/flows/member-callback/${callbackId}`, carol).then((r) => r.body);
const ended = (callbackId: string) => eventually(() => flow(callbackId), (f) => f.status === 'SUCCEEDED', `${callbackId} to end`).then((f) => f.result);

describe('member callbacks on the virtual clock', () => {
  // A: placed Monday 23:00 Shanghai, so +3 days is Thursday 23:00: the call opens Friday 09:00; reached on the third attempt.
  // B: placed Monday 10:00, due Thursday 10:00: unreachable three times (once by letting the day's hours run out).
  // C: placed Monday 11:00, due Thursday 11:00: reached with a bad review, which gets its follow-up.
  const A = 'purchase-CB-A';
  const B = 'purchase-CB-B';
  const C = 'purchase-CB-C';

  it('starts one callback per order above 500 yuan, however often the order arrives, and none for smaller orders', async () => {
    await placeOrder('CB-A', '2026-11-23T15:00:00Z', 60_000, 3);
    await placeOrder('CB-B', '2026-11-23T02:00:00Z', 55_000);
    await placeOrder('CB-C', '2026-11-23T03:00:00Z', 52_000, 2);
    await placeOrder('CB-D', '2026-11-23T03:00:00Z', 50_000);
    for (const id of [A, B, C]) expect((await eventually(() => flow(id), (f) => f.status === 'RUNNING', `${id} running`)).currentStep).toBe('Wait for callback hours');
    expect((await opsApi(platform, 'GET', '/flows/member-callback/purchase-CB-D', carol)).status).toBe(404);
  });

  it('opens the call in callback hours, due by the end of the day, saying who and why without a phone number', async () => {
    await advanceTo('2026-11-26T02:30:00Z');
    const call = await task(B);
    expect(call.role).toBe('cs-agent');
    expectAbout(call.dueAt, '2026-11-26T13:00:00Z');
    expect(call.summary).toBe('Call regular member M-CB-B: thank them for order CB-B (above 500 yuan) and ask how it went (attempt 1 of 3)');
    expect(JSON.stringify(call)).not.toContain(orderPlaced.phone);
    expect(await openTasks(C)).toHaveLength(0);
    await decide(B, 'unreachable');
  });

  it('a bad review found in the call gets a follow-up that asks, never presses', async () => {
    await advanceTo('2026-11-26T03:30:00Z');
    const refused = await opsApi(platform, 'POST', `/tasks/${(await task(C)).taskId}/complete`, carol, { outcome: 'reached', data: { satisfaction: 9 } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.errors)).toContain('satisfaction');
    await decide(C, 'reached', { satisfaction: 2, badReview: true, note: 'tea arrived crushed' });
    const followUp = await task(C, 'review-follow-up');
    expect(followUp.summary).toContain('ask (never press)');
    await decide(C, 'asked-to-revise', undefined, 'review-follow-up');
    expect(await ended(C)).toEqual({ callbackId: C, memberId: 'M-CB-C', reason: 'purchase', outcome: 'reached', attempts: 1, satisfaction: 2, badReview: true, followUp: 'asked-to-revise' });
  });

  it('an order placed so that +3 days falls at 23:00 Shanghai opens its call only at 09:00 the next day', async () => {
    await advanceTo('2026-11-27T00:59:00Z');
    expect(await openTasks(A)).toHaveLength(0);
    await advanceTo('2026-11-27T01:00:30Z');
    expectAbout((await task(A)).dueAt, '2026-11-27T13:00:00Z');
    await decide(A, 'unreachable');
  });

  it('retries at the same time the next day; no answer by the end of the hours counts as unreachable; three times ends unreachable', async () => {
    // B's second attempt opens Friday 10:00 Shanghai; nobody decides it before 21:00.
    await advanceTo('2026-11-27T02:00:30Z');
    expect((await task(B)).summary).toContain('attempt 2 of 3');
    await advanceTo('2026-11-27T13:00:30Z');
    expect(await openTasks(B)).toHaveLength(0);
    // Saturday: A's second attempt at 09:00, B's third at 10:00.
    await advanceTo('2026-11-28T02:00:30Z');
    await decide(A, 'unreachable');
    expect((await task(B)).summary).toContain('attempt 3 of 3');
    await decide(B, 'unreachable');
    expect(await ended(B)).toEqual({ callbackId: B, memberId: 'M-CB-B', reason: 'purchase', outcome: 'unreachable', attempts: 3 });
  });

  it('unreachable twice, then reached on the third attempt', async () => {
    await advanceTo('2026-11-29T01:00:30Z');
    expect((await task(A)).summary).toContain('attempt 3 of 3');
    await decide(A, 'reached', { satisfaction: 4 });
    expect(await ended(A)).toEqual({ callbackId: A, memberId: 'M-CB-A', reason: 'purchase', outcome: 'reached', attempts: 3, satisfaction: 4 });
  });

  it("keeps the phone and the address out of the callback's history: the flow gets only the order's ids, time and total", async () => {
    const machine = platform.model.stateMachines.find((m) => m.flow === 'member-callback')!;
    const history = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: executionArnFor(machine.arn, A), maxResults: 1000 }));
    const text = JSON.stringify(history.events);
    expect(text).toContain('CB-A');
    for (const secret of [orderPlaced.phone, orderPlaced.shipTo.district]) expect(text).not.toContain(secret);
  });

  it('the weekly report counts them against the 80 % target', async () => {
    const report = await opsApi(platform, 'GET', '/reports/callbacks?week=2026-W48', carol);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ week: '2026-W48', due: 3, completed: 2, unreachable: 1, open: 0, coverage: 0.667, target: 0.8, met: false });
    expect(report.body.byReason).toEqual([{ reason: 'purchase', due: 3, completed: 2, unreachable: 1, open: 0, coverage: 0.667 }]);
    // The current week (the clock is on Sunday 29 November, still 2026-W48) is the default.
    expect((await opsApi(platform, 'GET', '/reports/callbacks', carol)).body.week).toBe('2026-W48');
    const bad = await opsApi(platform, 'GET', '/reports/callbacks?week=2026-48', carol);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('week');
  });

  it('calls back a week after a refund case, three days after a complaint fix shipped, and not twice for a complaint resolved by a refund', async () => {
    const completed = (caseId: string, kind: string, outcome: string) => ({
      EventBusName: EVENT_BUS_NAME,
      Source: 'shop.workflows',
      DetailType: 'AftersalesCompleted',
      Detail: JSON.stringify({ caseId, kind, orderId: 'CB-A', memberId: 'M-CB-A', outcome, completedAt: new Date(platform.clock.now()).toISOString() }),
    });
    const sent = await clients.events.send(
      new PutEventsCommand({ Entries: [completed('R-CB-1', 'refund', 'approved'), completed('R-CB-1', 'refund', 'approved'), completed('C-CB-1', 'complaint', 'reship'), completed('C-CB-2', 'complaint', 'refund')] }),
    );
    expect(sent.FailedEntryCount).toBe(0);
    await platform.clock.settle();
    for (const id of ['aftersales-R-CB-1', 'complaint-C-CB-1']) expect((await eventually(() => flow(id), (f) => f.status === 'RUNNING', `${id} running`)).currentStep).toBe('Wait for callback hours');
    expect((await opsApi(platform, 'GET', '/flows/member-callback/complaint-C-CB-2', carol)).status).toBe(404);

    await advanceTo(new Date(platform.clock.now() + 3 * 86_400_000 + 30_000).toISOString());
    expect((await task('complaint-C-CB-1')).summary).toBe('Call regular member M-CB-A: check that the fix for complaint C-CB-1 arrived and solved it (attempt 1 of 3)');
    expect(await openTasks('aftersales-R-CB-1')).toHaveLength(0);
    await advanceTo(new Date(platform.clock.now() + 4 * 86_400_000).toISOString());
    expect((await task('aftersales-R-CB-1')).summary).toContain('ask whether after-sales case R-CB-1 was resolved to their satisfaction');
  });
});
