import { CallbackCompleted } from '../../../events/callback-completed';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { Callbacks } from '../../../shared/records/callbacks';
import { CallbackState } from '../state';

/** Closes the callback record with its outcome (once) and gives the flow its result and the CallbackCompleted detail. */
export const handler = taskHandler(CallbackState, async (state) => {
  const { callback } = state;
  const outcome = state.outcome ?? 'unreachable';
  const satisfaction = outcome === 'reached' ? (state.call?.data?.satisfaction as number | undefined) : undefined;
  const badReview = outcome === 'reached' && state.call?.data?.badReview === true;
  const completedAt = nowIso();
  await new Callbacks().complete(callback.callbackId, {
    status: outcome,
    attempts: callback.attempt,
    ...(satisfaction ? { satisfaction } : {}),
    ...(badReview ? { badReview, followUp: state.followUp?.outcome } : {}),
    completedAt,
  });
  const result = {
    callbackId: callback.callbackId,
    memberId: callback.memberId,
    reason: callback.reason,
    outcome,
    attempts: callback.attempt,
    ...(satisfaction ? { satisfaction } : {}),
    ...(badReview ? { badReview, followUp: state.followUp?.outcome } : {}),
  };
  const completed = CallbackCompleted.parse({ ...result, completedAt });
  return { result, completed };
});
