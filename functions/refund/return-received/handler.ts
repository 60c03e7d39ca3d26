import { ReturnReceivedDetail } from '../../../events/return-received';
import { eventHandler } from '../../../shared/handlers/event';
import { logger } from '../../../shared/logger';
import { RefundCases } from '../../../shared/records/refund-cases';
import { resumeFlow } from '../../../shared/resume-flow';

/** ReturnReceived → the receipt (first one counts), and the waiting refund flow resumes. */
export const handler = eventHandler(ReturnReceivedDetail, async ({ refundId, receivedAt }) => {
  const cases = new RefundCases();
  const counted = await cases.recordReturn(refundId, receivedAt);
  const taskToken = await cases.returnWaitToken(refundId);
  // Not waiting yet (the flow finds the receipt itself), resumed already, or no longer waiting.
  if (!taskToken || !(await resumeFlow(taskToken, { receivedAt: counted }))) return { resumed: false };
  logger.info('return received', { refundId });
  return { resumed: true };
});
