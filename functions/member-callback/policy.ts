/**
 * The numbers of member callbacks (business rules §5). Values marked **default** are ours, not the
 * source documents': change them here, not in the flow. Callback hours are the business calendar's
 * (`shared/calendar/policy.ts`: 09:00–21:00 Asia/Shanghai, not on statutory holidays); churn
 * recall's numbers are the members' (`functions/members/policy.ts`).
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
