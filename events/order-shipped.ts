import * as z from 'zod';
import { defineEvent, fields } from './define';
import { nonEmptyText } from './schema-kit';
import { sources } from './sources';

export const OrderShippedDetail = z.looseObject(
  {
    orderId: fields.id('orderId'),
    carrier: nonEmptyText('carrier'),
    trackingNumber: nonEmptyText('trackingNumber'),
    shippedAt: fields.isoTime('shippedAt'),
  },
  { error: 'detail must be an object' },
);
export type OrderShippedDetail = z.infer<typeof OrderShippedDetail>;

export const OrderShipped = defineEvent(sources.orders, 'OrderShipped', OrderShippedDetail);
