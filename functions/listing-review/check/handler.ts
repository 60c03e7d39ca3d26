import { GetObjectCommand } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { s3 } from '../../../shared/aws-s3';
import { nowIso } from '../../../shared/clock';
import { defineEnv } from '../../../shared/env';
import { TransientError } from '../../../shared/errors';
import { taskHandler } from '../../../shared/handlers/task';
import { Listings } from '../../../shared/records/listings';
import { loadBannedWords } from '../banned-words';
import { ImageUnreadableError, imageLocation, measureImage } from '../image';
import { listingReviewPolicy } from '../policy';
import { checkListing, needsInventoryReview, type MeasuredImage } from '../rules';
import { ListingState } from '../state';

const env = defineEnv(z.object({ LISTING_IMAGES_BUCKET: z.string().min(1) }));
/** Loaded once per cold start: the list is data shipped with the function. */
const bannedWords = loadBannedWords();

/**
 * Runs every automatic check on the revision. Images are measured from their bytes in the
 * platform's bucket, never taken at the seller's word; one that cannot be read is a reason, not a
 * failure of the step.
 */
export const handler = taskHandler(ListingState, async (listing) => {
  const now = nowIso();
  const listings = new Listings();
  await listings.keepRevision(listing, now);
  await listings.setStatus(listing.listingId, { status: 'checking', revision: listing.revision, at: now, sellerId: listing.sellerId });
  const measured = new Map<number, MeasuredImage>();
  for (const [index, image] of listing.images.entries()) measured.set(index, await measure(image.url));
  const { passed, reasons } = checkListing(listing, { now, measured, policy: listingReviewPolicy, bannedWords });
  // A failed revision stays `checking` until the rejection is recorded (the next step).
  if (passed) await listings.setStatus(listing.listingId, { status: 'in-review', revision: listing.revision, at: now });
  return { passed, reasons, needsInventoryReview: needsInventoryReview(listing, listingReviewPolicy) };
});

async function measure(url: string): Promise<MeasuredImage> {
  const location = imageLocation(url, env().LISTING_IMAGES_BUCKET);
  if (!location.ok) return { error: location.reason };
  let bytes: Uint8Array;
  try {
    const object = await s3().send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    bytes = await object.Body!.transformToByteArray();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NoSuchKey' || name === 'NotFound' || name === 'AccessDenied') return { error: `no image at ${url} (${name})` };
    throw new TransientError(`could not read ${url}; try again`, { cause: error });
  }
  try {
    return measureImage(bytes, listingReviewPolicy);
  } catch (error) {
    if (error instanceof ImageUnreadableError) return { error: error.message };
    throw error;
  }
}
