import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../../shared/aws';
import { nowIso } from '../../../shared/clock';
import { taskHandler } from '../../../shared/handlers/task';
import { InventoryRepository } from '../../../shared/inventory/repository';
import { notify } from '../../../shared/notifications/send';
import { paymentProvider } from '../../../shared/payments/configured-provider';
import { RefundLedger } from '../../../shared/records/refund-payments';
import { recordsTable } from '../../order-routing/records';
import { StockOutState, unservedAmountFen } from '../state';

/**
 * Cancels the lines nobody could serve and refunds them in full, with no approval (business rules
 * §3). The refund is keyed by the order, so retries and redrives pay it once.
 */
export const handler = taskHandler(StockOutState, async (state) => {
  const repository = new InventoryRepository({ table: recordsTable() });
  for (const line of state.unservedLines) await repository.leaveWaitlist(state.orderId, line.skuId, state.placedAt);
  const released = await repository.release(state.orderId);
  const amountFen = unservedAmountFen(state);
  const payment = await new RefundLedger().payOnce({
    key: `stock-out-${state.orderId}`,
    orderId: state.orderId,
    amountFen,
    reason: 'stock-out: line cancelled',
    provider: paymentProvider(),
    now: nowIso(),
  });
  await documents().send(
    new PutCommand({
      TableName: recordsTable(),
      Item: { pk: `ORDER#${state.orderId}`, sk: 'CANCELLATION', lines: state.unservedLines, refundedFen: amountFen, providerRefundId: payment.providerRefundId, at: nowIso() },
    }),
  );
  await notify({ key: state.orderId, type: 'refund-issued', recipient: { memberId: state.memberId }, data: { amountFen } });
  return {
    resolution: 'cancelled-refunded',
    refundedFen: payment.paidFen,
    releasedUnits: released.reduce((sum, a) => sum + a.quantity, 0),
    reason: state.contact?.outcome === 'cancel' && state.contact.decidedBy !== 'system' ? 'the customer cancelled' : 'no decision within 48 hours',
  };
});
