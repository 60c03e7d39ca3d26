import { DAY, addMs } from '../../shared/clock';
import type { Fen } from '../../shared/money';
import type { Purchase, Tier } from '../../shared/records/members';
import type { MembersPolicy, RecallPolicy, TierRule } from './policy';

// Pure member rules (business rules §5): no I/O, so a tier can be replayed from the purchases.

export interface MemberFigures {
  spend12mFen: Fen;
  orders12m: number;
  lastPurchaseAt?: string;
}

/** Spend and orders of the purchases inside the window ending at `now`. */
export function figuresOf(purchases: Purchase[], now: string, policy: Pick<MembersPolicy, 'windowDays'>): MemberFigures {
  const since = addMs(now, -policy.windowDays * DAY);
  const inWindow = purchases.filter((p) => p.placedAt >= since && p.placedAt <= now);
  const last = purchases.map((p) => p.placedAt).sort().at(-1);
  return { spend12mFen: inWindow.reduce((sum, p) => sum + p.totalFen, 0), orders12m: inWindow.length, ...(last ? { lastPurchaseAt: last } : {}) };
}

/** The first tier, highest first, whose spend or order threshold the figures reach. */
export function tierFor(figures: MemberFigures, policy: Pick<MembersPolicy, 'tiers'>): Tier {
  const reached = (rule: TierRule) =>
    (rule.spendFromFen === undefined && rule.ordersFrom === undefined) ||
    (rule.spendFromFen !== undefined && figures.spend12mFen >= rule.spendFromFen) ||
    (rule.ordersFrom !== undefined && figures.orders12m >= rule.ordersFrom);
  return policy.tiers.find(reached)?.tier ?? 'regular';
}

/** Whether `to` ranks above `from` (a tier coupon is for going up, never down). */
export function isUpgrade(from: Tier, to: Tier, policy: Pick<MembersPolicy, 'tiers'>): boolean {
  const rank = (tier: Tier) => policy.tiers.length - policy.tiers.findIndex((rule) => rule.tier === tier);
  return rank(to) > rank(from);
}

/** The coupon a tier gives when first reached, valid from `now`; undefined for a tier without one. */
export function tierCoupon(tier: Tier, now: string, policy: Pick<MembersPolicy, 'tiers'>) {
  const coupon = policy.tiers.find((rule) => rule.tier === tier)?.coupon;
  if (!coupon) return undefined;
  return { minSpendFen: coupon.minSpendFen, discountFen: coupon.discountFen, issuedAt: now, expiresAt: addMs(now, coupon.validDays * DAY) };
}

/**
 * The Shanghai date from which the member is due a recall: 90 days after the last purchase, and
 * never sooner than 30 days after the last recall. The member record is indexed by it, so the daily
 * run finds exactly the members due that day.
 */
export function recallDueOn(lastPurchaseAt: string, lastRecallAt: string | undefined, policy: Pick<RecallPolicy, 'lapsedAfterDays' | 'onceInDays'>, dayOf: (instant: string) => string): string {
  const lapsed = dayOf(addMs(lastPurchaseAt, policy.lapsedAfterDays * DAY));
  const again = lastRecallAt ? dayOf(addMs(lastRecallAt, policy.onceInDays * DAY)) : lapsed;
  return lapsed > again ? lapsed : again;
}

/** The recall coupon (满199减50), valid from `now`. */
export function recallCoupon(now: string, policy: Pick<RecallPolicy, 'coupon'>) {
  return { minSpendFen: policy.coupon.minSpendFen, discountFen: policy.coupon.discountFen, issuedAt: now, expiresAt: addMs(now, policy.coupon.validDays * DAY) };
}
