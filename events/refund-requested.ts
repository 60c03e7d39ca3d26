import * as z from 'zod';
import { defineEvent, fields } from './define';
import { list, object, oneOf } from './schema-kit';
import { sources } from './sources';

export const refundKinds = ['refund-only', 'return', 'exchange'] as const;
export type RefundKind = (typeof refundKinds)[number];

export const refundReasons = ['no-reason', 'quality', 'wrong-item', 'damaged', 'other'] as const;
export type RefundReason = (typeof refundReasons)[number];

const line = object('lines[]', {
  skuId: fields.id('skuId'),
  quantity: fields.quantity('quantity'),
  amountFen: fields.fen('amountFen'),
});

export const RefundRequestedDetail = z.looseObject(
  {
    refundId: fields.id('refundId'),
    orderId: fields.id('orderId'),
    memberId: fields.id('memberId'),
    kind: oneOf('kind', refundKinds),
    reason: oneOf('reason', refundReasons),
    lines: list('lines', line).min(1, 'lines must contain at least one line'),
    requestedAt: fields.isoTime('requestedAt'),
  },
  { error: 'detail must be an object' },
);
export type RefundRequestedDetail = z.infer<typeof RefundRequestedDetail>;

export const RefundRequested = defineEvent(sources.aftersales, 'RefundRequested', RefundRequestedDetail);
