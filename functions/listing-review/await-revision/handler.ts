import * as z from 'zod';
import { taskHandler } from '../../../shared/handlers/task';
import { Listings } from '../../../shared/records/listings';
import { resumeFlow } from '../../../shared/resume-flow';

const Input = z.object({ taskToken: z.string().min(1), listingId: z.string().min(1), after: z.number().int().positive() });

/**
 * Waits for the seller's next revision. It may have arrived already (the seller was quick, or
 * events came out of order): each side writes, then reads the other's record, so whichever comes
 * second resumes the flow, with the newest revision as its new state.
 */
export const handler = taskHandler(Input, async ({ taskToken, listingId, after }) => {
  const listings = new Listings();
  await listings.awaitRevision(listingId, after, taskToken);
  const newer = await listings.newestAfter(listingId, after);
  if (newer && (await resumeFlow(taskToken, newer.listing))) await listings.endRevisionWait(listingId, taskToken);
  return { waiting: !newer };
});
