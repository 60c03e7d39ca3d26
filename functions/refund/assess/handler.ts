import { RefundRequestedDetail } from '../../../events/refund-requested';
import { CalendarRangeError } from '../../../shared/calendar/calendar';
import { DAY, nowIso, nowMs } from '../../../shared/clock';
import { logger } from '../../../shared/logger';
import { taskHandler } from '../../../shared/handlers/task';
import { Catalog } from '../../../shared/records/catalog';
import { OrderRecords } from '../../../shared/records/orders';
import { RefundCases } from '../../../shared/records/refund-cases';
import { refundPolicy } from '../policy';
import { assessRefund, caseOverdueAt, type PriorRefund, type RecordedOrder } from '../rules';

/**
 * Looks the request up against the order as recorded (lines paid, delivery time), the member's
 * refunds of the last 90 days and what this order already got back, and applies §4's rules.
 */
/**
 * The case's deadline in working days. Past the business calendar's data (next year's holidays not
 * announced or not added yet) the deadline is unknown, not guessed: the case opens without one,
 * says why, and the refund goes on; the SLA report cannot call it breached until someone adds the year.
 */
function caseDeadline(openedAt: string): { closeBy: string } | { deadlineUnknown: string } {
  try {
    return { closeBy: caseOverdueAt(openedAt, refundPolicy) };
  } catch (error) {
    if (!(error instanceof CalendarRangeError)) throw error;
    logger.warn('refund case deadline unknown', { openedAt, error: error.message });
    return { deadlineUnknown: error.message };
  }
}

export const handler = taskHandler(RefundRequestedDetail, async (request) => {
  const orders = new OrderRecords();
  const cases = new RefundCases();
  const order = await orders.get(request.orderId);
  const since = new Date(nowMs() - refundPolicy.refundHistoryWindowDays * DAY).toISOString();
  const priorRefunds: PriorRefund[] = (await cases.memberRefundsSince(request.memberId, since))
    .filter((item) => item.refundId !== request.refundId && item.decision)
    .map((item) => ({ refundId: item.refundId, requestedAt: item.requestedAt, decision: item.decision!, paidFen: item.paidFen ?? 0 }));
  const alreadyRefunded = await orders.refundedLinesExcept(request.orderId, request.refundId);
  const assessment = assessRefund({
    request,
    order: order?.lines ? (order as RecordedOrder) : undefined,
    catalog: await new Catalog().entries(request.lines.map((line) => line.skuId)),
    priorRefunds,
    alreadyRefunded,
    now: nowIso(),
    policy: refundPolicy,
  });
  const openedAt = nowIso();
  await cases.open(request, { assessment, openedAt, ...caseDeadline(openedAt) });
  return assessment;
});
