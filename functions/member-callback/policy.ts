/**
 * The numbers of member callbacks and churn recall (business rules §5). Values marked **default**
 * are ours, not the source documents': change them here, not in the flow. Callback hours are the
 * business calendar's (`shared/calendar/policy.ts`: 09:00–21:00 Asia/Shanghai, not on statutory holidays).
 */
export interface CallbackPolicy {
  /** Orders above this total get a purchase callback. */
  readonly highValueAboveFen: number;
  /** A purchase callback is due this many days after the order was placed. */
  readonly purchaseAfterDays: number;
  /** An after-sales callback is due this many days after the case completed. */
  readonly aftersalesAfterDays: number;
  /** A complaint callback is due this many days after its fix (a reship) shipped. */
  readonly complaintAfterShippedDays: number;
  /** Attempts to reach the member before the callback ends unreachable. */
  readonly maxAttempts: number;
  /** Hours customer service has to follow up a bad review, then ops-lead as long again. */
  readonly reviewFollowUpHours: number;
}

export const callbackPolicy: CallbackPolicy = Object.freeze({
  // §5: callbacks "to high-value members (order > 500 yuan)".
  highValueAboveFen: 50_000,
  // §5: "3 days after purchase".
  purchaseAfterDays: 3,
  // §5: "to every customer 1 week after an after-sales case completes".
  aftersalesAfterDays: 7,
  // §5: "complaint callbacks after the fix ships"; 3 days so the replacement has arrived (**default**).
  complaintAfterShippedDays: 3,
  // §5: "at most 3 attempts" (**default**).
  maxAttempts: 3,
  // §5 asks to resolve a bad review and ask (not force) a revision; 24 hours to do so (**default**).
  reviewFollowUpHours: 24,
});

export interface RecallPolicy {
  /** Members without a purchase for this many days are lapsed. */
  readonly lapsedAfterDays: number;
  /** A member gets at most one recall in this many days. */
  readonly onceInDays: number;
  /** The recall coupon: 满199减50, valid 30 days. */
  readonly coupon: { readonly minSpendFen: number; readonly discountFen: number; readonly validDays: number };
  /** When the daily recall runs, Asia/Shanghai (an EventBridge cron in UTC, see workflows/members.ts). */
  readonly runsAtShanghaiHour: number;
}

export const recallPolicy: RecallPolicy = Object.freeze({
  // §5: "no purchase for 90 days" (**default**).
  lapsedAfterDays: 90,
  // §5: "at most once per 30 days" (**default**).
  onceInDays: 30,
  // §5: "满199减50 (50 yuan off orders of 199 yuan or more, valid 30 days)".
  coupon: Object.freeze({ minSpendFen: 19_900, discountFen: 5_000, validDays: 30 }),
  // Mid-morning, inside callback hours, so a member who answers the message reaches someone (**default**).
  runsAtShanghaiHour: 10,
});
