import * as z from 'zod';
import { defineEvent, fields } from './define';
import { list, object, wholeNumber } from './schema-kit';
import { sources } from './sources';

/** A listing's SKUs are in the catalog and can be ordered. */
export const ListingPublishedDetail = z.looseObject(
  {
    listingId: fields.id('listingId'),
    revision: wholeNumber('revision', 1),
    publishedAt: fields.isoTime('publishedAt'),
    skus: list('skus', object('skus[]', { skuId: fields.id('skuId'), priceFen: fields.fen('priceFen') })).min(1, 'skus must name at least one SKU'),
  },
  { error: 'detail must be an object' },
);
export type ListingPublishedDetail = z.infer<typeof ListingPublishedDetail>;

export const ListingPublished = defineEvent(sources.workflows, 'ListingPublished', ListingPublishedDetail);
