import { isWorkday } from 'chinese-days';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refundKinds, refundReasons, type RefundRequestedDetail } from '../../events/refund-requested';
import { refundRequested } from '../../events/samples';
import { CalendarRangeError, createBusinessCalendar } from '../../shared/calendar';
import { DAY, SECOND, addMs } from '../../shared/clock';
import { refundPolicy as policy, type RefundPolicy } from './policy';
import {
  assessRefund,
  caseOverdue,
  caseOverdueAt,
  describeReasons,
  explain,
  inspectionDueAt,
  paymentDueAt,
  reasonCodes,
  reasonDescriptions,
  workingDaysBetween,
  type Assessment,
  type PriorRefund,
  type ReasonCode,
  type RecordedOrder,
  type RecordedOrderLine,
  type RefundedLine,
} from './rules';

/** What the catalog says of the SKUs these tests refund (the local platform's seed catalog). */
const catalog = new Map(
  [
    ['SKU-LJ-250', false, false],
    ['SKU-LJ-500', false, false],
    ['SKU-BLC-100', false, false],
    ['SKU-DH-1', true, false],
    ['SKU-CUP-ENG', false, true],
    ['SKU-SET-01', false, false],
    ['SKU-KTL-01', false, false],
  ].map(([skuId, fresh, customMade]) => [skuId as string, { fresh: fresh as boolean, customMade: customMade as boolean }]),
);
const DELIVERED = '2026-11-22T06:20:00Z';
const WINDOW_ENDS = '2026-11-29T06:20:00.000Z';
const DAY_AFTER = addMs(DELIVERED, DAY);
/** When the assessment runs: a minute after the request. */
const NOW = addMs(DAY_AFTER, 60 * SECOND);

// The sample order, with one line of each kind of SKU the rules care about.
const order: RecordedOrder = {
  orderId: refundRequested.orderId,
  memberId: refundRequested.memberId,
  placedAt: '2026-11-21T03:15:00Z',
  deliveredAt: DELIVERED,
  lines: [
    { skuId: 'SKU-BLC-100', quantity: 2, unitPriceFen: 19800 }, // 198 yuan: under the auto limit
    { skuId: 'SKU-LJ-250', quantity: 2, unitPriceFen: 29800 }, // 298 yuan: over it
    { skuId: 'SKU-DH-1', quantity: 1, unitPriceFen: 88800 }, // fresh
    { skuId: 'SKU-CUP-ENG', quantity: 1, unitPriceFen: 12800 }, // custom-made
    { skuId: 'SKU-SET-01', quantity: 2, unitPriceFen: 128000 }, // 2,560 yuan for two
  ],
};
const { deliveredAt: _delivered, ...undelivered } = order;

/** A no-reason return of one Biluochun a day after delivery: auto-approved unless a row changes it. */
function request(overrides: Partial<RefundRequestedDetail> = {}): RefundRequestedDetail {
  return {
    ...structuredClone(refundRequested),
    kind: 'return',
    reason: 'no-reason',
    lines: [{ skuId: 'SKU-BLC-100', quantity: 1, amountFen: 19800 }],
    requestedAt: DAY_AFTER,
    ...overrides,
  };
}

const line = (skuId: string, quantity: number, amountFen: number) => [{ skuId, quantity, amountFen }];

function prior(daysAgo: number, decision: PriorRefund['decision'] = 'approved', refundId = `R-P-${daysAgo}`): PriorRefund {
  return { refundId, requestedAt: addMs(NOW, -daysAgo * DAY), decision, paidFen: decision === 'approved' ? 1000 : 0 };
}

interface Case {
  request?: Partial<RefundRequestedDetail>;
  order?: RecordedOrder | null;
  priorRefunds?: PriorRefund[];
  alreadyRefunded?: RefundedLine[];
  now?: string;
  policy?: RefundPolicy;
}

function assess(c: Case = {}): Assessment {
  return assessRefund({
    request: request(c.request),
    order: c.order === null ? undefined : (c.order ?? order),
    catalog,
    priorRefunds: c.priorRefunds ?? [],
    alreadyRefunded: c.alreadyRefunded ?? [],
    now: c.now ?? NOW,
    policy: c.policy ?? policy,
  });
}

type Verdict = Assessment['verdict'];

describe('assessRefund: every reason code', () => {
  const rows: [string, Case, Verdict, ReasonCode[]][] = [
    ['eligible no-reason return (WITHIN_NO_REASON_WINDOW)', {}, 'auto-approve', ['WITHIN_NO_REASON_WINDOW']],
    ['no recorded order (UNKNOWN_ORDER)', { order: null }, 'auto-reject', ['UNKNOWN_ORDER']],
    ['an order that is not the one requested (UNKNOWN_ORDER)', { order: { ...order, orderId: 'O-OTHER' } }, 'auto-reject', ['UNKNOWN_ORDER']],
    ['another member (MEMBER_MISMATCH)', { request: { memberId: 'M-999999' } }, 'auto-reject', ['MEMBER_MISMATCH']],
    ['a SKU not in the order (UNKNOWN_LINE)', { request: { lines: line('SKU-KTL-01', 1, 100) } }, 'auto-reject', ['UNKNOWN_LINE']],
    ['more money than the units cost (AMOUNT_EXCEEDS_PAID)', { request: { lines: line('SKU-BLC-100', 1, 19801) } }, 'auto-reject', ['AMOUNT_EXCEEDS_PAID']],
    ['more units than bought (AMOUNT_EXCEEDS_PAID)', { request: { lines: line('SKU-BLC-100', 3, 100) } }, 'auto-reject', ['AMOUNT_EXCEEDS_PAID']],
    [
      'one SKU split over two lines is summed (AMOUNT_EXCEEDS_PAID)',
      { request: { lines: [...line('SKU-BLC-100', 2, 100), ...line('SKU-BLC-100', 1, 100)] } },
      'auto-reject',
      ['AMOUNT_EXCEEDS_PAID'],
    ],
    ['no-reason return before delivery (NOT_DELIVERED)', { order: undelivered }, 'auto-reject', ['NOT_DELIVERED']],
    ['refund-only before delivery goes to a person (NOT_DELIVERED)', { order: undelivered, request: { kind: 'refund-only' } }, 'needs-approval', ['NOT_DELIVERED']],
    [
      'refund-only of fresh food before delivery goes to a person too (NOT_DELIVERED)',
      { order: undelivered, request: { kind: 'refund-only', lines: line('SKU-DH-1', 1, 88800) } },
      'needs-approval',
      ['NOT_DELIVERED', 'EXCLUDED_FRESH', 'ABOVE_AUTO_LIMIT'],
    ],
    [
      'quality return before delivery goes to a person (NOT_DELIVERED)',
      { order: undelivered, request: { reason: 'quality' } },
      'needs-approval',
      ['NOT_DELIVERED', 'QUALITY_ISSUE'],
    ],
    ['no-reason after the window (OUTSIDE_NO_REASON_WINDOW)', { request: { requestedAt: '2026-12-10T00:00:00Z' } }, 'auto-reject', ['OUTSIDE_NO_REASON_WINDOW']],
    [
      'quality after the window goes to a person (OUTSIDE_NO_REASON_WINDOW)',
      { request: { reason: 'quality', requestedAt: '2026-12-10T00:00:00Z' } },
      'needs-approval',
      ['OUTSIDE_NO_REASON_WINDOW', 'QUALITY_ISSUE'],
    ],
    [
      '"other" after the window goes to a person (OUTSIDE_NO_REASON_WINDOW)',
      { request: { reason: 'other', requestedAt: '2026-12-10T00:00:00Z' } },
      'needs-approval',
      ['OUTSIDE_NO_REASON_WINDOW'],
    ],
    ['fresh food, no reason (EXCLUDED_FRESH)', { request: { lines: line('SKU-DH-1', 1, 88800) } }, 'auto-reject', ['EXCLUDED_FRESH']],
    ['custom-made, no reason (EXCLUDED_CUSTOM_MADE)', { request: { lines: line('SKU-CUP-ENG', 1, 12800) } }, 'auto-reject', ['EXCLUDED_CUSTOM_MADE']],
    [
      'custom-made, "other" reason goes to a person (EXCLUDED_CUSTOM_MADE)',
      { request: { reason: 'other', lines: line('SKU-CUP-ENG', 1, 12800) } },
      'needs-approval',
      ['EXCLUDED_CUSTOM_MADE', 'WITHIN_NO_REASON_WINDOW'],
    ],
    [
      'a SKU the catalog does not know (SKU_NOT_IN_CATALOG)',
      { order: { ...order, lines: [{ skuId: 'SKU-NEW-01', quantity: 1, unitPriceFen: 5000 }] }, request: { lines: line('SKU-NEW-01', 1, 5000) } },
      'needs-approval',
      ['SKU_NOT_IN_CATALOG', 'WITHIN_NO_REASON_WINDOW'],
    ],
    [
      'keeping delivered goods without a quality problem (REFUND_WITHOUT_RETURN)',
      { request: { kind: 'refund-only' } },
      'needs-approval',
      ['REFUND_WITHOUT_RETURN', 'WITHIN_NO_REASON_WINDOW'],
    ],
    ['above 200 yuan (ABOVE_AUTO_LIMIT)', { request: { lines: line('SKU-LJ-250', 1, 29800) } }, 'needs-approval', ['ABOVE_AUTO_LIMIT', 'WITHIN_NO_REASON_WINDOW']],
    [
      '3 approved refunds in 90 days (TOO_MANY_RECENT_REFUNDS)',
      { priorRefunds: [prior(1), prior(30), prior(89)] },
      'needs-approval',
      ['TOO_MANY_RECENT_REFUNDS', 'WITHIN_NO_REASON_WINDOW'],
    ],
    ['quality return (QUALITY_ISSUE)', { request: { reason: 'quality' } }, 'auto-approve', ['WITHIN_NO_REASON_WINDOW', 'QUALITY_ISSUE']],
    [
      'every rejection is reported, not just the first',
      { request: { memberId: 'M-999999', lines: [...line('SKU-KTL-01', 1, 100), ...line('SKU-DH-1', 1, 88800)], requestedAt: '2026-12-10T00:00:00Z' } },
      'auto-reject',
      ['MEMBER_MISMATCH', 'UNKNOWN_LINE', 'OUTSIDE_NO_REASON_WINDOW', 'EXCLUDED_FRESH'],
    ],
  ];

  it.each(rows)('%s', (_, c, verdict, reasons) => {
    const result = assess(c);
    expect(result.verdict).toBe(verdict);
    expect(result.reasons).toEqual(reasons);
  });

  it('has a row for every code', () => {
    // Keeps the table honest when a code is added.
    expect(new Set(rows.flatMap(([, , , reasons]) => reasons))).toEqual(new Set(reasonCodes));
  });

  it('rejects an unknown order without touching anything else', () => {
    expect(assess({ order: null })).toEqual({
      verdict: 'auto-reject',
      approvals: [],
      reasons: ['UNKNOWN_ORDER'],
      explanation: 'Return for a refund of ¥198.00 rejected: we have no record of this order.',
      requestedFen: 19800,
      refundFen: 0,
      qualityIssue: false,
      sellerPaysShipping: false,
      couponFen: 0,
    });
  });

  it('auto-approves the eligible request with everything filled in', () => {
    expect(assess()).toEqual({
      verdict: 'auto-approve',
      approvals: [],
      reasons: ['WITHIN_NO_REASON_WINDOW'],
      explanation:
        'Return for a refund of ¥198.00 approved automatically: it was made within 7 days of delivery; it is at most ¥200.00 ' +
        'and the member has had fewer than 3 refunds in the last 90 days.',
      requestedFen: 19800,
      refundFen: 19800,
      qualityIssue: false,
      sellerPaysShipping: false,
      couponFen: 0,
      noReasonWindowEndsAt: WINDOW_ENDS,
    });
  });
});

describe('assessRefund: boundaries', () => {
  it.each<[string, Case, Verdict, string[]]>([
    ['exactly 7 days after delivery', { request: { requestedAt: '2026-11-29T06:20:00Z' } }, 'auto-approve', []],
    ['7 days and 1 second after delivery', { request: { requestedAt: '2026-11-29T06:20:01Z' } }, 'auto-reject', []],
    ['7 days after delivery, written in Shanghai time', { request: { requestedAt: '2026-11-29T14:20:00+08:00' } }, 'auto-approve', []],
    ['exactly 200 yuan', { request: { lines: line('SKU-BLC-100', 2, 20000) } }, 'auto-approve', []],
    ['200.01 yuan', { request: { lines: line('SKU-BLC-100', 2, 20001) } }, 'needs-approval', ['aftersales']],
    ['exactly 2,000 yuan', { request: { lines: line('SKU-SET-01', 2, 200000) } }, 'needs-approval', ['aftersales']],
    ['2,000.01 yuan', { request: { lines: line('SKU-SET-01', 2, 200001) } }, 'needs-approval', ['aftersales', 'finance']],
    ['2 approved refunds in 90 days', { priorRefunds: [prior(1), prior(89)] }, 'auto-approve', []],
    ['3 approved refunds in 90 days', { priorRefunds: [prior(1), prior(30), prior(89)] }, 'needs-approval', ['aftersales']],
    ['one of 3 refunds exactly 90 days ago still counts', { priorRefunds: [prior(1), prior(30), prior(90)] }, 'needs-approval', ['aftersales']],
    ['one of 3 refunds 91 days ago does not count', { priorRefunds: [prior(1), prior(30), prior(91)] }, 'auto-approve', []],
    ['rejected refunds do not count', { priorRefunds: [prior(1), prior(30, 'rejected'), prior(60, 'rejected')] }, 'auto-approve', []],
    [
      'this very request, already recorded by a retry, does not count',
      { priorRefunds: [prior(1), prior(30), prior(0, 'approved', refundRequested.refundId)] },
      'auto-approve',
      [],
    ],
  ])('%s', (_, c, verdict, approvals) => {
    const result = assess(c);
    expect(result.verdict).toBe(verdict);
    expect(result.approvals).toEqual(approvals);
  });

  it('measures the refund history from now, and the window from the request', () => {
    const late = addMs(NOW, 2 * DAY);
    const history = [prior(1), prior(30), prior(89)];
    // Two days on, the oldest refund has left the 90 days; the request is still in its window.
    expect(assess({ priorRefunds: history, now: late }).verdict).toBe('auto-approve');
    // Approval running long after the window closed does not reject a request made in time.
    expect(assess({ now: '2027-01-15T00:00:00Z' }).verdict).toBe('auto-approve');
  });

  it('takes its numbers from the policy', () => {
    const generous = { ...policy, autoApproveMaxFen: 30_000, noReasonWindowDays: 15 };
    const c = { request: { lines: line('SKU-LJ-250', 1, 29800), requestedAt: '2026-12-06T00:00:00Z' }, policy: generous };
    expect(assess(c).verdict).toBe('auto-approve');
    expect(assess({ ...c, policy }).reasons).toEqual(['OUTSIDE_NO_REASON_WINDOW']);
  });
});

describe('assessRefund: fresh food and quality issues', () => {
  it('rejects fresh food returned without a reason', () => {
    const result = assess({ request: { lines: line('SKU-DH-1', 1, 88800) } });
    expect(result).toMatchObject({ verdict: 'auto-reject', refundFen: 0, couponFen: 0 });
    expect(result.explanation).toBe('Return for a refund of ¥888.00 rejected: fresh food cannot be returned without a reason.');
  });

  it('sends fresh food with a quality issue to a person when above the auto limit', () => {
    const result = assess({ request: { reason: 'quality', lines: line('SKU-DH-1', 1, 88800) } });
    expect(result).toMatchObject({
      verdict: 'needs-approval',
      approvals: ['aftersales'],
      reasons: ['ABOVE_AUTO_LIMIT', 'WITHIN_NO_REASON_WINDOW', 'QUALITY_ISSUE'],
      refundFen: 88800,
      sellerPaysShipping: true,
      couponFen: 500,
    });
    expect(result.explanation).toBe(
      'Return for a refund of ¥888.00 needs approval by after-sales: it is above ¥200.00, the limit for automatic approval; ' +
        'it was made within 7 days of delivery; the goods are reported faulty, damaged or wrong, so the seller pays any return ' +
        'shipping and the customer gets a ¥5.00 coupon.',
    );
  });

  it('auto-approves a small refund for damaged fresh food: exclusions do not apply to quality issues', () => {
    const result = assess({ request: { kind: 'refund-only', reason: 'damaged', lines: line('SKU-DH-1', 1, 10000) } });
    expect(result).toMatchObject({ verdict: 'auto-approve', refundFen: 10000, sellerPaysShipping: false, couponFen: 500 });
  });

  it('auto-approves a quality claim on a SKU the catalog does not know', () => {
    const c = { order: { ...order, lines: [{ skuId: 'SKU-NEW-01', quantity: 1, unitPriceFen: 5000 }] }, request: { reason: 'quality' as const, lines: line('SKU-NEW-01', 1, 5000) } };
    expect(assess(c).verdict).toBe('auto-approve');
  });

  it.each<[string, Partial<RefundRequestedDetail>, Partial<Assessment>]>([
    ['quality return', { kind: 'return', reason: 'quality' }, { qualityIssue: true, sellerPaysShipping: true, couponFen: 500, refundFen: 19800 }],
    ['damaged exchange', { kind: 'exchange', reason: 'damaged' }, { qualityIssue: true, sellerPaysShipping: true, couponFen: 500, refundFen: 0 }],
    ['wrong item, refund only', { kind: 'refund-only', reason: 'wrong-item' }, { qualityIssue: true, sellerPaysShipping: false, couponFen: 500, refundFen: 19800 }],
    ['no-reason return', { kind: 'return', reason: 'no-reason' }, { qualityIssue: false, sellerPaysShipping: false, couponFen: 0 }],
    ['"other" return', { kind: 'return', reason: 'other' }, { verdict: 'auto-approve', qualityIssue: false, sellerPaysShipping: false, couponFen: 0 }],
    ['quality return, rejected', { kind: 'return', reason: 'quality', memberId: 'M-999999' }, { qualityIssue: true, sellerPaysShipping: false, couponFen: 0, refundFen: 0 }],
  ])('shipping and coupon: %s', (_, overrides, expected) => {
    expect(assess({ request: overrides })).toMatchObject(expected);
  });

  it('names both approvers above 2,000 yuan', () => {
    expect(assess({ request: { reason: 'quality', lines: line('SKU-SET-01', 2, 256000) } }).explanation).toBe(
      'Return for a refund of ¥2,560.00 needs approval by after-sales and then finance (above ¥2,000.00): it is above ¥200.00, ' +
        'the limit for automatic approval; it was made within 7 days of delivery; the goods are reported faulty, damaged or ' +
        'wrong, so the seller pays any return shipping and the customer gets a ¥5.00 coupon.',
    );
  });
});

describe('assessRefund: earlier refunds of the order', () => {
  const oneBack: RefundedLine[] = [{ skuId: 'SKU-BLC-100', quantity: 1, amountFen: 19800 }];
  const compensated: RefundedLine[] = [{ skuId: 'SKU-BLC-100', quantity: 0, amountFen: 30000 }];

  it.each<[string, RefundedLine[], number, number, Verdict]>([
    ['the second unit after the first was refunded', oneBack, 1, 19800, 'auto-approve'],
    ['both units after one was refunded', oneBack, 2, 19800, 'auto-reject'],
    ['more than what is left after a compensation (396 − 300 yuan)', compensated, 1, 9601, 'auto-reject'],
    ['exactly what is left after a compensation', compensated, 1, 9600, 'auto-approve'],
    ['other SKUs refunded do not count', [{ skuId: 'SKU-LJ-250', quantity: 2, amountFen: 59600 }], 2, 19800, 'auto-approve'],
  ])('%s', (_, alreadyRefunded, quantity, amountFen, verdict) => {
    const result = assess({ alreadyRefunded, request: { lines: line('SKU-BLC-100', quantity, amountFen) } });
    expect(result.verdict).toBe(verdict);
    if (verdict === 'auto-reject') expect(result.reasons).toEqual(['AMOUNT_EXCEEDS_PAID']);
  });
});

describe('explain', () => {
  it('joins the codes in the canonical order, each once', () => {
    expect(explain(['EXCLUDED_FRESH', 'OUTSIDE_NO_REASON_WINDOW', 'EXCLUDED_FRESH'])).toBe(
      'It was made more than 7 days after delivery, after the no-reason return period ended; fresh food cannot be returned without a reason.',
    );
  });

  it('is empty for no codes', () => {
    expect(explain([])).toBe('');
  });

  it('uses the numbers of the policy it is given', () => {
    expect(explain(['ABOVE_AUTO_LIMIT'], { ...policy, autoApproveMaxFen: 50_000 })).toBe('It is above ¥500.00, the limit for automatic approval.');
  });

  it('describes every code', () => {
    for (const code of reasonCodes) {
      expect(reasonDescriptions[code]).toMatch(/^[a-z].*[^.]$/);
      expect(describeReasons(policy)[code]).toBe(reasonDescriptions[code]);
    }
  });
});

describe('deadlines', () => {
  it('inspects within 24 hours and pays within 48 hours of receipt', () => {
    expect(inspectionDueAt('2026-11-24T08:30:00Z', policy)).toBe('2026-11-25T08:30:00.000Z');
    expect(paymentDueAt('2026-11-24T08:30:00Z', policy)).toBe('2026-11-26T08:30:00.000Z');
    expect(paymentDueAt('2026-11-24T16:30:00+08:00', policy)).toBe('2026-11-26T08:30:00.000Z');
  });

  it('refuses a time it cannot read', () => {
    expect(() => inspectionDueAt('yesterday', policy)).toThrow(RangeError);
  });
});

describe('working days (the business calendar, Asia/Shanghai)', () => {
  const FRIDAY_2330_SHANGHAI = '2026-11-27T15:30:00Z';
  it.each([
    ['Friday 23:30 to Saturday 10:00', FRIDAY_2330_SHANGHAI, '2026-11-28T02:00:00Z', 0],
    ['Friday 23:30 to Sunday 23:59', FRIDAY_2330_SHANGHAI, '2026-11-29T15:59:00Z', 0],
    ['Friday 23:30 to Monday 00:00', FRIDAY_2330_SHANGHAI, '2026-11-29T16:00:00Z', 1],
    // Sunday 23:00 UTC is already Monday 07:00 in Shanghai.
    ['Friday noon to Monday 07:00 (still Sunday in UTC)', '2026-11-27T04:00:00Z', '2026-11-29T23:00:00Z', 1],
    // Friday 23:30 UTC is Saturday 07:30 in Shanghai: the Friday is not part of the case.
    ['Saturday 07:30 (Friday in UTC) to the next Friday', '2026-11-27T23:30:00Z', '2026-12-04T04:00:00Z', 5],
    ['Monday to Monday two weeks later', '2026-11-30T02:00:00Z', '2026-12-14T02:00:00Z', 10],
    ['the same day', '2026-11-30T01:00:00Z', '2026-11-30T10:00:00Z', 0],
    ['end before start', '2026-12-14T02:00:00Z', '2026-11-30T02:00:00Z', 0],
    // Statutory holidays do not count, make-up working days do (Monday to Friday alone gave 7 and 11).
    ['Friday before Spring Festival to Tuesday after it', '2026-02-13T02:00:00Z', '2026-02-24T02:00:00Z', 2],
    ['Tuesday before National Day to Wednesday 14 October', '2026-09-29T02:00:00Z', '2026-10-14T02:00:00Z', 7],
  ])('%s', (_, start, end, days) => {
    expect(workingDaysBetween(start, end)).toBe(days);
  });

  it('makes a case overdue once the 8th working day begins', () => {
    // Opened Friday night: Mon 30, Tue 1 … Fri 4, Mon 7, Tue 8 are its 7 working days.
    expect(caseOverdue(FRIDAY_2330_SHANGHAI, '2026-12-08T15:59:59Z', policy)).toBe(false);
    expect(caseOverdue(FRIDAY_2330_SHANGHAI, '2026-12-08T16:00:00Z', policy)).toBe(true);
    expect(caseOverdueAt(FRIDAY_2330_SHANGHAI, policy)).toBe('2026-12-08T16:00:00.000Z');
    // Opened on a Tuesday: Wed 2 … Fri 4, Mon 7 … Thu 10 are its 7 working days; overdue from Friday 00:00.
    expect(caseOverdueAt('2026-12-01T03:00:00Z', policy)).toBe('2026-12-10T16:00:00.000Z');
    // Opened on a Thursday: the 7th working day is a Monday, so the weekend before it is not overdue.
    expect(caseOverdue('2026-12-03T03:00:00Z', '2026-12-13T10:00:00Z', policy)).toBe(false);
    expect(caseOverdueAt('2026-12-03T03:00:00Z', policy)).toBe('2026-12-14T16:00:00.000Z');
  });

  it('skips statutory holidays and counts make-up working days', () => {
    // Opened Thursday 12 February: Fri 13, the make-up Saturday 14, (15–23 Spring Festival), Tue 24 …
    // Fri 27 and the make-up Saturday 28 are its 7; overdue from Monday 2 March.
    // (Monday to Friday alone made it overdue from 24 February, the day after the holiday week.)
    expect(caseOverdueAt('2026-02-12T02:00:00Z', policy)).toBe('2026-03-01T16:00:00.000Z');
    expect(caseOverdue('2026-02-12T02:00:00Z', '2026-02-24T02:00:00Z', policy)).toBe(false);
    expect(caseOverdue('2026-02-12T02:00:00Z', '2026-03-01T15:59:59Z', policy)).toBe(false);
    expect(caseOverdue('2026-02-12T02:00:00Z', '2026-03-01T16:00:00Z', policy)).toBe(true);
    // Opened Tuesday 29 September: Wed 30, (1–7 October), Thu 8, Fri 9, the make-up Saturday 10,
    // Mon 12 … Wed 14 are its 7; overdue from Thursday 15 October.
    expect(caseOverdueAt('2026-09-29T02:00:00Z', policy)).toBe('2026-10-14T16:00:00.000Z');
    // Opened on the make-up Saturday 10 October: that day does not count, like any opening day.
    expect(caseOverdueAt('2026-10-10T02:00:00Z', policy)).toBe('2026-10-20T16:00:00.000Z');
  });

  it('refuses a deadline beyond the calendar data rather than guess, and answers once a year is added', () => {
    // Opened Tuesday 22 December 2026: the 8th working day falls in 2027, which chinese-days 1.5.7 lacks.
    expect(() => caseOverdueAt('2026-12-22T02:00:00Z', policy)).toThrow(CalendarRangeError);
    const with2027 = createBusinessCalendar({ overrides: { years: { '2027': { source: 'test: an ordinary year' } }, days: { '2027-01-01': { kind: 'holiday', name: 'test' } } } });
    // Wed 23 … Thu 31 December are 7; Friday 1 January is a holiday; overdue from Monday 4 January.
    expect(caseOverdueAt('2026-12-22T02:00:00Z', policy, with2027)).toBe('2027-01-03T16:00:00.000Z');
    expect(caseOverdue('2026-12-22T02:00:00Z', '2027-01-03T16:00:00Z', policy, with2027)).toBe(true);
  });

  const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
  /**
   * Oracle: walk the dates one by one with the tz database, not the fixed offset the calendar uses,
   * and ask chinese-days' own isWorkday, not the calendar built from its data.
   */
  function countByCalendar(start: number, end: number): number {
    const first = shanghaiDate.format(start);
    const last = shanghaiDate.format(end);
    let count = 0;
    for (let t = start; shanghaiDate.format(t) <= last; t += DAY) {
      const date = shanghaiDate.format(t);
      if (date > first && isWorkday(date)) count++;
    }
    return count;
  }

  // Within the calendar's data (2004–2026), with room for 60 days and a case's deadline after it.
  const instant = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2026-10-31T00:00:00Z') });

  it('agrees with a day-by-day count in the tz database', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 60 * DAY }), (start, span) => {
        expect(workingDaysBetween(new Date(start), new Date(start + span))).toBe(countByCalendar(start, start + span));
      }),
    );
  });

  it('caseOverdue flips exactly at caseOverdueAt', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -DAY, max: 30 * DAY }), (opened, offset) => {
        const at = Date.parse(caseOverdueAt(new Date(opened), policy));
        expect(caseOverdue(new Date(opened), new Date(at + offset), policy)).toBe(offset >= 0);
      }),
    );
  });
});

describe('assessRefund properties', () => {
  const skuIds = ['SKU-LJ-250', 'SKU-BLC-100', 'SKU-DH-1', 'SKU-CUP-ENG', 'SKU-SET-01', 'SKU-NEW-01'];
  const AT = Date.parse('2026-12-01T00:00:00Z');

  // Mostly plausible requests (items of the order, amounts up to what they cost, the right member),
  // so every verdict is reached often; a fifth of the requests repeat SKUs or ask for anything at all.
  const price = fc.oneof(fc.integer({ min: 1, max: 12_000 }), fc.integer({ min: 1, max: 150_000 }));
  const orderLines = fc.uniqueArray(fc.record({ skuId: fc.constantFrom(...skuIds), quantity: fc.integer({ min: 1, max: 4 }), unitPriceFen: price }), {
    minLength: 1,
    maxLength: 4,
    selector: (l) => l.skuId,
  });
  const plausibleLine = (l: RecordedOrderLine) =>
    fc
      .integer({ min: 1, max: l.quantity })
      .chain((quantity) => fc.record({ skuId: fc.constant(l.skuId), quantity: fc.constant(quantity), amountFen: fc.integer({ min: 0, max: quantity * l.unitPriceFen }) }));
  const anyLine = fc.record({ skuId: fc.constantFrom(...skuIds, 'SKU-KTL-01'), quantity: fc.integer({ min: 1, max: 5 }), amountFen: fc.integer({ min: 0, max: 400_000 }) });
  const refundedLine = (l: RecordedOrderLine) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant({ skuId: l.skuId, quantity: 0, amountFen: 0 }) },
      { weight: 1, arbitrary: fc.record({ skuId: fc.constant(l.skuId), quantity: fc.integer({ min: 0, max: l.quantity }), amountFen: fc.integer({ min: 0, max: l.quantity * l.unitPriceFen }) }) },
    );

  const scenario = orderLines.chain((lines) =>
    fc
      .record({
        alreadyRefunded: fc.tuple(...lines.map(refundedLine)),
        requestLines: fc.oneof(
          { weight: 4, arbitrary: fc.uniqueArray(fc.constantFrom(...lines).chain(plausibleLine), { minLength: 1, maxLength: 3, selector: (l) => l.skuId }) },
          { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...lines).chain(plausibleLine), anyLine), { minLength: 1, maxLength: 3 }) },
        ),
        kind: fc.constantFrom(...refundKinds),
        reason: fc.constantFrom(...refundReasons),
        member: fc.constantFrom('M-1', 'M-1', 'M-1', 'M-1', 'M-2'),
        deliveredDaysAgo: fc.option(fc.integer({ min: 0, max: 20 }), { freq: 5 }),
        requestedHoursAgo: fc.integer({ min: 0, max: 24 * 12 }),
        priors: fc.array(fc.record({ daysAgo: fc.integer({ min: 0, max: 120 }), approved: fc.boolean() }), { maxLength: 5 }),
        known: fc.integer({ min: 0, max: 19 }),
      })
      .map((s) => {
        const recorded: RecordedOrder = {
          orderId: 'O-1',
          memberId: 'M-1',
          placedAt: new Date(AT - 30 * DAY).toISOString(),
          ...(s.deliveredDaysAgo === null ? {} : { deliveredAt: new Date(AT - s.deliveredDaysAgo * DAY).toISOString() }),
          lines,
        };
        const request: RefundRequestedDetail = {
          refundId: 'R-1',
          orderId: 'O-1',
          memberId: s.member,
          kind: s.kind,
          reason: s.reason,
          lines: s.requestLines,
          requestedAt: new Date(AT - s.requestedHoursAgo * 3_600_000).toISOString(),
        };
        const priorRefunds: PriorRefund[] = s.priors.map((p, i) => ({
          refundId: `R-P-${i}`,
          requestedAt: new Date(AT - p.daysAgo * DAY).toISOString(),
          decision: p.approved ? 'approved' : 'rejected',
          paidFen: 100,
        }));
        // One scenario in twenty has no recorded order.
        return { request, order: s.known === 0 ? undefined : recorded, alreadyRefunded: [...s.alreadyRefunded], priorRefunds };
      }),
  );

  type Scenario = { request: RefundRequestedDetail; order: RecordedOrder | undefined; alreadyRefunded: RefundedLine[]; priorRefunds: PriorRefund[] };
  const run = (s: Scenario) => assessRefund({ ...s, catalog, now: new Date(AT), policy });

  const sumBy = <T>(items: readonly T[], f: (item: T) => number) => items.reduce((sum, item) => sum + f(item), 0);

  it('never refunds more than was paid less what was already refunded, per SKU and in total', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = run(s);
        if (!s.order) {
          expect(result.refundFen).toBe(0);
          return;
        }
        const paid = sumBy(s.order.lines, (l) => l.quantity * l.unitPriceFen);
        expect(result.refundFen).toBeLessThanOrEqual(paid - sumBy(s.alreadyRefunded, (r) => r.amountFen));
        if (result.verdict === 'auto-reject') return;
        for (const skuId of new Set(s.request.lines.map((l) => l.skuId))) {
          const ordered = s.order.lines.find((l) => l.skuId === skuId)!;
          const refunded = s.alreadyRefunded.find((r) => r.skuId === skuId)!;
          const asked = s.request.lines.filter((l) => l.skuId === skuId);
          expect(sumBy(asked, (l) => l.amountFen)).toBeLessThanOrEqual(ordered.quantity * ordered.unitPriceFen - refunded.amountFen);
          expect(sumBy(asked, (l) => l.quantity)).toBeLessThanOrEqual(ordered.quantity - refunded.quantity);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never auto-approves above 200 yuan or with 3 recent refunds', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = run(s);
        const recent = s.priorRefunds.filter((p) => p.decision === 'approved' && Date.parse(p.requestedAt) >= AT - 90 * DAY).length;
        if (result.requestedFen > policy.autoApproveMaxFen || recent >= 3) expect(result.verdict).not.toBe('auto-approve');
      }),
      { numRuns: 500 },
    );
  });

  it('requires finance exactly when above 2,000 yuan and not rejected', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = run(s);
        const expected = result.requestedFen > policy.secondApprovalAboveFen && result.verdict !== 'auto-reject';
        expect(result.approvals.includes('finance')).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('never lets a no-reason request through after the window or for excluded goods', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = run(s);
        if (s.request.reason !== 'no-reason' || !s.order?.deliveredAt) return;
        const late = Date.parse(s.request.requestedAt) > Date.parse(s.order.deliveredAt) + 7 * DAY;
        const excluded = s.request.lines.some((l) => catalog.get(l.skuId)?.fresh || catalog.get(l.skuId)?.customMade);
        if (late || excluded) expect(result.verdict).toBe('auto-reject');
      }),
      { numRuns: 500 },
    );
  });

  it('keeps verdict, approvals, money and explanation consistent', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = run(s);
        expect(result.explanation.length).toBeGreaterThan(0);
        expect(result.requestedFen).toBe(sumBy(s.request.lines, (l) => l.amountFen));
        if (result.verdict === 'auto-reject') {
          expect(result).toMatchObject({ approvals: [], refundFen: 0, couponFen: 0, sellerPaysShipping: false });
          expect(result.reasons.length).toBeGreaterThan(0);
        } else if (result.verdict === 'needs-approval') {
          expect(result.approvals[0]).toBe('aftersales');
          // A person is only asked when something stops automatic approval.
          expect(result.reasons.some((r) => r !== 'WITHIN_NO_REASON_WINDOW' && r !== 'QUALITY_ISSUE')).toBe(true);
        } else {
          expect(result.approvals).toEqual([]);
          expect(result.reasons).toContain('WITHIN_NO_REASON_WINDOW');
        }
        if (s.request.kind === 'exchange') expect(result.refundFen).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
