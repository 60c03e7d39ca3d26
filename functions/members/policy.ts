import type { Tier } from '../../shared/records/members';

/**
 * The numbers of member care (business rules §5, handbook 000 ch.5). Values marked **default** are
 * ours, not the source documents': change them here, not in the code that uses them.
 */
export interface TierRule {
  tier: Tier;
  /** Reached from this 12-month spend … */
  spendFromFen?: number;
  /** … or this many orders in 12 months. */
  ordersFrom?: number;
  /** The coupon the tier gives once, when first reached. */
  coupon?: { minSpendFen: number; discountFen: number; validDays: number };
}

export interface MembersPolicy {
  /** Spend and orders are counted over this many days. */
  readonly windowDays: number;
  /** Highest first: a member is in the first tier whose threshold they reach. */
  readonly tiers: readonly TierRule[];
  /** How long the purchase that saved a tier change has to announce it before another purchase may take over. */
  readonly announcementLeaseMs: number;
}

export const membersPolicy: MembersPolicy = Object.freeze({
  // §5: "over the last 12 months" (**default**), as days.
  windowDays: 365,
  // §5 (000 ch.5, tiers by spend / frequency): the thresholds and coupons are **defaults**.
  tiers: Object.freeze([
    // diamond from 20,000 yuan; 满500减100, valid 30 days.
    { tier: 'diamond' as const, spendFromFen: 2_000_000, coupon: { minSpendFen: 50_000, discountFen: 10_000, validDays: 30 } },
    // gold from 5,000 yuan or 10 orders; 满200减30.
    { tier: 'gold' as const, spendFromFen: 500_000, ordersFrom: 10, coupon: { minSpendFen: 20_000, discountFen: 3_000, validDays: 30 } },
    // silver from 1,000 yuan or 3 orders; 满100减10.
    { tier: 'silver' as const, spendFromFen: 100_000, ordersFrom: 3, coupon: { minSpendFen: 10_000, discountFen: 1_000, validDays: 30 } },
    { tier: 'regular' as const },
  ]),
  // Ours: six times the functions' 10 s timeout (workflows/constructs/workflow-function.ts), so a
  // lease passes only when its holder cannot still be running.
  announcementLeaseMs: 60_000,
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
  /** Each run also looks this many days back, so members a missed run did not reach are recalled late rather than never. */
  readonly catchUpDays: number;
}

export const recallPolicy: RecallPolicy = Object.freeze({
  // §5: "no purchase for 90 days" (**default**).
  lapsedAfterDays: 90,
  // §5: "at most once per 30 days" (**default**).
  onceInDays: 30,
  // §5: "满199减50 (50 yuan off orders of 199 yuan or more, valid 30 days)".
  coupon: Object.freeze({ minSpendFen: 19_900, discountFen: 5_000, validDays: 30 }),
  // Daily at 10:00 Shanghai: mid-morning, inside callback hours, so a member who answers reaches someone (**default**).
  runsAtShanghaiHour: 10,
  // A week of missed runs is caught up (**default**).
  catchUpDays: 7,
});
