import * as z from 'zod';
import { nowIso } from '../../../shared/clock';
import { logger } from '../../../shared/logger';
import { taskHandler } from '../../../shared/handlers/task';
import { StepInput } from '../spec';
import { tasks } from '../task-env';

const Input = StepInput.extend({ taskToken: z.string().min(1) });

/**
 * The `.waitForTaskToken` step of a human task: opens the task (or, after an escalation, gives it
 * the new token) and returns; the flow waits until the ops API completes the task.
 */
export const handler = taskHandler(Input, async ({ executionArn, stepId, spec, taskToken }) => {
  const task = await tasks().openOrReopen({ executionArn, stepId, spec, taskToken, now: nowIso() });
  logger.info('task waiting for a decision', { taskId: task.taskId, kind: task.kind, businessKey: task.businessKey, escalationLevel: task.escalationLevel });
  return { taskId: task.taskId };
});
