import * as z from 'zod';
import { businessCalendar } from '../../../shared/calendar';
import { taskHandler } from '../../../shared/handlers/task';
import { logger } from '../../../shared/logger';
import { Callbacks } from '../../../shared/records/callbacks';
import { Members } from '../../../shared/records/members';
import { callbackPolicy } from '../policy';
import { CALLBACK_ID_PREFIX, callSummary, dueAtOf, firstAttempt, reasonOf, type CallbackCause } from '../rules';

/** What the triggers pass: the cause's fields (OrderPlaced's or AftersalesCompleted's) and the derived callbackId. */
const Cause = z.union([
  z.object({ callbackId: z.string().min(1), memberId: z.string().min(1), orderId: z.string().min(1), placedAt: z.string(), totalFen: z.number() }),
  z.object({
    callbackId: z.string().min(1),
    memberId: z.string().min(1),
    orderId: z.string().min(1),
    caseId: z.string().min(1),
    kind: z.enum(['refund', 'complaint']),
    outcome: z.string(),
    completedAt: z.string(),
  }),
]);

/**
 * Plans the callback from its cause: when it is due, moved into callback hours (business
 * calendar), and the inbox line. Opens the callback record once, counted in the week it is due.
 */
export const handler = taskHandler(Cause, async (input) => {
  const cause = input as CallbackCause;
  const dueAt = dueAtOf(cause, callbackPolicy);
  if (!dueAt) return { skipped: `no callback is due for ${cause.callbackId}` };
  const reason = reasonOf(cause.callbackId);
  const attempt = firstAttempt(dueAt, businessCalendar);
  const tier = (await new Members().profile(cause.memberId))?.tier ?? 'regular';
  const callback = {
    callbackId: cause.callbackId,
    memberId: cause.memberId,
    reason,
    subjectId: cause.callbackId.slice(CALLBACK_ID_PREFIX[reason].length),
    dueAt: attempt.opensAt,
    tier,
    summary: callSummary(cause.memberId, tier, cause.callbackId, attempt.attempt, callbackPolicy),
    ...attempt,
  };
  await new Callbacks().open({ callbackId: callback.callbackId, memberId: callback.memberId, reason, dueAt: callback.dueAt });
  logger.info('callback planned', { callbackId: callback.callbackId, opensAt: callback.opensAt });
  return { callback };
});
