import * as z from 'zod';
import { defineEvent, fields } from './define';
import { nonEmptyText } from './schema-kit';
import { sources } from './sources';

/** A refund reached the payment provider, exactly once per refund. */
export const RefundPaidDetail = z.looseObject(
  {
    refundId: fields.id('refundId'),
    orderId: fields.id('orderId'),
    memberId: fields.id('memberId'),
    paidFen: fields.fen('paidFen'),
    providerRefundId: nonEmptyText('providerRefundId'),
    paidAt: fields.isoTime('paidAt'),
  },
  { error: 'detail must be an object' },
);
export type RefundPaidDetail = z.infer<typeof RefundPaidDetail>;

export const RefundPaid = defineEvent(sources.workflows, 'RefundPaid', RefundPaidDetail);
