import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RefundDecided } from '../../../events/refund-decided';
import { documents } from '../../../shared/aws';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { recordsTable } from '../../order-routing/records';
import { RefundState, refundKey } from '../state';

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
  await documents().send(
    new UpdateCommand({
      TableName: recordsTable(),
      Key: refundKey(state.refundId),
      UpdateExpression: 'SET #decision = :decision, #decidedAt = :at, #approvedBy = :by, #lines = :lines',
      ExpressionAttributeNames: { '#decision': 'decision', '#decidedAt': 'decidedAt', '#approvedBy': 'approvedBy', '#lines': 'lines' },
      ExpressionAttributeValues: { ':decision': decision.decision, ':at': decidedAt, ':by': approvedBy, ':lines': state.lines },
    }),
  );
  // What this order has given back so far, for later requests on it (exchanges return no money).
  if (approved && state.kind !== 'exchange') {
    await documents().send(
      new PutCommand({ TableName: recordsTable(), Item: { pk: `ORDER#${state.orderId}`, sk: `REFUNDED#${state.refundId}`, lines: state.lines, decidedAt } }),
    );
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
