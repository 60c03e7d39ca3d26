import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { Listings } from '../../../shared/records/listings';
import { reviewsOf } from '../reviews';
import { ListingState } from '../state';

/** Every review said approve: the revision is kept as approved; it is published now or at its `publishAt`. */
export const handler = taskHandler(ListingState, async (state) => {
  const now = nowIso();
  const listings = new Listings();
  await listings.recordOutcome(state.listingId, state.revision, { outcome: 'approved', reasons: [], reviews: reviewsOf(state, now) });
  const scheduled = state.publishAt !== undefined && state.publishAt > now;
  if (scheduled) await listings.setStatus(state.listingId, { status: 'scheduled', revision: state.revision, at: now, publishAt: state.publishAt });
  return { scheduled };
});
