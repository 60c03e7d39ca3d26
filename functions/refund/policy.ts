/**
 * The numbers of the refund and after-sales flow (business rules §4). Values marked **default**
 * are ours, not the source documents': change them here, not in the flow.
 */
export interface RefundPolicy {
  /** A no-reason return must be requested within this many days of delivery. */
  readonly noReasonWindowDays: number;
  /** Requests up to and including this amount may be approved automatically. */
  readonly autoApproveMaxFen: number;
  /** Automatic approval needs fewer than this many approved refunds in the history window. */
  readonly autoApproveMaxRefundsIn90Days: number;
  /** How far back the refund history is counted. */
  readonly refundHistoryWindowDays: number;
  /** Requests strictly above this amount need a second approver from finance. */
  readonly secondApprovalAboveFen: number;
  /** Returned goods are inspected within this many hours of receipt. */
  readonly inspectionWithinHours: number;
  /** The refund is paid within this many hours of receipt of the returned goods. */
  readonly payWithinHours: number;
  /** Coupon for the customer when the seller is at fault. */
  readonly qualityCouponFen: number;
  /**
   * An after-sales case still open after this many working days is overdue: working days of the
   * business calendar (`shared/calendar`: Asia/Shanghai, statutory holidays off, make-up working days on).
   */
  readonly caseCloseWorkingDays: number;
  /** After-sales decides a request needing approval within this many hours, then ops-lead takes over. */
  readonly approvalWithinHours: number;
  /** What ops-lead has after the escalation before the request is rejected by default. */
  readonly escalatedApprovalHours: number;
  /** Finance gives the second approval within this many hours, or the request is rejected. */
  readonly secondApprovalWithinHours: number;
  /** An approved return or exchange waits this many days for the goods, then the case closes without them. */
  readonly returnWaitDays: number;
}

export const refundPolicy: RefundPolicy = Object.freeze({
  // §4 (001 §二(三)1 "7天无理由退换"): 7-day no-reason returns, counted from delivery.
  noReasonWindowDays: 7,
  // §4 (002 §二(二) "符合条件自动通过"): amount ≤ 200 yuan (**default**); exactly 200 yuan still auto-approves.
  autoApproveMaxFen: 20_000,
  // §4: "fewer than 3 refunds in 90 days" (**default**): 3 or more blocks automatic approval.
  autoApproveMaxRefundsIn90Days: 3,
  // §4: the "90 days" of the line above (**default**).
  refundHistoryWindowDays: 90,
  // §4: "above 2,000 yuan a second, different approver (role finance)" (**default**); exactly 2,000 yuan needs one.
  secondApprovalAboveFen: 200_000,
  // §4 (001 §二(三)1 "收到退货后24小时内验货"): inspect within 24 hours of receipt.
  inspectionWithinHours: 24,
  // §4 (001 §二(三)1 "48小时内退款"): refund within 48 hours of receipt.
  payWithinHours: 48,
  // §4 (001 §二(三)1 "5元优惠券"): the customer gets a 5-yuan coupon on a quality issue.
  qualityCouponFen: 500,
  // §4 (003 §2.2 "3-7个工作日内完成"): the upper bound of 3–7 working days is the deadline.
  caseCloseWorkingDays: 7,
  // §4 (003 §2.1 "24小时内给出初步解决方案"): a person decides within 24 hours.
  approvalWithinHours: 24,
  // §4: 003 §2.1's 72 hours to confirm and handle: ops-lead has the remaining 48 (**default**), then reject.
  escalatedApprovalHours: 48,
  // §4: the finance approval gets the same 24 hours (**default**); no escalation: four eyes need finance.
  secondApprovalWithinHours: 24,
  // §4: how long a return may take to arrive (**default**).
  returnWaitDays: 30,
});
