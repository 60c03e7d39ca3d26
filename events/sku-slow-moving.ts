import * as z from 'zod';
import { defineEvent, fields } from './define';
import { wholeNumber } from './schema-kit';
import { sources } from './sources';

/** A published SKU had no sale in the days after publishing; a merchandiser decides what to do with it. */
export const SkuSlowMovingDetail = z.looseObject(
  {
    listingId: fields.id('listingId'),
    skuId: fields.id('skuId'),
    publishedAt: fields.isoTime('publishedAt'),
    flaggedAt: fields.isoTime('flaggedAt'),
    daysWithoutSale: wholeNumber('daysWithoutSale', 0),
  },
  { error: 'detail must be an object' },
);
export type SkuSlowMovingDetail = z.infer<typeof SkuSlowMovingDetail>;

export const SkuSlowMoving = defineEvent(sources.workflows, 'SkuSlowMoving', SkuSlowMovingDetail);
