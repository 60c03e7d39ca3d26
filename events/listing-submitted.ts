import * as z from 'zod';
import { defineEvent, fields } from './define';
import { flag, httpsUrl, list, nonEmptyText, object, oneOf, text, wholeNumber } from './schema-kit';
import { sources } from './sources';

export const categories = ['food', 'cosmetics', 'electronics', 'apparel', 'general'] as const;
export type Category = (typeof categories)[number];

export const qualificationTypes = [
  'production-licence',
  'inspection-report',
  'cosmetics-filing',
  'ccc-certificate',
  'brand-authorisation',
] as const;
export type QualificationType = (typeof qualificationTypes)[number];

const categoryMessage = `category must be one of ${categories.join(', ')}`;

// Typed as plain string (not a union) so code that looks categories up in the category tree keeps
// working when the tree grows; the JSON Schema still carries the enum for the registry.
const category = z
  .string({ error: (issue) => (issue.input === undefined ? 'category is required' : categoryMessage) })
  .refine((value) => (categories as readonly string[]).includes(value), categoryMessage)
  .meta({ enum: [...categories] });

const image = object('images[]', {
  url: httpsUrl('url'),
  width: wholeNumber('width', 1).describe('pixels'),
  height: wholeNumber('height', 1).describe('pixels'),
  background: nonEmptyText('background').describe('background colour as a CSS hex value; #FFFFFF is white'),
});

const attributeValue = z.union([z.string(), z.number()], {
  error: (issue) => `attribute ${String(issue.path?.at(-1) ?? '')} must be a string or a number`,
});

const qualification = object('qualifications[]', {
  type: oneOf('type', qualificationTypes),
  number: nonEmptyText('number'),
  issuedAt: fields.isoTime('issuedAt'),
  expiresAt: fields.isoTime('expiresAt').optional(),
});

// Business limits (price > 0, stock >= 0, presale needs shipBy, at least one SKU) are review
// checks reported to the seller with a code, not contract failures that would quarantine the event.
const sku = object('skus[]', {
  skuId: fields.id('skuId'),
  priceFen: fields.fen('priceFen'),
  stock: wholeNumber('stock'),
  presale: flag('presale').optional(),
  shipBy: fields.isoTime('shipBy').optional(),
});

export const ListingSubmittedDetail = z.looseObject(
  {
    listingId: fields.id('listingId'),
    revision: wholeNumber('revision', 1),
    sellerId: fields.id('sellerId'),
    category,
    title: text('title'),
    description: text('description'),
    images: list('images', image),
    attributes: z.record(z.string(), attributeValue, {
      error: (issue) => (issue.input === undefined ? 'attributes is required' : 'attributes must be an object'),
    }),
    qualifications: list('qualifications', qualification),
    skus: list('skus', sku),
    brand: object('brand', { name: nonEmptyText('name'), authorized: flag('authorized') }).optional(),
    publishAt: fields.isoTime('publishAt').optional(),
  },
  { error: 'detail must be an object' },
);
export type ListingSubmittedDetail = z.infer<typeof ListingSubmittedDetail>;

export const ListingSubmitted = defineEvent(sources.listings, 'ListingSubmitted', ListingSubmittedDetail);
