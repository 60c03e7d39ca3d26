import { RefundPaid } from '../../../events/refund-paid';
import { HOUR, nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { notify } from '../../../shared/notifications/send';
import { paymentProvider } from '../../../shared/payments/configured-provider';
import { Coupons } from '../../../shared/records/coupons';
import { RefundLedger } from '../../../shared/records/refund-payments';
import { refundPolicy } from '../policy';
import { RefundState } from '../state';

/**
 * Pays the refund exactly once (ledger keyed by the refund id, the provider called with the same
 * key), gives the quality coupon once, and tells the customer.
 */
export const handler = taskHandler(RefundState, async (state) => {
  const now = nowIso();
  const amountFen = state.assessment.refundFen;
  const payment =
    amountFen > 0
      ? await new RefundLedger().payOnce({
          key: state.refundId,
          orderId: state.orderId,
          amountFen,
          reason: `refund ${state.refundId} (${state.reason})`,
          provider: paymentProvider(),
          now,
        })
      : undefined;
  const couponFen = state.assessment.couponFen;
  if (couponFen > 0) {
    await new Coupons().grantOnce(state.memberId, state.refundId, { kind: 'quality', amountFen: couponFen, reason: 'quality issue', issuedAt: now });
  }
  if (payment) await notify({ key: state.refundId, type: 'refund-issued', recipient: { memberId: state.memberId }, data: { amountFen: payment.paidFen, ...(couponFen ? { couponFen } : {}) } });
  const late = state.returned ? Date.parse(now) - Date.parse(state.returned.receivedAt) > refundPolicy.payWithinHours * HOUR : false;
  return {
    paidFen: payment?.paidFen ?? 0,
    couponFen,
    ...(payment ? { providerRefundId: payment.providerRefundId } : {}),
    paidAt: now,
    late,
    ...(payment
      ? {
          announcement: RefundPaid.parse({
            refundId: state.refundId,
            orderId: state.orderId,
            memberId: state.memberId,
            paidFen: payment.paidFen,
            providerRefundId: payment.providerRefundId,
            paidAt: now,
          }),
        }
      : {}),
  };
});
