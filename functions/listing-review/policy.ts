import type { Category, QualificationType } from '../../events/listing-submitted';
import type { Role } from '../../shared/roles';

/**
 * The numbers of the listing-review flow (business rules §1). Values marked **default** are ours,
 * not the source documents': change them here, not in the flow. The banned words are data too,
 * in `banned-words.json` next to this file.
 */

/** What a listing of one category must bring, beyond what every listing needs. */
export interface CategoryRequirements {
  /** Qualification types the listing must carry, each present and not expired at `now`. */
  readonly qualifications: readonly QualificationType[];
  /** Keys of `attributes` (the parameter table) that must hold a non-blank text or a number. */
  readonly attributes: readonly string[];
}

export interface ListingReviewPolicy {
  /** The category tree: a category not listed here is CATEGORY_UNKNOWN. */
  readonly categories: Readonly<Record<Category, CategoryRequirements>>;
  /** An inspection report is accepted up to and including this many days after `issuedAt`. */
  readonly inspectionReportMaxAgeDays: number;

  /** Title length bounds, inclusive, in Unicode code points (see `titleLength`). */
  readonly titleMinChars: number;
  readonly titleMaxChars: number;
  /** A title needs at least this many segments (see `titleSegments`). */
  readonly titleMinSegments: number;

  /** Every image must measure at least this many pixels wide and high (and be square). */
  readonly imageMinSidePx: number;
  /** A pixel is white when every channel (and, for PNG, alpha) is at least this, on 0–255. */
  readonly whiteChannelMin: number;
  /** The background is white when at least this share of the border pixels is white, in percent. */
  readonly whiteBorderMinPercent: number;
  /** The border is this percentage of the shorter side deep on every side (at least 1 pixel). */
  readonly borderDepthPercent: number;
  /** Images above this many megapixels are not decoded (IMAGE_UNREADABLE): they would not fit in memory. */
  readonly maxDecodeMegapixels: number;

  /** The inventory-accuracy review is needed when a SKU has more stock than this, or is presale. */
  readonly inventoryReviewStockAbove: number;
  /** Each people review (compliance, then inventory) is due within this many hours … */
  readonly reviewSlaHours: number;
  /** … and then escalates to this role. */
  readonly reviewEscalationRole: Role;
  /** A rejected listing waits this many days for a new revision, then ends as abandoned. */
  readonly resubmissionWaitDays: number;
  /** A published SKU with no sale after this many days is slow-moving. */
  readonly slowMovingAfterDays: number;
  /** The merchandiser decides on a slow-moving SKU within this many days … */
  readonly slowMovingDecisionDays: number;
  /** … else this decision is taken. */
  readonly slowMovingDefaultDecision: 'keep';
  /** A slow-moving discount is a whole percentage off in this range, inclusive. */
  readonly discountPercentMin: number;
  readonly discountPercentMax: number;
}

/** The parameter table of goods that need no special licence (001 §一(一)2: size, material, weight). */
const parameterTable = Object.freeze(['size', 'material', 'weight']);

export const listingReviewPolicy: ListingReviewPolicy = Object.freeze({
  // §1 (001 §一(二)1): the five categories of the tree. What each needs (001 §一(一)2):
  // food a production licence (SC) and an inspection report; cosmetics a filing certificate;
  // electronics a CCC certificate; apparel and general goods a parameter table. Which categories
  // need the inspection report is ours (**default**): food only, as 001 names it for food.
  categories: Object.freeze({
    food: Object.freeze({ qualifications: Object.freeze(['production-licence', 'inspection-report'] as const), attributes: Object.freeze([]) }),
    cosmetics: Object.freeze({ qualifications: Object.freeze(['cosmetics-filing'] as const), attributes: Object.freeze([]) }),
    electronics: Object.freeze({ qualifications: Object.freeze(['ccc-certificate'] as const), attributes: Object.freeze([]) }),
    apparel: Object.freeze({ qualifications: Object.freeze([]), attributes: parameterTable }),
    general: Object.freeze({ qualifications: Object.freeze([]), attributes: parameterTable }),
  }),
  // §1 (001 §一(一)2): a "recent" inspection report, read as at most 180 days (**default**);
  // exactly 180 days after issue is still accepted.
  inspectionReportMaxAgeDays: 180,

  // §1 (001 §一(二)2): the title has a length range (**default**: 10–60 characters).
  titleMinChars: 10,
  titleMaxChars: 60,
  // §1 (001 §一(二)2): core word + attribute word + scenario word, read as at least 3 segments
  // (the segment reading is ours, **default**).
  titleMinSegments: 3,

  // §1 (001 §一(二)2): the main image at least 800 × 800 px, square, on white. Holding every image
  // to it, not only the main one (images[0]), is ours (**default**).
  imageMinSidePx: 800,
  // How "white" is measured is ours (**default**): every channel ≥ 245 (JPEG compression leaves
  // 250–255 on a pure white ground; a light grey such as #F0F0F0 = 240 is not white) …
  whiteChannelMin: 245,
  // … on at least 98 % of the border pixels (room for a product touching the edge and for noise) …
  whiteBorderMinPercent: 98,
  // … in a border 2 % of the shorter side deep (16 px on 800 px), so a thin white frame drawn
  // around a coloured photo does not pass as a white background.
  borderDepthPercent: 2,
  // Decoding takes about 4 bytes per pixel: 50 MP is 200 MB, within a Lambda function's memory (**default**).
  maxDecodeMegapixels: 50,

  // §1 (003 §1.2, inventory-accuracy review): the trigger is ours (**default**): any SKU above 1,000 units, or presale.
  inventoryReviewStockAbove: 1_000,
  // §1: each review task has an SLA (**default**: 24 hours), then ops-lead (**default**).
  reviewSlaHours: 24,
  reviewEscalationRole: 'ops-lead',
  // §1 (001 §一(二)3): the seller fixes and resubmits; waiting 14 days, then abandoned, is ours (**default**).
  resubmissionWaitDays: 14,
  // §1 (001 §一(三)): no sale 7 days after publishing.
  slowMovingAfterDays: 7,
  // §1: nobody decides on a slow-moving SKU within 3 days → keep it (**default**, both).
  slowMovingDecisionDays: 3,
  slowMovingDefaultDecision: 'keep',
  // §1 (001 §一(三)): the merchandiser may discount; 1–90 % off (**default**: the range).
  discountPercentMin: 1,
  discountPercentMax: 90,
});
