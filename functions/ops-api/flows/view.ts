import type { FlowInstance } from '../../../shared/records/flow-instances';
import type { FlowView } from '../schemas';

interface Described {
  status?: string;
  startDate?: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
}

interface HistoryEvent {
  type?: string;
  timestamp?: Date;
  stateEnteredEventDetails?: { name?: string };
  stateExitedEventDetails?: { name?: string };
}

/**
 * Where a flow instance stands, from its execution and history: the steps entered and exited in
 * order, the step it is in now, and its final output once it has one.
 */
export function flowView(flow: string, businessKey: string, execution: Described, history: HistoryEvent[]): FlowView {
  const steps: FlowView['steps'] = [];
  for (const event of history) {
    const at = event.timestamp?.toISOString();
    if (!at) continue;
    if (event.type?.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
      steps.push({ name: event.stateEnteredEventDetails.name, enteredAt: at });
    } else if (event.type?.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
      const name = event.stateExitedEventDetails.name;
      const open = steps.findLast((s) => s.name === name && s.exitedAt === undefined);
      if (open) open.exitedAt = at;
    }
  }
  const status = (execution.status ?? 'RUNNING') as FlowView['status'];
  const current = status === 'RUNNING' ? steps.findLast((s) => s.exitedAt === undefined) : undefined;
  return {
    flow,
    businessKey,
    status,
    ...(current ? { currentStep: current.name } : {}),
    startedAt: (execution.startDate ?? new Date(0)).toISOString(),
    ...(execution.stopDate ? { stoppedAt: execution.stopDate.toISOString() } : {}),
    steps,
    ...(execution.output !== undefined ? { result: JSON.parse(execution.output) } : {}),
    ...(execution.error ? { error: execution.error } : {}),
  };
}

/** Where an instance of a self-recording (EXPRESS) flow stands, from its record: the same view. */
export function recordedView(instance: FlowInstance): Omit<FlowView, 'flow' | 'businessKey'> {
  const current = instance.status === 'RUNNING' ? instance.steps.findLast((s) => s.exitedAt === undefined) : undefined;
  return {
    status: instance.status,
    ...(current ? { currentStep: current.name } : {}),
    startedAt: instance.startedAt,
    ...(instance.stoppedAt ? { stoppedAt: instance.stoppedAt } : {}),
    steps: instance.steps,
    ...(instance.result !== undefined ? { result: instance.result } : {}),
    ...(instance.error ? { error: instance.error } : {}),
  };
}
