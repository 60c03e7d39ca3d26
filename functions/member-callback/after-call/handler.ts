import { businessCalendar } from '../../../shared/calendar';
import { taskHandler } from '../../../shared/handlers/task';
import { Callbacks } from '../../../shared/records/callbacks';
import { callbackPolicy } from '../policy';
import { afterCall, callSummary, followUpSummary, type CallDecision } from '../rules';
import { CallbackState } from '../state';

/**
 * After a call was decided (or the day's hours ran out, which counts as unreachable): counts the
 * attempt, then plans the next attempt, the review follow-up, or the end.
 */
export const handler = taskHandler(CallbackState, async (state) => {
  const { callback } = state;
  await new Callbacks().countAttempt(callback.callbackId, callback.attempt);
  const decision = { outcome: state.call?.outcome ?? 'unreachable', data: state.call?.data } as CallDecision;
  const next = afterCall(decision, callback, businessCalendar, callbackPolicy);
  if (next.next === 'retry') {
    const summary = callSummary(callback.memberId, callback.tier, callback.callbackId, next.attempt.attempt, callbackPolicy);
    return { ...state, callback: { ...callback, ...next.attempt, summary }, next: 'retry' };
  }
  const followUp = next.next === 'follow-up' ? { followUpSummary: followUpSummary(callback.memberId, callback.callbackId, decision.data?.satisfaction) } : {};
  return { ...state, next: next.next, outcome: next.outcome, ...followUp };
});
