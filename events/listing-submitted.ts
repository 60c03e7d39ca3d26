import * as z from 'zod';
import { defineEvent, fields, missingOr } from './define';
import { flag, list, nonEmptyText, object, oneOf, text, wholeNumber } from './schema-kit';
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

// The category tree (business rules §1). A category outside it is not a contract failure: the
// listing review rejects it with CATEGORY_UNKNOWN, so the seller hears about it instead of the event
// being quarantined. Typed as plain string so code that looks categories up keeps working when the
// tree grows; the JSON Schema lists the tree as `examples`, which no registry enforces.
const category = text('category').meta({ examples: [...categories] });

// Listing images are uploaded to the platform's bucket: `s3://<bucket>/<key>` or one of the
// bucket's HTTP(S) URLs. Which bucket is the review's check (IMAGE_UNREADABLE), not the contract's.
const imageUrl = (name: string) =>
  z.url({ protocol: /^(https?|s3)$/, error: missingOr(name, 'an http(s) or s3:// URL') });

const image = object('images[]', {
  url: imageUrl('url'),
  width: wholeNumber('width', 1).describe('pixels'),
  height: wholeNumber('height', 1).describe('pixels'),
  background: nonEmptyText('background').describe('background colour as a CSS hex value (#FFFFFF and #FFF are white) or the word white'),
});

// Booleans too: `fresh` and `customMade` are flags the review passes on to the catalog.
const attributeValue = z.union([z.string(), z.number(), z.boolean()], {
  error: (issue) => `attribute ${String(issue.path?.at(-1) ?? '')} must be a string, a number or true/false`,
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
