import { RefundPaidDetail } from '../../../events/refund-paid';
import { eventHandler } from '../../../shared/handlers/event';
import { Members } from '../../../shared/records/members';

/** RefundPaid → the member record: each refund paid counted once (the member view shows the last 12 months'). */
export const handler = eventHandler(RefundPaidDetail, async (refund) => {
  const counted = await new Members().recordRefund(refund.memberId, { refundId: refund.refundId, paidFen: refund.paidFen, paidAt: refund.paidAt });
  return { counted };
});
