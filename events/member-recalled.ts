import * as z from 'zod';
import { defineEvent, fields } from './define';
import { sources } from './sources';

/** A lapsed member got the recall message and its coupon (business rules §5). */
export const MemberRecalledDetail = z.looseObject(
  {
    memberId: fields.id('memberId'),
    couponId: fields.id('couponId'),
    lastPurchaseAt: fields.isoTime('lastPurchaseAt'),
    recalledAt: fields.isoTime('recalledAt'),
  },
  { error: 'detail must be an object' },
);
export type MemberRecalledDetail = z.infer<typeof MemberRecalledDetail>;

export const MemberRecalled = defineEvent(sources.workflows, 'MemberRecalled', MemberRecalledDetail);
