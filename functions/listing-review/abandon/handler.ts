import * as z from 'zod';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { Listings } from '../../../shared/records/listings';

const Input = z.looseObject({ listingId: z.string().min(1), revision: z.number().int().positive(), rejection: z.object({ reasons: z.array(z.unknown()) }) });

/** No new revision within the wait after a rejection: the review ends as abandoned, with the last reasons. */
export const handler = taskHandler(Input, async ({ listingId, revision, rejection }) => {
  await new Listings().setStatus(listingId, { status: 'abandoned', revision, at: nowIso() });
  return { listingId, revision, status: 'abandoned', reasons: rejection.reasons, slowMoving: [] };
});
