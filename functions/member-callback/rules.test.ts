import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from '../../shared/calendar';
import { callbackPolicy } from './policy';
import { afterCall, callSummary, dueAtOf, firstAttempt, followUpSummary, nextAttempt, reasonOf } from './rules';

const calendar = createBusinessCalendar();
const order = (totalFen: number, placedAt = '2026-11-20T15:00:00Z') => ({ callbackId: 'purchase-O-1', memberId: 'M-1', orderId: 'O-1', placedAt, totalFen });
const closed = (kind: 'refund' | 'complaint', outcome: string, callbackId = kind === 'refund' ? 'aftersales-R-1' : 'complaint-C-1') => ({
  callbackId, memberId: 'M-1', orderId: 'O-1', caseId: 'R-1', kind, outcome, completedAt: '2026-11-24T02:00:00Z',
});

describe('when a callback is due (§5)', () => {
  it.each([
    ['an order above 500 yuan: 3 days after it was placed', order(50_001), '2026-11-23T15:00:00.000Z'],
    ['an order of exactly 500 yuan: none', order(50_000), undefined],
    ['a completed refund case: a week later', closed('refund', 'approved'), '2026-12-01T02:00:00.000Z'],
    ['a complaint fixed by a reship: 3 days after it shipped', closed('complaint', 'reship'), '2026-11-27T02:00:00.000Z'],
    ['a complaint resolved otherwise: a week later, like any case', closed('complaint', 'resolved-other'), '2026-12-01T02:00:00.000Z'],
    ['a complaint resolved by a refund: none (the refund case calls back)', closed('complaint', 'refund'), undefined],
  ])('%s', (_, cause, due) => {
    expect(dueAtOf(cause, callbackPolicy)).toBe(due);
  });

  it('reads the reason from the id and refuses an id of no cause', () => {
    expect(reasonOf('aftersales-R-1')).toBe('aftersales');
    expect(() => reasonOf('O-1')).toThrow('must start with purchase-, aftersales-, complaint-');
  });
});

describe('attempts in callback hours (09:00–21:00 Shanghai, not on statutory holidays)', () => {
  it.each([
    ['due at 23:00 Shanghai: opens 09:00 the next day', '2026-11-23T15:00:00Z', '2026-11-24T01:00:00.000Z', '2026-11-24T13:00:00.000Z'],
    ['due at 14:30: opens at once, due by 21:00', '2026-11-24T06:30:00Z', '2026-11-24T06:30:00.000Z', '2026-11-24T13:00:00.000Z'],
    ['due on a Saturday morning: Saturdays have hours', '2026-11-28T00:30:00Z', '2026-11-28T01:00:00.000Z', '2026-11-28T13:00:00.000Z'],
    ['due on National Day: opens 8 October 09:00', '2026-10-01T03:00:00Z', '2026-10-08T01:00:00.000Z', '2026-10-08T13:00:00.000Z'],
  ])('%s', (_, due, opensAt, dueBy) => {
    expect(firstAttempt(due, calendar)).toMatchObject({ attempt: 1, opensAt, dueBy });
  });

  it('retries at the same time of day on the next day with hours, at most 3 attempts', () => {
    const first = firstAttempt('2026-11-24T06:30:00Z', calendar);
    const second = nextAttempt(first, calendar, callbackPolicy)!;
    const third = nextAttempt(second, calendar, callbackPolicy)!;
    expect([second.opensAt, third.opensAt]).toEqual(['2026-11-25T06:30:00.000Z', '2026-11-26T06:30:00.000Z']);
    expect(third.attempt).toBe(3);
    expect(nextAttempt(third, calendar, callbackPolicy)).toBeUndefined();
  });

  it('skips a statutory holiday between attempts (30 September → 8 October)', () => {
    expect(nextAttempt({ attempt: 1, opensAt: '2026-09-30T02:00:00Z' }, calendar, callbackPolicy)!.opensAt).toBe('2026-10-08T02:00:00.000Z');
  });

  it('gives the task the rest of the day as its SLA', () => {
    expect(firstAttempt('2026-11-24T12:00:00Z', calendar).slaSeconds).toBe(3600);
  });

  it('property: every attempt opens inside hours, after the previous one, and is due after it opens', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2004-01-02T00:00:00Z'), max: new Date('2026-12-20T00:00:00Z'), noInvalidDate: true }), (due) => {
        let attempt = firstAttempt(due.toISOString(), calendar);
        expect(Date.parse(attempt.opensAt)).toBeGreaterThanOrEqual(due.getTime());
        for (;;) {
          expect(calendar.isInHours(attempt.opensAt)).toBe(true);
          expect(attempt.slaSeconds).toBeGreaterThan(0);
          const next = nextAttempt(attempt, calendar, callbackPolicy);
          if (!next) break;
          expect(Date.parse(next.opensAt)).toBeGreaterThan(Date.parse(attempt.dueBy) - 1);
          attempt = next;
        }
        expect(attempt.attempt).toBe(callbackPolicy.maxAttempts);
      }),
    );
  });
});

describe('after a call', () => {
  const previous = { attempt: 1, opensAt: '2026-11-24T06:30:00Z' };
  it.each([
    ['unreachable with attempts left: retry', { outcome: 'unreachable' as const }, previous, 'retry'],
    ['unreachable on the last attempt: ends unreachable', { outcome: 'unreachable' as const }, { ...previous, attempt: 3 }, 'done'],
    ['reached, happy: done', { outcome: 'reached' as const, data: { satisfaction: 5 } }, previous, 'done'],
    ['reached with a bad review: the follow-up', { outcome: 'reached' as const, data: { satisfaction: 2, badReview: true } }, previous, 'follow-up'],
    ['declined: done, it counts as completed', { outcome: 'declined' as const }, previous, 'done'],
  ])('%s', (_, decision, attempt, next) => {
    expect(afterCall(decision, attempt, calendar, callbackPolicy).next).toBe(next);
  });

  it('the summary says who and why, without a phone number', () => {
    const summary = callSummary('M-100862', 'gold', 'purchase-O-20261121-000318', 2, callbackPolicy);
    expect(summary).toBe('Call gold member M-100862: thank them for order O-20261121-000318 (above 500 yuan) and ask how it went (attempt 2 of 3)');
  });

  it.each([
    ['a satisfaction given', 2, 'Member M-100862 left a bad review (aftersales RF-7, satisfaction 2): resolve the problem, then ask (never press) whether they would revise the review'],
    ['none given', undefined, 'Member M-100862 left a bad review (aftersales RF-7, satisfaction not given): resolve the problem, then ask (never press) whether they would revise the review'],
  ])('the follow-up summary names the cause and the satisfaction (%s)', (_, satisfaction, expected) => {
    expect(followUpSummary('M-100862', 'aftersales-RF-7', satisfaction)).toBe(expected);
  });
});
