import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import { MemberRecalled } from '../../../events/member-recalled';
import { eventBridge } from '../../../shared/aws';
import { businessCalendar } from '../../../shared/calendar';
import { DAY, addMs, nowIso } from '../../../shared/clock';
import { defineEnv } from '../../../shared/env';
import { logger } from '../../../shared/logger';
import { deliverDue } from '../../../shared/notifications/send';
import { Coupons } from '../../../shared/records/coupons';
import { Members } from '../../../shared/records/members';
import { NotificationOutbox } from '../../../shared/records/outbox';
import { recallPolicy } from '../policy';
import { recallCoupon, recallDueOn } from '../rules';

const env = defineEnv(z.object({ EVENT_BUS_NAME: z.string().min(1) }));

/**
 * The daily churn recall (business rules §5): members 90 days or more without a purchase and
 * without a recall in the last 30 days get the recall coupon (满199减50) and a message, and
 * MemberRecalled is announced. They are found through the members' recall index (due today, or on
 * a day of the last week a missed run did not reach), never by scanning the members. Each effect
 * happens once per member and day, however often the run is retried.
 */
export const handler = async () => {
  const members = new Members();
  const now = nowIso();
  const today = businessCalendar.dayOf(now);
  const days = Array.from({ length: recallPolicy.catchUpDays + 1 }, (_, back) => businessCalendar.dayOf(addMs(now, -back * DAY)));
  let recalled = 0;
  let skipped = 0;
  for (const day of days) {
    for (const { memberId } of await members.dueForRecallOn(day)) {
      const profile = await members.profile(memberId);
      // The index may lag the profile (a purchase or a recall since): the profile decides.
      const dayOf = (at: string) => businessCalendar.dayOf(at);
      if (!profile?.lastPurchaseAt || recallDueOn(profile.lastPurchaseAt, profile.lastRecallAt, recallPolicy, dayOf) > today) {
        skipped++;
        continue;
      }
      const couponId = `recall-${today}`;
      const coupon = recallCoupon(now, recallPolicy);
      await new Coupons().grantOnce(memberId, couponId, { kind: 'recall', amountFen: coupon.discountFen, minSpendFen: coupon.minSpendFen, reason: 'lapsed member recall', issuedAt: now, expiresAt: coupon.expiresAt });
      await new NotificationOutbox().enqueue({ key: `${memberId}-${couponId}`, type: 'member-recall', recipient: { memberId }, data: { coupon: { discountFen: coupon.discountFen, minSpendFen: coupon.minSpendFen, expiresAt: coupon.expiresAt } } });
      await eventBridge().send(new PutEventsCommand({ Entries: [MemberRecalled.entry({ memberId, couponId, lastPurchaseAt: profile.lastPurchaseAt, recalledAt: now }, env().EVENT_BUS_NAME)] }));
      // Last: a crash before it leaves the member due, and the retry finds the coupon and message given.
      const nextDueOn = recallDueOn(profile.lastPurchaseAt, now, recallPolicy, dayOf);
      const applied = await members.recordRecall(memberId, { recalledAt: now, seen: profile, nextDueOn });
      if (applied) recalled++;
    }
  }
  const delivery = await deliverDue();
  logger.info('churn recall ran', { day: today, recalled, skipped, sent: delivery.sent });
  return { day: today, recalled, skipped };
};
