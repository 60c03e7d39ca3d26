import * as z from 'zod';
import { defineEvent, fields } from './define';
import { list, nonEmptyText, oneOf } from './schema-kit';
import { sources } from './sources';

/** A refund request was approved or rejected, with the reasons and who decided (no personal data). */
export const RefundDecidedDetail = z.looseObject(
  {
    refundId: fields.id('refundId'),
    orderId: fields.id('orderId'),
    memberId: fields.id('memberId'),
    decision: oneOf('decision', ['approved', 'rejected'] as const),
    auto: z.boolean({ error: 'auto must be true or false' }),
    reasons: list('reasons', nonEmptyText('reasons[]')),
    approvedBy: list('approvedBy', nonEmptyText('approvedBy[]')),
    refundFen: fields.fen('refundFen'),
    decidedAt: fields.isoTime('decidedAt'),
  },
  { error: 'detail must be an object' },
);
export type RefundDecidedDetail = z.infer<typeof RefundDecidedDetail>;

export const RefundDecided = defineEvent(sources.workflows, 'RefundDecided', RefundDecidedDetail);
