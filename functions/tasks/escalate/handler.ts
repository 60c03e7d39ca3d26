import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { TaskEscalated } from '../../../events/task-escalated';
import { eventBridge } from '../../../shared/aws';
import { nowIso } from '../../../shared/clock';
import { ConfigurationError } from '../../../shared/env';
import { NotFoundError } from '../../../shared/errors';
import { logger } from '../../../shared/logger';
import { taskHandler } from '../../../shared/handlers/task';
import { StepInput } from '../spec';
import { taskEnv, tasks } from '../task-env';

function busName(): string {
  const name = taskEnv().EVENT_BUS_NAME;
  if (!name) throw new ConfigurationError('Environment is incomplete: EVENT_BUS_NAME (the escalation event needs the bus)');
  return name;
}

/**
 * Runs when a human task's SLA passes: moves it to the escalation role one level up and lets the
 * flow wait again, or, past the last level, expires it so the flow takes its default branch.
 */
export const handler = taskHandler(StepInput, async ({ executionArn, stepId, spec }) => {
  const repository = tasks();
  const task = await repository.findByStep(executionArn, stepId);
  if (!task) throw new NotFoundError(`no task for step ${stepId} of ${executionArn}`);
  // A retried invocation finds its own work done: answer as the first one did.
  if (task.status === 'expired' || task.status === 'completed') return { exhausted: true, escalationLevel: task.escalationLevel, taskId: task.taskId, slaSeconds: 0 };
  if (task.history.at(-1)?.type === 'escalated') {
    return { exhausted: false, escalationLevel: task.escalationLevel, taskId: task.taskId, slaSeconds: spec.escalation?.slaSeconds ?? spec.slaSeconds };
  }
  const now = nowIso();
  const maxLevels = spec.escalation?.maxLevels ?? 0;
  if (!spec.escalation || task.escalationLevel >= maxLevels) {
    await repository.expireForGood(task.taskId, `no decision within ${task.escalationLevel + 1} SLA period(s)`, now);
    logger.warn('task expired; the flow takes its default branch', { taskId: task.taskId, kind: task.kind, escalationLevel: task.escalationLevel });
    return { exhausted: true, escalationLevel: task.escalationLevel, taskId: task.taskId, slaSeconds: 0 };
  }
  const slaSeconds = spec.escalation.slaSeconds;
  const escalated = await repository.escalate(task.taskId, { role: spec.escalation.role, now, slaSeconds });
  await eventBridge().send(
    new PutEventsCommand({
      Entries: [
        TaskEscalated.entry(
          {
            taskId: escalated.taskId,
            kind: escalated.kind,
            flow: escalated.flow,
            businessKey: escalated.businessKey,
            escalationLevel: escalated.escalationLevel,
            role: escalated.role,
            dueAt: escalated.dueAt,
            escalatedAt: now,
          },
          busName(),
        ),
      ],
    }),
  );
  logger.info('task escalated', { taskId: escalated.taskId, kind: escalated.kind, escalationLevel: escalated.escalationLevel, role: escalated.role });
  return { exhausted: false, escalationLevel: escalated.escalationLevel, taskId: escalated.taskId, slaSeconds };
});
