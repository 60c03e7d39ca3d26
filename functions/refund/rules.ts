import type { RefundKind, RefundReason, RefundRequestedDetail } from '../../events/refund-requested';
import { businessCalendar, type BusinessCalendar } from '../../shared/calendar';
import { DAY, HOUR } from '../../shared/clock';
import { formatYuan, type Fen } from '../../shared/money';
import type { Role } from '../../shared/roles';
import type { CatalogEntry } from '../../shared/records/catalog';
import { refundPolicy, type RefundPolicy } from './policy';

// Pure refund rules (business rules §4): no I/O, so every decision can be replayed from its input.

export interface RecordedOrderLine {
  skuId: string;
  quantity: number;
  unitPriceFen: Fen;
}

/** The order as the order flow recorded it; `deliveredAt` is set once OrderDelivered arrived. */
export interface RecordedOrder {
  orderId: string;
  memberId: string;
  placedAt: string;
  deliveredAt?: string;
  lines: RecordedOrderLine[];
}

/** An earlier refund request of the same member (any order). */
export interface PriorRefund {
  refundId: string;
  requestedAt: string;
  decision: 'approved' | 'rejected';
  paidFen: Fen;
}

/** What earlier approved refunds of this order already gave back, per SKU. */
export interface RefundedLine {
  skuId: string;
  quantity: number;
  amountFen: Fen;
}

export type Approver = Extract<Role, 'aftersales' | 'finance'>;
export type Verdict = 'auto-approve' | 'auto-reject' | 'needs-approval';

/** In the order reasons are reported: rejections first, then what stops auto-approval, then information. */
export const reasonCodes = [
  'UNKNOWN_ORDER',
  'MEMBER_MISMATCH',
  'UNKNOWN_LINE',
  'AMOUNT_EXCEEDS_PAID',
  'NOT_DELIVERED',
  'OUTSIDE_NO_REASON_WINDOW',
  'EXCLUDED_FRESH',
  'EXCLUDED_CUSTOM_MADE',
  'SKU_NOT_IN_CATALOG',
  'REFUND_WITHOUT_RETURN',
  'ABOVE_AUTO_LIMIT',
  'TOO_MANY_RECENT_REFUNDS',
  'WITHIN_NO_REASON_WINDOW',
  'QUALITY_ISSUE',
] as const;
export type ReasonCode = (typeof reasonCodes)[number];

/**
 * Each code as a clause people read (lower case, no full stop: `explain` joins them). The numbers
 * come from the policy, so the text never disagrees with the rule that produced the code.
 */
export function describeReasons(policy: RefundPolicy = refundPolicy): Record<ReasonCode, string> {
  const days = policy.noReasonWindowDays;
  return {
    UNKNOWN_ORDER: 'we have no record of this order',
    MEMBER_MISMATCH: 'it was made by a different member from the one who placed the order',
    UNKNOWN_LINE: 'it includes an item that is not in this order',
    AMOUNT_EXCEEDS_PAID: 'it asks for more money than was paid for the items, less what was already refunded, or for more items than were bought',
    NOT_DELIVERED: `the order has not been delivered yet, so the ${days}-day no-reason return period has not started`,
    OUTSIDE_NO_REASON_WINDOW: `it was made more than ${days} days after delivery, after the no-reason return period ended`,
    EXCLUDED_FRESH: 'fresh food cannot be returned without a reason',
    EXCLUDED_CUSTOM_MADE: 'custom-made goods cannot be returned without a reason',
    SKU_NOT_IN_CATALOG: 'an item is missing from the product catalog, so it is unknown whether it is fresh or custom-made',
    REFUND_WITHOUT_RETURN: 'it asks for money back on delivered goods that are not sent back, without a quality problem',
    ABOVE_AUTO_LIMIT: `it is above ${formatYuan(policy.autoApproveMaxFen)}, the limit for automatic approval`,
    TOO_MANY_RECENT_REFUNDS: `the member has had ${policy.autoApproveMaxRefundsIn90Days} or more refunds in the last ${policy.refundHistoryWindowDays} days`,
    WITHIN_NO_REASON_WINDOW: `it was made within ${days} days of delivery`,
    QUALITY_ISSUE: `the goods are reported faulty, damaged or wrong, so the seller pays any return shipping and the customer gets a ${formatYuan(policy.qualityCouponFen)} coupon`,
  };
}

/** The descriptions with the policy's default numbers. */
export const reasonDescriptions: Readonly<Record<ReasonCode, string>> = Object.freeze(describeReasons());

/** Codes as one readable sentence, in the order of `reasonCodes`, each once; '' for none. */
export function explain(codes: readonly ReasonCode[], policy: RefundPolicy = refundPolicy): string {
  const text = clauses(codes, policy);
  return text ? `${text[0].toUpperCase()}${text.slice(1)}.` : '';
}

function clauses(codes: readonly ReasonCode[], policy: RefundPolicy): string {
  const descriptions = describeReasons(policy);
  return sortCodes(codes)
    .map((code) => descriptions[code])
    .join('; ');
}

const sortCodes = (codes: readonly ReasonCode[]): ReasonCode[] =>
  [...new Set(codes)].sort((a, b) => reasonCodes.indexOf(a) - reasonCodes.indexOf(b));

/**
 * Reasons that put the fault on the seller (§4 "quality issue"): a defect, damage in transit and a
 * wrong item are all the seller's (or its carrier's) doing, so all three get free return shipping
 * and the coupon, and none is subject to the fresh / custom-made exclusions.
 */
export const qualityReasons: readonly RefundReason[] = Object.freeze(['quality', 'damaged', 'wrong-item']);

export const isQualityReason = (reason: RefundReason): boolean => qualityReasons.includes(reason);

export interface Assessment {
  verdict: Verdict;
  /** [] unless a person must decide; then after-sales, and finance too above the second-approval threshold. */
  approvals: Approver[];
  reasons: ReasonCode[];
  /** One sentence an ops person and the customer both understand. */
  explanation: string;
  /** The sum of the requested line amounts: what the thresholds compare, whatever the kind. */
  requestedFen: Fen;
  /** Money to pay back if approved: 0 when rejected, and 0 for an exchange (goods are swapped, not paid). */
  refundFen: Fen;
  qualityIssue: boolean;
  /** The seller pays return shipping (quality issue and goods travel back: return or exchange). */
  sellerPaysShipping: boolean;
  /** Coupon given once approved (quality issue, any kind). */
  couponFen: Fen;
  /** Delivery plus the no-reason window; absent before delivery. */
  noReasonWindowEndsAt?: string;
}

export interface RefundAssessmentInput {
  request: RefundRequestedDetail;
  /** Undefined when the order is unknown: that is a rejection, never a crash. */
  order: RecordedOrder | undefined;
  /** The catalog entries of the requested SKUs: whether each is fresh or custom-made. */
  catalog: ReadonlyMap<string, Pick<CatalogEntry, 'fresh' | 'customMade'>>;
  /** The member's earlier refund requests; only approved ones in the history window count. */
  priorRefunds: readonly PriorRefund[];
  /** What earlier approved refunds of this order already gave back. */
  alreadyRefunded: readonly RefundedLine[];
  now: string | Date;
  policy: RefundPolicy;
}

/**
 * Decides a refund, return or exchange request (business rules §4).
 *
 * - Rejected outright: unknown order, another member's order, an item not in the order, more money
 *   or items than were paid for (less what earlier refunds gave back), and a `no-reason` request
 *   that fails its own conditions: made more than `noReasonWindowDays` after delivery, for fresh or
 *   custom-made goods, or a return/exchange before delivery (nothing to send back, no window yet).
 * - Auto-approved only when nothing below stops it: delivered and requested within the window,
 *   not excluded, at most `autoApproveMaxFen`, and fewer than `autoApproveMaxRefundsIn90Days`
 *   approved refunds in the last `refundHistoryWindowDays`.
 * - Otherwise a person decides (after-sales; finance as well above `secondApprovalAboveFen`).
 *
 * Choices where §4 is silent:
 * - The window is checked at `requestedAt`, not `now`: a slow queue or a retry must not cost the
 *   customer the window. The refund history is counted back from `now`, without this request.
 * - Quality reasons (`qualityReasons`) are never rejected for the window or the exclusions
 *   ("quality issues still qualify"); the exclusions do not apply to them at all, but the window
 *   still does for automatic approval, so a late quality claim goes to a person.
 * - `other` is checked like `no-reason` (window, exclusions), but failing sends it to a person
 *   instead of rejecting it: a reason was given, and only a person can weigh it.
 * - Before delivery nothing is auto-approved (no window has started): a refund-only request
 *   (e.g. cancelling a parcel in transit, even of fresh food) and any non-`no-reason` request go
 *   to a person.
 * - A refund-only request on delivered goods without a quality reason means keeping the goods and
 *   the money, which is not a no-reason return: a person decides (REFUND_WITHOUT_RETURN).
 * - A SKU missing from the catalog may be fresh or custom-made: a person decides, unless the
 *   reason is a quality one (then the exclusions do not matter).
 * - An amount is "paid" per SKU: the order lines' quantity × unit price. A line may not ask more
 *   than that less earlier refunds, nor more than its own quantity × the highest unit price paid.
 */
export function assessRefund(input: RefundAssessmentInput): Assessment {
  const { request, order, catalog, policy } = input;
  const now = toMs(input.now, 'now');
  const requestedAt = toMs(request.requestedAt, 'request.requestedAt');
  const requested = mergeLines(request.lines);
  const requestedFen = [...requested.values()].reduce((sum, line) => sum + line.amountFen, 0);
  const qualityIssue = isQualityReason(request.reason);

  // An order that is not the one the request names is as good as unknown.
  if (!order || order.orderId !== request.orderId) {
    return decide(input, { verdict: 'auto-reject', reasons: ['UNKNOWN_ORDER'], requestedFen, qualityIssue });
  }

  const rejects: ReasonCode[] = [];
  const blockers: ReasonCode[] = [];
  const info: ReasonCode[] = [];
  const noReason = request.reason === 'no-reason';

  if (request.memberId !== order.memberId) rejects.push('MEMBER_MISMATCH');

  const exclusions = new Set<ReasonCode>();
  for (const [skuId, line] of requested) {
    const bought = order.lines.filter((l) => l.skuId === skuId);
    if (!bought.length) {
      rejects.push('UNKNOWN_LINE');
      continue;
    }
    if (line.amountFen > refundableFen(line.quantity, bought, input.alreadyRefunded.filter((r) => r.skuId === skuId))) {
      rejects.push('AMOUNT_EXCEEDS_PAID');
    }
    const sku = catalog.get(skuId);
    if (!sku) exclusions.add('SKU_NOT_IN_CATALOG');
    else {
      if (sku.fresh) exclusions.add('EXCLUDED_FRESH');
      if (sku.customMade) exclusions.add('EXCLUDED_CUSTOM_MADE');
    }
  }

  // Before delivery a refund-only request (e.g. cancelling a parcel in transit) is not a return at
  // all, so the no-reason conditions cannot reject it; a person weighs it.
  const cancelInTransit = order.deliveredAt === undefined && request.kind === 'refund-only';
  const noReasonRejects = noReason && !cancelInTransit;

  let noReasonWindowEndsAt: string | undefined;
  if (order.deliveredAt === undefined) {
    // A no-reason return needs delivery to start its window.
    (noReasonRejects ? rejects : blockers).push('NOT_DELIVERED');
  } else {
    const endsAt = toMs(order.deliveredAt, 'order.deliveredAt') + policy.noReasonWindowDays * DAY;
    noReasonWindowEndsAt = new Date(endsAt).toISOString();
    // Inclusive: a request exactly 7 × 24 hours after delivery is still in time.
    if (requestedAt <= endsAt) info.push('WITHIN_NO_REASON_WINDOW');
    else (noReason ? rejects : blockers).push('OUTSIDE_NO_REASON_WINDOW');
    if (request.kind === 'refund-only' && !qualityIssue) blockers.push('REFUND_WITHOUT_RETURN');
  }

  if (qualityIssue) info.push('QUALITY_ISSUE');
  else {
    for (const code of exclusions) {
      // Missing catalog data is never a reason to reject: it only stops automatic approval.
      if (noReasonRejects && code !== 'SKU_NOT_IN_CATALOG') rejects.push(code);
      else blockers.push(code);
    }
  }

  if (requestedFen > policy.autoApproveMaxFen) blockers.push('ABOVE_AUTO_LIMIT');
  if (recentApprovedRefunds(input, now) >= policy.autoApproveMaxRefundsIn90Days) blockers.push('TOO_MANY_RECENT_REFUNDS');

  // A rejection lists only why it was rejected; what would have stopped auto-approval is moot.
  if (rejects.length) return decide(input, { verdict: 'auto-reject', reasons: rejects, requestedFen, qualityIssue, noReasonWindowEndsAt });
  if (blockers.length) {
    return decide(input, { verdict: 'needs-approval', reasons: [...blockers, ...info], requestedFen, qualityIssue, noReasonWindowEndsAt });
  }
  return decide(input, { verdict: 'auto-approve', reasons: info, requestedFen, qualityIssue, noReasonWindowEndsAt });
}

/** Request lines merged per SKU, so asking for one SKU on two lines cannot double the allowance. */
function mergeLines(lines: RefundRequestedDetail['lines']): Map<string, { quantity: number; amountFen: Fen }> {
  const merged = new Map<string, { quantity: number; amountFen: Fen }>();
  for (const { skuId, quantity, amountFen } of lines) {
    const line = merged.get(skuId) ?? { quantity: 0, amountFen: 0 };
    merged.set(skuId, { quantity: line.quantity + quantity, amountFen: line.amountFen + amountFen });
  }
  return merged;
}

/** The most a request for `quantity` units may ask; -1 when more units are asked than remain. */
function refundableFen(quantity: number, bought: RecordedOrderLine[], refunded: readonly RefundedLine[]): Fen {
  const boughtQuantity = bought.reduce((sum, l) => sum + l.quantity, 0);
  const paidFen = bought.reduce((sum, l) => sum + l.quantity * l.unitPriceFen, 0);
  const refundedQuantity = refunded.reduce((sum, r) => sum + r.quantity, 0);
  const refundedFen = refunded.reduce((sum, r) => sum + r.amountFen, 0);
  if (quantity > boughtQuantity - refundedQuantity) return -1;
  const highestUnitFen = Math.max(...bought.map((l) => l.unitPriceFen));
  return Math.max(0, Math.min(paidFen - refundedFen, quantity * highestUnitFen));
}

/**
 * Approved refunds (paid yet or not) requested in the history window before `now`; this request
 * itself is left out, so a retry that already recorded it does not count it against the member.
 */
function recentApprovedRefunds(input: RefundAssessmentInput, now: number): number {
  const since = now - input.policy.refundHistoryWindowDays * DAY;
  return input.priorRefunds.filter(
    (r) => r.decision === 'approved' && r.refundId !== input.request.refundId && toMs(r.requestedAt, 'priorRefunds[].requestedAt') >= since,
  ).length;
}

interface Outcome {
  verdict: Verdict;
  reasons: ReasonCode[];
  requestedFen: Fen;
  qualityIssue: boolean;
  noReasonWindowEndsAt?: string;
}

function decide(input: RefundAssessmentInput, outcome: Outcome): Assessment {
  const { request, policy } = input;
  const { verdict, requestedFen, qualityIssue } = outcome;
  const reasons = sortCodes(outcome.reasons);
  const rejected = verdict === 'auto-reject';
  const approvals: Approver[] =
    verdict !== 'needs-approval' ? [] : requestedFen > policy.secondApprovalAboveFen ? ['aftersales', 'finance'] : ['aftersales'];
  const assessment: Assessment = {
    verdict,
    approvals,
    reasons,
    explanation: sentence(request.kind, outcome, reasons, approvals, policy),
    requestedFen,
    refundFen: rejected || request.kind === 'exchange' ? 0 : requestedFen,
    qualityIssue,
    sellerPaysShipping: !rejected && qualityIssue && request.kind !== 'refund-only',
    couponFen: !rejected && qualityIssue ? policy.qualityCouponFen : 0,
  };
  if (outcome.noReasonWindowEndsAt) assessment.noReasonWindowEndsAt = outcome.noReasonWindowEndsAt;
  return assessment;
}

function sentence(kind: RefundKind, outcome: Outcome, reasons: ReasonCode[], approvals: Approver[], policy: RefundPolicy): string {
  const amount = formatYuan(outcome.requestedFen);
  const subject = { 'refund-only': `Refund of ${amount}`, return: `Return for a refund of ${amount}`, exchange: `Exchange of goods worth ${amount}` }[kind];
  const why = clauses(reasons, policy);
  if (outcome.verdict === 'auto-reject') return `${subject} rejected: ${why}.`;
  if (outcome.verdict === 'needs-approval') {
    const who = approvals.includes('finance')
      ? `after-sales and then finance (above ${formatYuan(policy.secondApprovalAboveFen)})`
      : 'after-sales';
    return `${subject} needs approval by ${who}: ${why}.`;
  }
  return (
    `${subject} approved automatically: ${why}; it is at most ${formatYuan(policy.autoApproveMaxFen)} and the member has had ` +
    `fewer than ${policy.autoApproveMaxRefundsIn90Days} refunds in the last ${policy.refundHistoryWindowDays} days.`
  );
}

/** Returned goods must be inspected by then (§4: within 24 hours of receipt). */
export function inspectionDueAt(receivedAt: string, policy: Pick<RefundPolicy, 'inspectionWithinHours'>): string {
  return new Date(toMs(receivedAt, 'receivedAt') + policy.inspectionWithinHours * HOUR).toISOString();
}

/** The refund must be paid by then (§4: within 48 hours of receipt of the goods). */
export function paymentDueAt(receivedAt: string, policy: Pick<RefundPolicy, 'payWithinHours'>): string {
  return new Date(toMs(receivedAt, 'receivedAt') + policy.payWithinHours * HOUR).toISOString();
}

/**
 * Working days elapsed from `startIso` to `endIso` by the business calendar (`shared/calendar`):
 * the working days in Asia/Shanghai after the start date, up to and including the end date.
 * Working days are Monday to Friday, minus statutory holidays, plus the make-up working days
 * (调休) around them. The start date itself does not count, so a case opened on Friday 23:30
 * Shanghai has 0 working days on the weekend and 1 on Monday. 0 when the end is not after the
 * start. Throws `CalendarRangeError` for a date beyond the calendar's data.
 */
export function workingDaysBetween(startIso: string | Date, endIso: string | Date, calendar: BusinessCalendar = businessCalendar): number {
  return calendar.workingDaysBetween(startIso, endIso);
}

/** §4: the case must close within `caseCloseWorkingDays`; overdue once more working days have begun. */
export function caseOverdue(
  openedAt: string | Date,
  now: string | Date,
  policy: Pick<RefundPolicy, 'caseCloseWorkingDays'>,
  calendar: BusinessCalendar = businessCalendar,
): boolean {
  return calendar.workingDaysBetween(openedAt, now) > policy.caseCloseWorkingDays;
}

/**
 * The first instant `caseOverdue` is true: Shanghai midnight starting the next working day after
 * the allowance (the 8th working day after the opening date, for 7). Throws `CalendarRangeError`
 * when that day lies beyond the calendar's data.
 */
export function caseOverdueAt(openedAt: string | Date, policy: Pick<RefundPolicy, 'caseCloseWorkingDays'>, calendar: BusinessCalendar = businessCalendar): string {
  return calendar.startOfDay(calendar.addWorkingDays(openedAt, policy.caseCloseWorkingDays + 1));
}

function toMs(value: string | Date, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${field} must be an ISO-8601 time, got ${String(value)}`);
  return ms;
}
