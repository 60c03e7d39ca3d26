import { RefundDecided } from '../../../events/refund-decided';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { OrderRecords } from '../../../shared/records/orders';
import { RefundCases } from '../../../shared/records/refund-cases';
import { RefundState } from '../state';

/**
 * The decision on the request, from the assessment and the approvers' answers: every approval
 * asked for must say approve. Recorded with who decided, and announced as RefundDecided.
 */
export const handler = taskHandler(RefundState, async (state) => {
  const answers = [state.approval, state.secondApproval].filter((a) => a !== undefined);
  const rejectedBy = answers.find((a) => a.outcome !== 'approve');
  const auto = answers.length === 0;
  const approved = auto ? state.assessment.verdict === 'auto-approve' : !rejectedBy;
  const reasons = [...state.assessment.reasons, ...(rejectedBy ? ['REJECTED_BY_APPROVER'] : [])];
  const approvedBy = answers.filter((a) => a.outcome === 'approve' && a.decidedBy !== 'system').map((a) => a.decidedBy);
  const decision = { decision: approved ? ('approved' as const) : ('rejected' as const), auto, reasons, approvedBy, ...(rejectedBy?.reason ? { rejection: rejectedBy.reason } : {}) };
  const decidedAt = nowIso();
  await new RefundCases().recordDecision(state.refundId, { decision: decision.decision, decidedAt, approvedBy, lines: state.lines });
  // What this order has given back so far, for later requests on it (exchanges return no money).
  if (approved && state.kind !== 'exchange') {
    await new OrderRecords().recordRefunded(state.orderId, { refundId: state.refundId, lines: state.lines, decidedAt });
  }
  const announcement = RefundDecided.parse({
    refundId: state.refundId,
    orderId: state.orderId,
    memberId: state.memberId,
    decision: decision.decision,
    auto,
    reasons,
    approvedBy,
    refundFen: approved ? state.assessment.refundFen : 0,
    decidedAt,
  });
  return { ...decision, announcement };
});
