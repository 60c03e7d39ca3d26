import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { notify } from '../../../shared/notifications/send';
import { paymentProvider } from '../../../shared/payments/configured-provider';
import { InventoryRepository } from '../../../shared/records/inventory';
import { OrderRecords } from '../../../shared/records/orders';
import { RefundLedger } from '../../../shared/records/refund-payments';
import { stockOutPolicy } from '../policy';
import { cancellationReason, unservedAmountFen } from '../rules';
import { StockOutState } from '../state';

/**
 * Cancels the lines nobody could serve and refunds them in full, with no approval (business rules
 * §3). The refund is keyed by the order, so retries and redrives pay it once.
 */
export const handler = taskHandler(StockOutState, async (state) => {
  const inventory = new InventoryRepository();
  for (const line of state.unservedLines) await inventory.leaveWaitlist(state.orderId, line.skuId, state.placedAt);
  const released = await inventory.release(state.orderId);
  const amountFen = unservedAmountFen(state.lines, state.unservedLines);
  const payment = await new RefundLedger().payOnce({
    key: `stock-out-${state.orderId}`,
    orderId: state.orderId,
    amountFen,
    reason: 'stock-out: line cancelled',
    provider: paymentProvider(),
    now: nowIso(),
  });
  await new OrderRecords().recordCancellation(state.orderId, { lines: state.unservedLines, refundedFen: amountFen, providerRefundId: payment.providerRefundId, at: nowIso() });
  await notify({ key: state.orderId, type: 'refund-issued', recipient: { memberId: state.memberId }, data: { amountFen } });
  return {
    resolution: 'cancelled-refunded',
    refundedFen: payment.paidFen,
    releasedUnits: released.reduce((sum, a) => sum + a.quantity, 0),
    reason: cancellationReason(state.contact, stockOutPolicy),
  };
});
