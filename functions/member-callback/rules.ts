import { DAY, addMs } from '../../shared/clock';
import type { BusinessCalendar } from '../../shared/calendar';
import type { CallbackPolicy } from './policy';

// Pure rules of member callbacks (business rules §5): no I/O, no clock; the calendar is passed in.

export type CallbackReason = 'purchase' | 'aftersales' | 'complaint';
export type CallbackOutcome = 'reached' | 'declined' | 'unreachable';

/**
 * A callback's id is its cause: one per order, after-sales case or complaint, so however often
 * the cause's event arrives, the flow (an execution named after the id) starts once.
 */
export const CALLBACK_ID_PREFIX: Record<CallbackReason, string> = {
  purchase: 'purchase-',
  aftersales: 'aftersales-',
  complaint: 'complaint-',
};

export function reasonOf(callbackId: string): CallbackReason {
  const reason = (Object.keys(CALLBACK_ID_PREFIX) as CallbackReason[]).find((r) => callbackId.startsWith(CALLBACK_ID_PREFIX[r]));
  if (!reason) throw new RangeError(`callbackId ${callbackId} must start with ${Object.values(CALLBACK_ID_PREFIX).join(', ')}`);
  return reason;
}

/** What started the callback: an order above the threshold, or an after-sales case (refund or complaint) that completed. */
export type CallbackCause =
  | { callbackId: string; memberId: string; orderId: string; placedAt: string; totalFen: number }
  | { callbackId: string; memberId: string; orderId: string; caseId: string; kind: 'refund' | 'complaint'; outcome: string; completedAt: string };

/** When the callback is due, before callback hours are applied; undefined when the cause calls for none. */
export function dueAtOf(cause: CallbackCause, policy: CallbackPolicy): string | undefined {
  const reason = reasonOf(cause.callbackId);
  if ('placedAt' in cause) return reason === 'purchase' && cause.totalFen > policy.highValueAboveFen ? addMs(cause.placedAt, policy.purchaseAfterDays * DAY) : undefined;
  if (reason === 'complaint') {
    // A reship is the fix that ships (its tracking number came with the resolution). A refund is
    // called back by the refund's own case (aftersales-…), so the member is not called twice.
    if (cause.outcome === 'refund') return undefined;
    return addMs(cause.completedAt, (cause.outcome === 'reship' ? policy.complaintAfterShippedDays : policy.aftersalesAfterDays) * DAY);
  }
  return reason === 'aftersales' ? addMs(cause.completedAt, policy.aftersalesAfterDays * DAY) : undefined;
}

export interface Attempt {
  /** 1-based. */
  attempt: number;
  /** When the task opens: inside callback hours. */
  opensAt: string;
  /** The end of that day's callback hours: the task is due then. */
  dueBy: string;
  /** Seconds from opening to `dueBy`: the task's SLA. */
  slaSeconds: number;
}

function attemptAt(attempt: number, opensAt: string, calendar: BusinessCalendar): Attempt {
  const dueBy = calendar.endOfHours(opensAt);
  return { attempt, opensAt, dueBy, slaSeconds: Math.round((Date.parse(dueBy) - Date.parse(opensAt)) / 1000) };
}

/** The first attempt: the due time moved into callback hours (23:00 → 09:00 the next day with hours). */
export function firstAttempt(dueAt: string, calendar: BusinessCalendar): Attempt {
  return attemptAt(1, calendar.nextInHours(dueAt), calendar);
}

/**
 * The next attempt after an unanswered one: the same time of day on the next day with callback
 * hours (statutory holidays have none), or undefined when the attempts are used up.
 */
export function nextAttempt(previous: Pick<Attempt, 'attempt' | 'opensAt'>, calendar: BusinessCalendar, policy: Pick<CallbackPolicy, 'maxAttempts'>): Attempt | undefined {
  if (previous.attempt >= policy.maxAttempts) return undefined;
  let next = addMs(previous.opensAt, DAY);
  while (calendar.isStatutoryHoliday(next)) next = addMs(next, DAY);
  return attemptAt(previous.attempt + 1, calendar.nextInHours(next), calendar);
}

export interface CallDecision {
  outcome: CallbackOutcome;
  data?: { satisfaction?: number; badReview?: boolean; note?: string };
}

/** What follows a decided (or defaulted) call: another attempt, the review follow-up, or the end. */
export function afterCall(decision: CallDecision, previous: Pick<Attempt, 'attempt' | 'opensAt'>, calendar: BusinessCalendar, policy: Pick<CallbackPolicy, 'maxAttempts'>):
  | { next: 'retry'; attempt: Attempt }
  | { next: 'follow-up' | 'done'; outcome: CallbackOutcome } {
  if (decision.outcome === 'unreachable') {
    const attempt = nextAttempt(previous, calendar, policy);
    return attempt ? { next: 'retry', attempt } : { next: 'done', outcome: 'unreachable' };
  }
  if (decision.outcome === 'reached' && decision.data?.badReview) return { next: 'follow-up', outcome: 'reached' };
  return { next: 'done', outcome: decision.outcome };
}

const WHY: Record<CallbackReason, (subject: string) => string> = {
  purchase: (orderId) => `thank them for order ${orderId} (above 500 yuan) and ask how it went`,
  aftersales: (caseId) => `ask whether after-sales case ${caseId} was resolved to their satisfaction`,
  complaint: (complaintId) => `check that the fix for complaint ${complaintId} arrived and solved it`,
};

/** The inbox line: who and why, never a phone number (the agent dials from the contact directory). */
export function callSummary(memberId: string, tier: string, callbackId: string, attempt: number, policy: Pick<CallbackPolicy, 'maxAttempts'>): string {
  const reason = reasonOf(callbackId);
  const subject = callbackId.slice(CALLBACK_ID_PREFIX[reason].length);
  return `Call ${tier} member ${memberId}: ${WHY[reason](subject)} (attempt ${attempt} of ${policy.maxAttempts})`;
}

/** The review follow-up's inbox line: what the member said and what to do, never pressing for a better review. */
export function followUpSummary(memberId: string, callbackId: string, satisfaction: unknown): string {
  const reason = reasonOf(callbackId);
  const subject = callbackId.slice(CALLBACK_ID_PREFIX[reason].length);
  return `Member ${memberId} left a bad review (${reason} ${subject}, satisfaction ${satisfaction ?? 'not given'}): resolve the problem, then ask (never press) whether they would revise the review`;
}
