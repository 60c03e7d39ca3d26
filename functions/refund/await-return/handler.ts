import * as z from 'zod';
import { taskHandler } from '../../../shared/handlers/task';
import { RefundCases } from '../../../shared/records/refund-cases';
import { resumeFlow } from '../../../shared/resume-flow';

const Input = z.object({ taskToken: z.string().min(1), refundId: z.string().min(1) });

/**
 * Waits for ReturnReceived. The goods may have arrived before the flow got here: the receipt is
 * recorded by the event's handler, and this step finds it. Each side writes, then reads the
 * other's record, so whichever comes second resumes the flow.
 */
export const handler = taskHandler(Input, async ({ taskToken, refundId }) => {
  const cases = new RefundCases();
  await cases.awaitReturn(refundId, taskToken);
  const receivedAt = await cases.returnReceivedAt(refundId);
  if (receivedAt) await resumeFlow(taskToken, { receivedAt });
  return { waiting: !receivedAt };
});
