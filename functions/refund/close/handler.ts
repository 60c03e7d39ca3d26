import { AftersalesCompleted } from '../../../events/aftersales-completed';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { OrderRecords } from '../../../shared/records/orders';
import { RefundCases } from '../../../shared/records/refund-cases';
import { RefundState } from '../state';

/**
 * Closes the case: the flow's result (decision, reasons, approvers, what was paid), an exchange's
 * reshipment when the goods passed inspection, and AftersalesCompleted for the member callback.
 */
export const handler = taskHandler(RefundState, async (state) => {
  const now = nowIso();
  const inspectionFailed = state.inspection !== undefined && state.inspection.outcome !== 'pass';
  const notReturned = state.decision?.decision === 'approved' && state.kind !== 'refund-only' && !state.returned;
  const approved = state.decision?.decision === 'approved' && !inspectionFailed && !notReturned;
  const reasons = [...(state.decision?.reasons ?? state.assessment.reasons), ...(inspectionFailed ? ['INSPECTION_FAILED'] : []), ...(notReturned ? ['GOODS_NOT_RETURNED'] : [])];
  if (approved && state.kind === 'exchange') {
    await new OrderRecords().requestReship(state.orderId, state.refundId, { lines: state.lines, requestedAt: now });
  }
  const result = {
    decision: approved ? ('approved' as const) : ('rejected' as const),
    auto: state.decision?.auto ?? true,
    reasons,
    explanation: state.assessment.explanation,
    approvedBy: state.decision?.approvedBy ?? [],
    paidFen: state.payment?.paidFen ?? 0,
    couponFen: state.payment?.couponFen ?? 0,
    sellerPaysShipping: approved && state.assessment.sellerPaysShipping,
    ...(state.kind === 'exchange' && approved ? { reshipped: true } : {}),
  };
  await new RefundCases().close(state.refundId, { result, decision: result.decision, paidFen: result.paidFen, closedAt: now });
  const announcement = AftersalesCompleted.parse({
    caseId: state.refundId,
    kind: 'refund',
    orderId: state.orderId,
    memberId: state.memberId,
    outcome: result.decision,
    completedAt: now,
  });
  return { result, announcement };
});
