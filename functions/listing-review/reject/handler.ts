import { ListingRejected } from '../../../events/listing-rejected';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { Listings } from '../../../shared/records/listings';
import { rejectionReasons, reviewsOf } from '../reviews';
import { ListingState } from '../state';

/** The revision is rejected (by its checks or a reviewer): kept with every reason, and announced to the seller. */
export const handler = taskHandler(ListingState, async (state) => {
  const now = nowIso();
  const reasons = rejectionReasons(state, now);
  const listings = new Listings();
  await listings.recordOutcome(state.listingId, state.revision, { outcome: 'rejected', reasons, reviews: reviewsOf(state, now) });
  await listings.setStatus(state.listingId, { status: 'rejected', revision: state.revision, at: now });
  return { reasons, announcement: ListingRejected.parse({ listingId: state.listingId, revision: state.revision, reasons, rejectedAt: now }) };
});
