import * as z from 'zod';
import { defineEvent, fields } from './define';
import { list, nonEmptyText, object, wholeNumber } from './schema-kit';
import { sources } from './sources';

/** A revision of a listing failed its checks or a reviewer: every reason, for the seller to fix. */
export const ListingRejectedDetail = z.looseObject(
  {
    listingId: fields.id('listingId'),
    revision: wholeNumber('revision', 1),
    reasons: list(
      'reasons',
      object('reasons[]', { code: nonEmptyText('code'), field: nonEmptyText('field'), message: nonEmptyText('message') }),
    ).min(1, 'reasons must name at least one reason'),
    rejectedAt: fields.isoTime('rejectedAt'),
  },
  { error: 'detail must be an object' },
);
export type ListingRejectedDetail = z.infer<typeof ListingRejectedDetail>;

export const ListingRejected = defineEvent(sources.workflows, 'ListingRejected', ListingRejectedDetail);
