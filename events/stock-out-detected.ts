import * as z from 'zod';
import { defineEvent, fields } from './define';
import { list, object } from './schema-kit';
import { sources } from './sources';

const line = object('lines[]', {
  skuId: fields.id('skuId'),
  quantity: fields.quantity('quantity'),
  unitPriceFen: fields.fen('unitPriceFen'),
});

/** No location can serve an order: the stock-out flow takes it over (no personal data). */
export const StockOutDetectedDetail = z.looseObject(
  {
    orderId: fields.id('orderId'),
    memberId: fields.id('memberId'),
    placedAt: fields.isoTime('placedAt'),
    totalFen: fields.fen('totalFen'),
    lines: list('lines', line).min(1, 'lines must contain at least one line'),
    unservedLines: list('unservedLines', object('unservedLines[]', { skuId: fields.id('skuId'), quantity: fields.quantity('quantity') })).min(
      1,
      'unservedLines must contain at least one line',
    ),
    detectedAt: fields.isoTime('detectedAt'),
  },
  { error: 'detail must be an object' },
);
export type StockOutDetectedDetail = z.infer<typeof StockOutDetectedDetail>;

export const StockOutDetected = defineEvent(sources.workflows, 'StockOutDetected', StockOutDetectedDetail);
