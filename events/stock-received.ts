import * as z from 'zod';
import { defineEvent, fields } from './define';
import { sources } from './sources';

export const StockReceivedDetail = z.looseObject(
  {
    skuId: fields.id('skuId'),
    locationId: fields.id('locationId'),
    quantity: fields.quantity('quantity'),
    receivedAt: fields.isoTime('receivedAt'),
  },
  { error: 'detail must be an object' },
);
export type StockReceivedDetail = z.infer<typeof StockReceivedDetail>;

export const StockReceived = defineEvent(sources.inventory, 'StockReceived', StockReceivedDetail);
