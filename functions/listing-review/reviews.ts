import type { Review } from '../../shared/records/listings';
import type { ListingState, Reason } from './state';

// Pure: what the people's reviews of a revision say, for its record and for the seller.

/** The human review steps of the flow, in the order they happen, with the state field each lands in. */
export const REVIEW_STEPS = [
  { kind: 'listing-compliance-review', field: 'compliance' },
  { kind: 'listing-inventory-review', field: 'inventory' },
] as const;

/** The reviews this revision received, oldest first. */
export function reviewsOf(state: Pick<ListingState, 'compliance' | 'inventory'>, at: string): Review[] {
  return REVIEW_STEPS.flatMap(({ kind, field }) => {
    const decision = state[field];
    if (!decision) return [];
    return [{ kind, outcome: decision.outcome, ...(decision.reason ? { reason: decision.reason } : {}), decidedBy: decision.decidedBy, decidedAt: decision.decidedAt ?? at }];
  });
}

/** Why the revision is rejected: the failed checks, or the reviewer's reason (the seller sees the same shape). */
export function rejectionReasons(state: Pick<ListingState, 'check' | 'compliance' | 'inventory'>, at: string): Reason[] {
  if (state.check && !state.check.passed) return state.check.reasons;
  const rejection = reviewsOf(state, at).find((review) => review.outcome !== 'approve');
  if (!rejection) throw new Error('the revision was neither failed by its checks nor rejected by a reviewer');
  const who = rejection.decidedBy === 'system' ? 'nobody reviewed it in time' : `rejected by ${rejection.kind === 'listing-compliance-review' ? 'compliance' : 'inventory'} review`;
  return [{ code: 'REVIEW_REJECTED', field: 'listing', message: `${who}: ${rejection.reason ?? 'no reason given'}` }];
}
