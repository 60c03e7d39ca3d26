import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import { MemberTierChanged } from '../../../events/member-tier-changed';
import { OrderPlacedDetail } from '../../../events/order-placed';
import { eventBridge } from '../../../shared/aws';
import { nowIso } from '../../../shared/clock';
import { defineEnv } from '../../../shared/env';
import { TransientError } from '../../../shared/errors';
import { eventHandler } from '../../../shared/handlers/event';
import { logger } from '../../../shared/logger';
import { Coupons } from '../../../shared/records/coupons';
import { Members, type MemberProfile } from '../../../shared/records/members';
import { businessCalendar } from '../../../shared/calendar';
import { membersPolicy, recallPolicy } from '../policy';
import { figuresOf, isUpgrade, recallDueOn, tierCoupon, tierFor } from '../rules';

const env = defineEnv(z.object({ EVENT_BUS_NAME: z.string().min(1) }));
const ATTEMPTS = 5;

/**
 * OrderPlaced → the member record: the purchase counted once, the 12-month figures, tier and the
 * day a churn recall becomes due recomputed; a new tier is announced (MemberTierChanged) and, going up, gives its coupon once.
 */
export const handler = eventHandler(OrderPlacedDetail, async (order) => {
  const members = new Members();
  const counted = await members.recordPurchase(order.memberId, { orderId: order.orderId, placedAt: order.placedAt, totalFen: order.totalFen });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const now = nowIso();
    const before = await members.profile(order.memberId);
    const figures = figuresOf(await members.purchasesSince(order.memberId, new Date(Date.parse(now) - membersPolicy.windowDays * 86_400_000).toISOString()), now, membersPolicy);
    const from = before?.tier ?? 'regular';
    const tier = tierFor(figures, membersPolicy);
    const changed = tier !== from;
    const profile: MemberProfile = {
      memberId: order.memberId,
      tier,
      ...figures,
      ...(changed ? { tierChangedAt: now } : before?.tierChangedAt ? { tierChangedAt: before.tierChangedAt } : {}),
      ...(figures.lastPurchaseAt ? { recallDueOn: recallDueOn(figures.lastPurchaseAt, before?.lastRecallAt, recallPolicy, (at) => businessCalendar.dayOf(at)) } : {}),
      updatedAt: now,
      purchases: before?.purchases ?? 0,
    };
    // Announced before the profile is saved: a crash in between announces again on the retry
    // (the coupon is given once), rather than never.
    if (changed) await announce(order.memberId, from, tier, now);
    // Another purchase of the member was counted meanwhile: compute again with it.
    if (await members.saveProfile(profile)) return { counted, tier, changed };
  }
  throw new TransientError(`member ${order.memberId} kept changing; try again`);
});

async function announce(memberId: string, from: MemberProfile['tier'], to: MemberProfile['tier'], now: string) {
  const coupon = isUpgrade(from, to, membersPolicy) ? tierCoupon(to, now, membersPolicy) : undefined;
  if (coupon) {
    await new Coupons().grantOnce(memberId, `tier-${to}`, { kind: 'tier', amountFen: coupon.discountFen, minSpendFen: coupon.minSpendFen, reason: `reached ${to}`, issuedAt: now, expiresAt: coupon.expiresAt });
  }
  await eventBridge().send(new PutEventsCommand({ Entries: [MemberTierChanged.entry({ memberId, from, to, changedAt: now }, env().EVENT_BUS_NAME)] }));
  logger.info('member tier changed', { memberId, from, to });
}
