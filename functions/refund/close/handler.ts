import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AftersalesCompleted } from '../../../events/aftersales-completed';
import { documents } from '../../../shared/aws';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { recordsTable } from '../../order-routing/records';
import { RefundState, refundKey } from '../state';

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
    await documents().send(
      new PutCommand({
        TableName: recordsTable(),
        Item: { pk: `ORDER#${state.orderId}`, sk: `RESHIP#${state.refundId}`, lines: state.lines, requestedAt: now },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ).catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
  }
  const result = {
    decision: approved ? 'approved' : 'rejected',
    auto: state.decision?.auto ?? true,
    reasons,
    explanation: state.assessment.explanation,
    approvedBy: state.decision?.approvedBy ?? [],
    paidFen: state.payment?.paidFen ?? 0,
    couponFen: state.payment?.couponFen ?? 0,
    sellerPaysShipping: approved && state.assessment.sellerPaysShipping,
    ...(state.kind === 'exchange' && approved ? { reshipped: true } : {}),
  };
  await documents().send(
    new UpdateCommand({
      TableName: recordsTable(),
      Key: refundKey(state.refundId),
      UpdateExpression: 'SET #result = :result, closedAt = :at, #decision = :decision, paidFen = :paid REMOVE gsi2pk, gsi2sk',
      ExpressionAttributeNames: { '#result': 'result', '#decision': 'decision' },
      ExpressionAttributeValues: { ':result': result, ':at': now, ':decision': result.decision, ':paid': result.paidFen },
    }),
  );
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
