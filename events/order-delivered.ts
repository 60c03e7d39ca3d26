import * as z from 'zod';
import { defineEvent, fields } from './define';
import { sources } from './sources';

export const OrderDeliveredDetail = z.looseObject(
  {
    orderId: fields.id('orderId'),
    deliveredAt: fields.isoTime('deliveredAt'),
  },
  { error: 'detail must be an object' },
);
export type OrderDeliveredDetail = z.infer<typeof OrderDeliveredDetail>;

export const OrderDelivered = defineEvent(sources.orders, 'OrderDelivered', OrderDeliveredDetail);
