import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import { MemberTierChanged } from '../../../events/member-tier-changed';
import { OrderPlacedDetail } from '../../../events/order-placed';
import { eventBridge } from '../../../shared/aws';
import { addMs, nowIso } from '../../../shared/clock';
import { defineEnv } from '../../../shared/env';
import { TransientError } from '../../../shared/errors';
import { eventHandler } from '../../../shared/handlers/event';
import { logger } from '../../../shared/logger';
import { Coupons } from '../../../shared/records/coupons';
import { Members, type MemberProfile, type TierAnnouncement } from '../../../shared/records/members';
import { businessCalendar } from '../../../shared/calendar';
import { membersPolicy, recallPolicy } from '../policy';
import { figuresOf, isUpgrade, recallDueOn, tierCoupon, tierFor } from '../rules';

const env = defineEnv(z.object({ EVENT_BUS_NAME: z.string().min(1) }));
const ATTEMPTS = 5;

/**
 * OrderPlaced → the member record: the purchase counted once, the 12-month figures, tier and the
 * day a churn recall becomes due recomputed; a new tier is saved, then announced once (MemberTierChanged)
 * and, going up, gives its coupon once.
 */
export const handler = eventHandler(OrderPlacedDetail, async (order) => {
  const members = new Members();
  const counted = await members.recordPurchase(order.memberId, { orderId: order.orderId, placedAt: order.placedAt, totalFen: order.totalFen });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const now = nowIso();
    const before = await members.profile(order.memberId);
    // A change saved by a purchase that died before announcing it: announced here, once its lease has passed.
    const orphan = before?.tierAnnouncement;
    if (orphan && (await members.takeOverTierAnnouncement(order.memberId, orphan, addMs(now, membersPolicy.announcementLeaseMs), now))) {
      await announce(order.memberId, orphan);
      await members.tierAnnounced(order.memberId, orphan);
    }
    const figures = figuresOf(await members.purchasesSince(order.memberId, new Date(Date.parse(now) - membersPolicy.windowDays * 86_400_000).toISOString()), now, membersPolicy);
    const from = before?.tier ?? 'regular';
    const tier = tierFor(figures, membersPolicy);
    const announcement: TierAnnouncement | undefined = tier !== from ? { from, to: tier, changedAt: now, leaseUntil: addMs(now, membersPolicy.announcementLeaseMs) } : undefined;
    const profile: MemberProfile = {
      memberId: order.memberId,
      tier,
      ...figures,
      ...(announcement ? { tierChangedAt: now, tierAnnouncement: announcement } : before?.tierChangedAt ? { tierChangedAt: before.tierChangedAt } : {}),
      ...(figures.lastPurchaseAt ? { recallDueOn: recallDueOn(figures.lastPurchaseAt, before?.lastRecallAt, recallPolicy, (at) => businessCalendar.dayOf(at)) } : {}),
      updatedAt: now,
      purchases: before?.purchases ?? 0,
    };
    // Saved first, on the condition that neither the purchases nor the tier moved since they were
    // read: of racing purchases only one saves the change, and only that one announces it.
    if (!(await members.saveProfile(profile, before?.tier))) continue;
    if (announcement) {
      await announce(order.memberId, announcement);
      await members.tierAnnounced(order.memberId, announcement);
    }
    return { counted, tier, changed: announcement !== undefined };
  }
  throw new TransientError(`member ${order.memberId} kept changing; try again`);
});

async function announce(memberId: string, { from, to, changedAt }: TierAnnouncement) {
  const coupon = isUpgrade(from, to, membersPolicy) ? tierCoupon(to, changedAt, membersPolicy) : undefined;
  if (coupon) {
    await new Coupons().grantOnce(memberId, `tier-${to}`, { kind: 'tier', amountFen: coupon.discountFen, minSpendFen: coupon.minSpendFen, reason: `reached ${to}`, issuedAt: changedAt, expiresAt: coupon.expiresAt });
  }
  await eventBridge().send(new PutEventsCommand({ Entries: [MemberTierChanged.entry({ memberId, from, to, changedAt }, env().EVENT_BUS_NAME)] }));
  logger.info('member tier changed', { memberId, from, to });
}
