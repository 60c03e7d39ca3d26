import * as z from 'zod';
import { defineEvent, fields } from './define';
import { list, nonEmptyText, object } from './schema-kit';
import { sources } from './sources';

const allocation = object('allocations[]', {
  locationId: fields.id('locationId'),
  skuId: fields.id('skuId'),
  quantity: fields.quantity('quantity'),
});

/** An order's stock is reserved and it has a place to ship from (no personal data). */
export const OrderRoutedDetail = z.looseObject(
  {
    orderId: fields.id('orderId'),
    memberId: fields.id('memberId'),
    totalFen: fields.fen('totalFen'),
    rule: nonEmptyText('rule'),
    reason: nonEmptyText('reason'),
    allocations: list('allocations', allocation).min(1, 'allocations must not be empty'),
    highValue: z.boolean({ error: 'highValue must be true or false' }),
    routedAt: fields.isoTime('routedAt'),
  },
  { error: 'detail must be an object' },
);
export type OrderRoutedDetail = z.infer<typeof OrderRoutedDetail>;

export const OrderRouted = defineEvent(sources.workflows, 'OrderRouted', OrderRoutedDetail);
