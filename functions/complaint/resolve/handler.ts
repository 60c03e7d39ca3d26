import { AftersalesCompleted } from '../../../events/aftersales-completed';
import { RefundRequested } from '../../../events/refund-requested';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { notify } from '../../../shared/notifications/send';
import { Coupons } from '../../../shared/records/coupons';
import { OrderRecords } from '../../../shared/records/orders';
import { complaintPolicy } from '../policy';
import { ComplaintState } from '../state';

/**
 * Carries out what customer service decided: a reship with a 10-yuan red packet and the follow-up
 * carrying the tracking number, or a refund request that goes through the refund flow's rules
 * and approvals, or nothing more. Each effect is written once per complaint.
 */
export const handler = taskHandler(ComplaintState, async (state) => {
  const now = nowIso();
  const outcome = state.response?.outcome ?? 'resolved-other';
  let refundRequest: unknown;
  const result: Record<string, unknown> = { resolution: outcome, apologised: true, redPacketFen: 0, decidedBy: state.response?.decidedBy };

  if (outcome === 'reship') {
    const { carrier, trackingNumber } = (state.response?.data ?? {}) as { carrier: string; trackingNumber: string };
    await new OrderRecords().requestReship(state.orderId, state.complaintId, { carrier, trackingNumber, requestedAt: now });
    await new Coupons().grantOnce(state.memberId, state.complaintId, { kind: 'red-packet', amountFen: complaintPolicy.redPacketFen, reason: 'complaint red packet', issuedAt: now });
    await notify({ key: state.complaintId, type: 'complaint-follow-up', recipient: { memberId: state.memberId }, data: { carrier, trackingNumber, couponFen: complaintPolicy.redPacketFen } });
    Object.assign(result, { redPacketFen: complaintPolicy.redPacketFen, carrier, trackingNumber });
  }
  if (outcome === 'refund') {
    const order = await new OrderRecords().get(state.orderId);
    const lines = (order?.lines ?? []).map((l) => ({ skuId: l.skuId, quantity: l.quantity, amountFen: l.quantity * l.unitPriceFen }));
    const refundId = `CMP-${state.complaintId}`;
    // No recorded order: the refund flow rejects it with UNKNOWN_ORDER, visibly, rather than this step failing.
    refundRequest = RefundRequested.parse({
      refundId,
      orderId: state.orderId,
      memberId: state.memberId,
      kind: 'refund-only',
      reason: 'quality',
      lines: lines.length ? lines : [{ skuId: 'UNKNOWN', quantity: 1, amountFen: 0 }],
      requestedAt: now,
    });
    result.refundId = refundId;
  }
  const completed = AftersalesCompleted.parse({ caseId: state.complaintId, kind: 'complaint', orderId: state.orderId, memberId: state.memberId, outcome, completedAt: now });
  return { result, completed, ...(refundRequest ? { refundRequest } : {}) };
});
