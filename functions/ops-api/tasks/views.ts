import type { TaskRecord } from '../../../shared/tasks/model';
import type { TaskDetail, TaskSummary } from '../schemas';

/** What the API shows of a task. Built field by field, so the stored token can never slip out. */
export function toSummary(task: TaskRecord): TaskSummary {
  return {
    taskId: task.taskId,
    kind: task.kind,
    flow: task.flow,
    businessKey: task.businessKey,
    summary: task.summary,
    role: task.role,
    status: task.status,
    dueAt: task.dueAt,
    escalationLevel: task.escalationLevel,
    ...(task.claimedBy ? { claimedBy: task.claimedBy } : {}),
  };
}

export function toDetail(task: TaskRecord): TaskDetail {
  return {
    ...toSummary(task),
    allowedOutcomes: task.outcomes.map((o) => ({
      name: o.name,
      ...(o.reasonRequired ? { reasonRequired: true } : {}),
      ...(o.dataSchema ? { dataSchema: o.dataSchema } : {}),
    })),
    history: task.history,
    ...(task.decision
      ? {
          decision: {
            outcome: task.decision.outcome,
            ...(task.decision.reason ? { reason: task.decision.reason } : {}),
            ...(task.decision.data ? { data: task.decision.data } : {}),
            decidedBy: task.decision.decidedBy,
            decidedAt: task.decision.decidedAt,
          },
        }
      : {}),
  };
}
