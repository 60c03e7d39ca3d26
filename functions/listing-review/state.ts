import * as z from 'zod';
import { ListingSubmittedDetail } from '../../events/listing-submitted';

const Decision = z.looseObject({ outcome: z.string(), reason: z.string().optional(), decidedBy: z.string(), decidedAt: z.string().optional() });
const Reason = z.object({ code: z.string(), field: z.string(), message: z.string() });

/** The listing-review flow's state: the revision under review (ListingSubmitted's detail) plus what each step added. */
export const ListingState = ListingSubmittedDetail.extend({
  check: z.looseObject({ passed: z.boolean(), reasons: z.array(Reason), needsInventoryReview: z.boolean() }).optional(),
  compliance: Decision.optional(),
  inventory: Decision.optional(),
});
export type ListingState = z.infer<typeof ListingState>;
export type Reason = z.infer<typeof Reason>;
