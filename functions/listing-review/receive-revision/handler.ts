import { ListingSubmittedDetail } from '../../../events/listing-submitted';
import { nowIso } from '../../../shared/clock';
import { eventHandler } from '../../../shared/handlers/event';
import { logger } from '../../../shared/logger';
import { Listings } from '../../../shared/records/listings';
import { resumeFlow } from '../../../shared/resume-flow';

/**
 * ListingSubmitted → the revision is kept; when the listing's flow waits for a revision newer than
 * the one it rejected, this one resumes it. (The first revision starts the flow through its trigger.)
 */
export const handler = eventHandler(ListingSubmittedDetail, async (listing) => {
  const listings = new Listings();
  const kept = await listings.keepRevision(listing, nowIso());
  const wait = await listings.revisionWaitBefore(listing.listingId, listing.revision);
  if (!wait) return { kept, resumed: false };
  // Resume with the newest revision, which may be newer still than this event's.
  const newest = (await listings.newestAfter(listing.listingId, wait.after)) ?? { listing };
  const resumed = await resumeFlow(wait.taskToken, newest.listing);
  await listings.endRevisionWait(listing.listingId, wait.taskToken);
  logger.info('listing revision received', { listingId: listing.listingId, revision: listing.revision, resumed });
  return { kept, resumed };
});
