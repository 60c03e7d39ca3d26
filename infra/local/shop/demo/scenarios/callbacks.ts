import { addresses, orderPlaced } from '../../../../../events/samples';
import { isoWeekOf } from '../../../../../shared/calendar';
import type { DemoContext, DemoScenario } from '../scenario';

const CARL = { user: 'carl', groups: ['cs-agent'] };
const HOUR = 3600;
const SHANGHAI = 8 * HOUR * 1000;

/** What customer service answers on each scripted call; every other member who is called is reached and happy. */
const SCRIPT: Record<string, { outcome: string; data?: unknown }> = {
  'purchase-CB-LATE': { outcome: 'reached', data: { satisfaction: 5 } },
  'purchase-CB-NOANSWER': { outcome: 'unreachable' },
  'purchase-CB-REVIEW': { outcome: 'reached', data: { satisfaction: 2, badReview: true, note: 'the tin arrived dented' } },
};

function order(context: DemoContext, orderId: string, placedAtMs: number) {
  return context.putEvent('shop.orders', 'OrderPlaced', {
    ...orderPlaced,
    orderId,
    memberId: `MEM-${orderId}`,
    placedAt: new Date(placedAtMs).toISOString(),
    shipTo: { ...addresses.shanghai },
    lines: [{ skuId: 'SKU-LJ-500', quantity: 1, unitPriceFen: 56_800 }],
    totalFen: 56_800,
  });
}

/** Moves the clock to the next `hour`:30 Shanghai time. */
async function toNext(context: DemoContext, hour: number) {
  const now = context.platform.clock.now();
  const shanghai = new Date(now + SHANGHAI);
  let target = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate(), hour, 30) - SHANGHAI;
  if (target <= now) target += 24 * HOUR * 1000;
  await context.advance(Math.round((target - now) / 1000));
}

/** Customer service works the callback inbox: every open call decided, the scripted ones as scripted, bad reviews followed up. */
async function workTheInbox(context: DemoContext) {
  for (const kind of ['member-callback', 'review-follow-up']) {
    const { body } = await context.api('GET', `/tasks?status=open&kind=${kind}&limit=100`, CARL);
    for (const task of body.items ?? []) {
      const decision = kind === 'review-follow-up' ? { outcome: 'asked-to-revise' } : (SCRIPT[task.businessKey] ?? { outcome: 'reached', data: { satisfaction: 4 } });
      const done = await context.api('POST', `/tasks/${task.taskId}/complete`, CARL, decision);
      if (done.status !== 200) throw new Error(`${kind} ${task.businessKey}: ${done.status} ${JSON.stringify(done.body)}`);
      await context.platform.clock.settle();
    }
  }
}

/**
 * A week of callbacks: three orders above 500 yuan, one placed at 23:00 (its call waits for 09:00),
 * one whose member never answers (three days, then unreachable), one that finds a bad review;
 * customer service also calls everyone the earlier days made due. Then the week's coverage.
 */
export const callbacksScenario: DemoScenario = {
  flow: 'member-callback',
  title: 'a week of member callbacks',
  steps: 4,
  async run(context) {
    await toNext(context, 9);
    const nine = context.platform.clock.now();
    await order(context, 'CB-LATE', nine - 10.5 * HOUR * 1000); // 22:59 last night
    await order(context, 'CB-NOANSWER', nine);
    await order(context, 'CB-REVIEW', nine);
    context.step('three orders above 500 yuan: calls due in 3 days');

    // Six days of the inbox, worked five times a day in callback hours.
    for (let day = 0; day < 6; day++) {
      for (const hour of [9, 12, 15, 18, 20]) {
        await toNext(context, hour);
        await workTheInbox(context);
      }
    }
    context.step('six days of calls, in callback hours');

    await context.waitFor('member-callback', 'purchase-CB-NOANSWER');
    context.step('the unanswered member: three attempts');

    const week = isoWeekOf(new Date(nine + 3 * 24 * HOUR * 1000));
    const { body } = await context.api('GET', `/reports/callbacks?week=${week}`, CARL);
    context.note(`callback coverage ${body.week}: ${body.completed} of ${body.due} due completed (${Math.round(body.coverage * 100)} %), ${body.unreachable} unreachable, ${body.open} open; target ${body.target * 100} %: ${body.met ? 'met' : 'NOT met'}`);
    context.step("the week's coverage");
    return [
      { flow: 'member-callback', businessKey: 'purchase-CB-LATE', story: 'placed 23:00: call opens 09:00', expected: { status: 'SUCCEEDED', result: { outcome: 'reached', attempts: 1, satisfaction: 5 } } },
      { flow: 'member-callback', businessKey: 'purchase-CB-NOANSWER', story: 'never answers: 3 attempts', expected: { status: 'SUCCEEDED', result: { outcome: 'unreachable', attempts: 3 } } },
      { flow: 'member-callback', businessKey: 'purchase-CB-REVIEW', story: 'bad review: asked to revise', expected: { status: 'SUCCEEDED', result: { outcome: 'reached', badReview: true, followUp: 'asked-to-revise' } } },
    ];
  },
};
