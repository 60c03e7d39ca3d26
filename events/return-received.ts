import * as z from 'zod';
import { defineEvent, fields } from './define';
import { sources } from './sources';

export const ReturnReceivedDetail = z.looseObject(
  {
    refundId: fields.id('refundId'),
    receivedAt: fields.isoTime('receivedAt'),
  },
  { error: 'detail must be an object' },
);
export type ReturnReceivedDetail = z.infer<typeof ReturnReceivedDetail>;

export const ReturnReceived = defineEvent(sources.aftersales, 'ReturnReceived', ReturnReceivedDetail);
