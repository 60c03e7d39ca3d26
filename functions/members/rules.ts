import { DAY, addMs } from '../../shared/clock';
import type { Fen } from '../../shared/money';
import type { Purchase, Tier } from '../../shared/records/members';
import type { MembersPolicy, TierRule } from './policy';

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
