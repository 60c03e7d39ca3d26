import type { ListingSubmittedDetail, QualificationType } from '../../events/listing-submitted';
import { DAY } from '../../shared/clock';
import { formatYuan } from '../../shared/money';
import { findBannedWords, type BannedWords } from './banned-words';
import type { Measurement } from './image';
import type { CategoryRequirements, ListingReviewPolicy } from './policy';

// Pure listing-review rules (business rules §1): no I/O and no clock of their own, so every check
// can be replayed from its input. The caller reads the images and passes what they measure.

export type Listing = ListingSubmittedDetail;

/**
 * Every code a check reports (public contract: sellers and ops see them). `reasonCodes` is also
 * the order of the checks, and so of the reasons: the listing's sections top to bottom.
 */
export const reasonCodes = [
  'CATEGORY_UNKNOWN',
  'QUALIFICATION_MISSING',
  'QUALIFICATION_EXPIRED',
  'BRAND_NOT_AUTHORISED',
  'ATTRIBUTE_MISSING',
  'TITLE_LENGTH',
  'TITLE_STRUCTURE',
  'BANNED_WORD',
  'NO_IMAGES',
  'IMAGE_UNREADABLE',
  'IMAGE_TOO_SMALL',
  'IMAGE_NOT_SQUARE',
  'IMAGE_BACKGROUND',
  'IMAGE_MISMATCH',
  'NO_SKUS',
  'SKU_DUPLICATE',
  'SKU_PRICE',
  'SKU_STOCK',
  'SKU_PRESALE_SHIP_BY',
] as const;
export type ReasonCode = (typeof reasonCodes)[number];

/** What triggers each code, for people (ops pages, the seller help text). */
export const reasonDescriptions: Readonly<Record<ReasonCode, string>> = Object.freeze({
  CATEGORY_UNKNOWN: 'the category is not in the category tree',
  QUALIFICATION_MISSING: 'a qualification the category requires is not attached',
  QUALIFICATION_EXPIRED: 'an attached qualification has expired, or an inspection report is too old',
  BRAND_NOT_AUTHORISED: 'a branded listing is not marked as authorised or has no brand authorisation attached',
  ATTRIBUTE_MISSING: 'an attribute of the parameter table the category requires (size, material, weight) is missing or blank',
  TITLE_LENGTH: 'the title is too short or too long',
  TITLE_STRUCTURE: 'the title has too few segments (core word, attribute word, scenario word)',
  BANNED_WORD: 'the title or description contains a word advertising law bans',
  NO_IMAGES: 'the listing has no image',
  IMAGE_UNREADABLE: 'an image could not be read (not in the platform bucket, not a PNG or JPEG, or corrupt)',
  IMAGE_TOO_SMALL: 'an image is smaller than the minimum size',
  IMAGE_NOT_SQUARE: 'an image is not square',
  IMAGE_BACKGROUND: 'an image does not have a white background',
  IMAGE_MISMATCH: "an image's declared width, height or background differs from what it measures",
  NO_SKUS: 'the listing has no SKU',
  SKU_DUPLICATE: 'two SKUs have the same skuId',
  SKU_PRICE: 'a SKU price is not above zero',
  SKU_STOCK: 'a SKU stock is negative',
  SKU_PRESALE_SHIP_BY: 'a presale SKU has no ship-by date, or one that has passed',
});

/** One failed check, in words the seller can act on; `field` is the path in the listing. */
export interface Reason {
  code: ReasonCode;
  field: string;
  message: string;
}

export interface ListingCheck {
  passed: boolean;
  reasons: Reason[];
}

/** What the caller measured of each image, by its index in `images`; `error` when it could not. */
export type MeasuredImage = Measurement | { error: string };
export type MeasuredImages = ReadonlyMap<number, MeasuredImage>;

export interface CheckOptions {
  now: string | Date;
  measured: MeasuredImages;
  policy: ListingReviewPolicy;
  bannedWords: BannedWords;
}

/**
 * Runs every automatic check of business rules §1 and reports every failure, not just the first.
 * Reasons come in the order of `reasonCodes`' sections (category, qualifications, brand,
 * attributes, title, banned words, images, SKUs) and, within a section, in the listing's order:
 * the same listing always gives the same reasons in the same order.
 */
export function checkListing(listing: Listing, options: CheckOptions): ListingCheck {
  const { policy, now } = options;
  const reasons = [
    ...checkCategory(listing.category, policy),
    ...checkQualifications(listing, now, policy),
    ...checkBrand(listing),
    ...checkAttributes(listing, policy),
    ...checkTitle(listing.title, policy),
    ...checkBannedWords(listing, options.bannedWords),
    ...checkImages(listing.images, options.measured, policy),
    ...checkSkus(listing.skus, now),
  ];
  return { passed: reasons.length === 0, reasons };
}

// ——— Category and qualifications ————————————————————————————————————————————————————————————

/** The category's requirements; undefined when the category is not in the tree. */
export function categoryRequirements(category: string, policy: Pick<ListingReviewPolicy, 'categories'>): CategoryRequirements | undefined {
  return Object.hasOwn(policy.categories, category) ? policy.categories[category as keyof typeof policy.categories] : undefined;
}

export function checkCategory(category: string, policy: Pick<ListingReviewPolicy, 'categories'>): Reason[] {
  if (categoryRequirements(category, policy)) return [];
  return [
    {
      code: 'CATEGORY_UNKNOWN',
      field: 'category',
      message: `category ${JSON.stringify(category)} is not in the category tree; choose one of ${Object.keys(policy.categories).join(', ')}`,
    },
  ];
}

const qualificationNames: Record<QualificationType, string> = {
  'production-licence': 'a production licence',
  'inspection-report': 'an inspection report',
  'cosmetics-filing': 'a cosmetics filing certificate',
  'ccc-certificate': 'a CCC certificate',
  'brand-authorisation': 'a brand authorisation',
};

const article = (category: string) => (/^[aeiou]/.test(category) ? `an ${category}` : `a ${category}`);

/**
 * The qualifications (business rules §1, 001 §一(一)2):
 * - each type the category requires must be attached (QUALIFICATION_MISSING, field `qualifications`);
 *   an unknown category requires nothing here (CATEGORY_UNKNOWN says why);
 * - every attached document, required or not, must be valid at `now` (QUALIFICATION_EXPIRED):
 *   `expiresAt` at or before `now` has expired (a document is not valid at the instant it expires),
 *   and an inspection report is too old more than `inspectionReportMaxAgeDays` × 24 h after `issuedAt`.
 * A required type whose only documents have expired is reported as expired, not also as missing.
 */
export function checkQualifications(
  listing: Pick<Listing, 'category' | 'qualifications'>,
  nowIso: string | Date,
  policy: Pick<ListingReviewPolicy, 'categories' | 'inspectionReportMaxAgeDays'>,
): Reason[] {
  const now = toMs(nowIso, 'now');
  const reasons: Reason[] = [];
  for (const type of categoryRequirements(listing.category, policy)?.qualifications ?? []) {
    if (!listing.qualifications.some((q) => q.type === type)) {
      reasons.push({
        code: 'QUALIFICATION_MISSING',
        field: 'qualifications',
        message: `${article(listing.category)} listing needs ${qualificationNames[type]} (qualification type ${type})`,
      });
    }
  }
  listing.qualifications.forEach((q, i) => {
    const what = `${qualificationNames[q.type] ?? q.type} ${q.number}`.replace(/^an? /, 'the ');
    if (q.expiresAt !== undefined && toMs(q.expiresAt, `qualifications[${i}].expiresAt`) <= now) {
      reasons.push({ code: 'QUALIFICATION_EXPIRED', field: `qualifications[${i}].expiresAt`, message: `${what} expired at ${q.expiresAt}; attach a valid one` });
    }
    if (q.type === 'inspection-report') {
      const ageMs = now - toMs(q.issuedAt, `qualifications[${i}].issuedAt`);
      if (ageMs > policy.inspectionReportMaxAgeDays * DAY) {
        reasons.push({
          code: 'QUALIFICATION_EXPIRED',
          field: `qualifications[${i}].issuedAt`,
          message: `${what} was issued at ${q.issuedAt}, ${Math.floor(ageMs / DAY)} days ago; inspection reports are accepted for ${policy.inspectionReportMaxAgeDays} days, attach a recent one`,
        });
      }
    }
  });
  return reasons;
}

/**
 * A listing with a `brand` must say the seller is authorised (`brand.authorized === true`) and
 * attach a brand authorisation; both failures are BRAND_NOT_AUTHORISED. An attached but expired
 * authorisation is QUALIFICATION_EXPIRED (from `checkQualifications`), not this.
 */
export function checkBrand(listing: Pick<Listing, 'brand' | 'qualifications'>): Reason[] {
  const { brand } = listing;
  if (!brand) return [];
  const reasons: Reason[] = [];
  if (brand.authorized !== true) {
    reasons.push({ code: 'BRAND_NOT_AUTHORISED', field: 'brand.authorized', message: `the seller is not authorised to sell brand ${brand.name}; only authorised sellers may list a brand` });
  }
  if (!listing.qualifications.some((q) => q.type === 'brand-authorisation')) {
    reasons.push({
      code: 'BRAND_NOT_AUTHORISED',
      field: 'qualifications',
      message: `brand ${brand.name} needs ${qualificationNames['brand-authorisation']} (qualification type brand-authorisation)`,
    });
  }
  return reasons;
}

/** An attribute is filled in when it is a text that is not blank, or a finite number (not true/false). */
const filledIn = (value: unknown) => (typeof value === 'string' ? value.trim().length > 0 : typeof value === 'number' && Number.isFinite(value));

/** The parameter table the category requires (apparel, general: size, material, weight): ATTRIBUTE_MISSING per key. */
export function checkAttributes(listing: Pick<Listing, 'category' | 'attributes'>, policy: Pick<ListingReviewPolicy, 'categories'>): Reason[] {
  return (categoryRequirements(listing.category, policy)?.attributes ?? [])
    .filter((key) => !filledIn(Object.hasOwn(listing.attributes, key) ? listing.attributes[key] : undefined))
    .map((key) => ({
      code: 'ATTRIBUTE_MISSING' as const,
      field: `attributes.${key}`,
      message: `${article(listing.category)} listing gives its ${key} in attributes.${key} (a text or a number)`,
    }));
}

// ——— Title ——————————————————————————————————————————————————————————————————————————————————

/** Invisible format characters (zero-width space and joiners, BOM, …): they count for nothing. */
const INVISIBLE = /\p{Cf}/gu;

/**
 * What separates the segments of a title: white space of any kind (including the ideographic
 * space U+3000) and these ASCII and CJK separators, full-width forms included:
 * `/ \ | , ; : ! ? + _ ~ · • ・ 、 ， 。 ； ： ！ ？ ｜ ／ ＼ ＋ ＿ ～ ( ) [ ] { } （ ） 【 】 《 》 〈 〉 「 」 『 』 〔 〕 ｛ ｝ " ' “ ” ‘ ’`.
 * Hyphens and dots are not separators (T-shirt, 2.5kg, No.1 stay one segment).
 */
const SEPARATORS = /[\s/\\|,;:!?+_~·•・、，。；：！？｜／＼＋＿～()[\]{}（）【】《》〈〉「」『』〔〕｛｝"'“”‘’]+/u;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** The title as it is counted: invisible characters removed, runs of white space as one space, trimmed. */
const cleanTitle = (title: string) => title.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();

/** The title's length in Unicode code points (an emoji or a rare CJK character is one), of `cleanTitle`. */
export function titleLength(title: string): number {
  return [...cleanTitle(title)].length;
}

/** The title split on `SEPARATORS`; a piece with no letter or digit (e.g. a lone `-`) is no segment. */
export function titleSegments(title: string): string[] {
  return cleanTitle(title)
    .split(SEPARATORS)
    .filter((segment) => HAS_LETTER_OR_DIGIT.test(segment));
}

/** Title length (TITLE_LENGTH) and structure (TITLE_STRUCTURE), both reported when both fail. */
export function checkTitle(title: string, policy: Pick<ListingReviewPolicy, 'titleMinChars' | 'titleMaxChars' | 'titleMinSegments'>): Reason[] {
  const reasons: Reason[] = [];
  const length = titleLength(title);
  if (length < policy.titleMinChars || length > policy.titleMaxChars) {
    reasons.push({
      code: 'TITLE_LENGTH',
      field: 'title',
      message: `the title has ${length} characters; it must have ${policy.titleMinChars} to ${policy.titleMaxChars}`,
    });
  }
  const segments = titleSegments(title);
  if (segments.length < policy.titleMinSegments) {
    reasons.push({
      code: 'TITLE_STRUCTURE',
      field: 'title',
      message:
        `the title has ${segments.length} segment${segments.length === 1 ? '' : 's'}${segments.length ? ` (${segments.join(' | ')})` : ''}; ` +
        `it needs at least ${policy.titleMinSegments} (a core word, an attribute word and a scenario word) separated by spaces or punctuation such as / | ,`,
    });
  }
  return reasons;
}

// ——— Banned words ——————————————————————————————————————————————————————————————————————————

/** BANNED_WORD for every banned word found in the title, then in the description (groups applying to the category). */
export function checkBannedWords(listing: Pick<Listing, 'title' | 'description' | 'category'>, bannedWords: BannedWords): Reason[] {
  return (['title', 'description'] as const).flatMap((field) =>
    findBannedWords(listing[field], bannedWords, listing.category).map((match) => ({
      code: 'BANNED_WORD' as const,
      field,
      message:
        `the ${field} contains ${JSON.stringify(match.found)}: ${JSON.stringify(match.word)} is banned as ${match.groupName}; remove or rephrase it`,
    })),
  );
}

// ——— Images ————————————————————————————————————————————————————————————————————————————————

/**
 * Is a declared background white? `white`, or a CSS hex colour (#RGB, #RGBA, #RRGGBB, #RRGGBBAA;
 * any case, spaces around ignored) whose every channel, alpha included, is at least
 * `whiteChannelMin`: the rule the pixels are measured by. So #FFFFFF, #FFF and white are white,
 * #FAFAFA is too, and #F0F0F0, `ivory` or `transparent` are not.
 */
export function declaredWhite(background: string, policy: Pick<ListingReviewPolicy, 'whiteChannelMin'>): boolean {
  const value = background.trim().toLowerCase();
  if (value === 'white') return true;
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(value)?.[1];
  if (!hex) return false;
  const channels = hex.length <= 4 ? [...hex].map((d) => parseInt(d + d, 16)) : (hex.match(/../g) ?? []).map((d) => parseInt(d, 16));
  return channels.every((channel) => channel >= policy.whiteChannelMin);
}

type ImagePolicy = Pick<ListingReviewPolicy, 'imageMinSidePx' | 'whiteChannelMin' | 'whiteBorderMinPercent'>;

/**
 * Every image (not only the main one, images[0]) against what it measures:
 * NO_IMAGES without any; IMAGE_UNREADABLE when there is no measurement or it failed (the message
 * says why); else IMAGE_TOO_SMALL (either side below `imageMinSidePx`), IMAGE_NOT_SQUARE (width ≠
 * height, to the pixel), IMAGE_BACKGROUND (measured not white) and IMAGE_MISMATCH for each declared
 * width, height or background (white or not, see `declaredWhite`) the pixels contradict.
 * Size, shape and background are judged on the measurement, never on what the seller declared.
 */
export function checkImages(declared: Listing['images'], measured: MeasuredImages, policy: ImagePolicy): Reason[] {
  if (!declared.length) return [{ code: 'NO_IMAGES', field: 'images', message: 'the listing has no image; add a main image (images[0])' }];
  return declared.flatMap((image, i) => {
    const field = `images[${i}]`;
    const m = measured.get(i);
    if (!m) return [{ code: 'IMAGE_UNREADABLE' as const, field, message: `${field} (${image.url}) was not read; submit the listing again` }];
    if ('error' in m) return [{ code: 'IMAGE_UNREADABLE' as const, field, message: `${field} (${image.url}) could not be read: ${m.error}` }];
    const reasons: Reason[] = [];
    const size = `${m.width}×${m.height} px`;
    const min = policy.imageMinSidePx;
    if (m.width < min || m.height < min) reasons.push({ code: 'IMAGE_TOO_SMALL', field, message: `${field} is ${size}; images must be at least ${min}×${min} px` });
    if (m.width !== m.height) reasons.push({ code: 'IMAGE_NOT_SQUARE', field, message: `${field} is ${size}; images must be square` });
    const white = m.background === 'white';
    if (!white) {
      reasons.push({
        code: 'IMAGE_BACKGROUND',
        field,
        message: `${field} does not have a white background: its border is ${m.backgroundHex}, ${m.whiteBorderPercent} % white (at least ${policy.whiteBorderMinPercent} % of the border must be white)`,
      });
    }
    for (const side of ['width', 'height'] as const) {
      if (image[side] !== m[side]) {
        reasons.push({ code: 'IMAGE_MISMATCH', field: `${field}.${side}`, message: `${field} declares a ${side} of ${image[side]} px, but the image is ${m[side]} px ${side === 'width' ? 'wide' : 'high'}` });
      }
    }
    if (declaredWhite(image.background, policy) !== white) {
      reasons.push({
        code: 'IMAGE_MISMATCH',
        field: `${field}.background`,
        message: `${field} declares the background ${JSON.stringify(image.background)} (${white ? 'not white' : 'white'}), but the image's border is ${white ? 'white' : 'not white'} (${m.backgroundHex})`,
      });
    }
    return reasons;
  });
}

// ——— SKUs ——————————————————————————————————————————————————————————————————————————————————

/**
 * NO_SKUS without any; per SKU: SKU_DUPLICATE (a skuId used by an earlier SKU), SKU_PRICE (price
 * not above 0), SKU_STOCK (stock below 0), SKU_PRESALE_SHIP_BY (presale without `shipBy`, or with a
 * `shipBy` at or before `now`).
 */
export function checkSkus(skus: Listing['skus'], nowIso: string | Date): Reason[] {
  const now = toMs(nowIso, 'now');
  if (!skus.length) return [{ code: 'NO_SKUS', field: 'skus', message: 'the listing has no SKU; add at least one' }];
  const seen = new Set<string>();
  return skus.flatMap((sku, i) => {
    const reasons: Reason[] = [];
    if (seen.has(sku.skuId)) reasons.push({ code: 'SKU_DUPLICATE', field: `skus[${i}].skuId`, message: `${sku.skuId} is listed twice; every SKU needs its own skuId` });
    seen.add(sku.skuId);
    if (!(sku.priceFen > 0)) reasons.push({ code: 'SKU_PRICE', field: `skus[${i}].priceFen`, message: `${sku.skuId} costs ${formatYuan(sku.priceFen)}; the price must be above zero` });
    if (sku.stock < 0) reasons.push({ code: 'SKU_STOCK', field: `skus[${i}].stock`, message: `${sku.skuId} has a stock of ${sku.stock}; stock cannot be negative` });
    if (sku.presale === true) {
      if (sku.shipBy === undefined) {
        reasons.push({ code: 'SKU_PRESALE_SHIP_BY', field: `skus[${i}].shipBy`, message: `${sku.skuId} is presale; give the date it ships by (shipBy)` });
      } else if (toMs(sku.shipBy, `skus[${i}].shipBy`) <= now) {
        reasons.push({ code: 'SKU_PRESALE_SHIP_BY', field: `skus[${i}].shipBy`, message: `${sku.skuId} is presale with a ship-by date of ${sku.shipBy}, which has passed; give a future date` });
      }
    }
    return reasons;
  });
}

// ——— What the flow needs besides the checks —————————————————————————————————————————————————

/** The inventory-accuracy review (003 §1.2) is needed when any SKU has more stock than the limit, or is presale. */
export function needsInventoryReview(listing: Pick<Listing, 'skus'>, policy: Pick<ListingReviewPolicy, 'inventoryReviewStockAbove'>): boolean {
  return listing.skus.some((sku) => sku.stock > policy.inventoryReviewStockAbove || sku.presale === true);
}

/** `true`, `1` and the text `true` (any case, spaces around ignored) are yes; anything else, or nothing, is no. */
const yes = (value: unknown) => value === true || value === 1 || (typeof value === 'string' && value.trim().toLowerCase() === 'true');

/** The catalog flags the published SKUs carry (refunds exclude fresh and custom-made goods); false unless the listing says so. */
export function catalogAttributes(listing: Pick<Listing, 'attributes'>): { fresh: boolean; customMade: boolean } {
  const { attributes } = listing;
  return {
    fresh: yes(Object.hasOwn(attributes, 'fresh') ? attributes.fresh : undefined),
    customMade: yes(Object.hasOwn(attributes, 'customMade') ? attributes.customMade : undefined),
  };
}

/** A slow-moving discount is a whole percentage within the bounds, inclusive. */
export function discountAllowed(percentOff: number, policy: Pick<ListingReviewPolicy, 'discountPercentMin' | 'discountPercentMax'>): boolean {
  return Number.isInteger(percentOff) && percentOff >= policy.discountPercentMin && percentOff <= policy.discountPercentMax;
}

function toMs(value: string | Date, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${field} must be an ISO-8601 time, got ${String(value)}`);
  return ms;
}
