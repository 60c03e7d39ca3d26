import * as z from 'zod';
import { defineEvent, fields } from './define';
import { PERSONAL_DATA, list, nonEmptyText, numberBetween, object } from './schema-kit';
import { sources } from './sources';

const line = object('lines[]', {
  skuId: fields.id('skuId'),
  quantity: fields.quantity('quantity'),
  unitPriceFen: fields.fen('unitPriceFen'),
});

const shipTo = object('shipTo', {
  province: nonEmptyText('province'),
  city: nonEmptyText('city'),
  district: nonEmptyText('district'),
  lat: numberBetween('lat', -90, 90),
  lng: numberBetween('lng', -180, 180),
}).describe(PERSONAL_DATA);

export const OrderPlacedDetail = z.looseObject(
  {
    orderId: fields.id('orderId'),
    memberId: fields.id('memberId'),
    channel: nonEmptyText('channel').describe('sales channel, e.g. online-store, tmall, jd, store'),
    placedAt: fields.isoTime('placedAt'),
    totalFen: fields.fen('totalFen'),
    lines: list('lines', line).min(1, 'lines must contain at least one line'),
    shipTo,
    phone: nonEmptyText('phone').describe(PERSONAL_DATA).optional(),
  },
  { error: 'detail must be an object' },
);
export type OrderPlacedDetail = z.infer<typeof OrderPlacedDetail>;

/** Detail paths holding member personal data (business rules §5): loggers and audit copies redact them. */
export const personalDataPaths = ['shipTo', 'phone'] as const;

export const OrderPlaced = defineEvent(sources.orders, 'OrderPlaced', OrderPlacedDetail, { personalData: personalDataPaths });
