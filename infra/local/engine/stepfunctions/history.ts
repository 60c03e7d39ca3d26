import type { LocalStateMachine } from '../model';
import type { TaskSpec } from './definition';

/** One event of GetExecutionHistory, in the API's shape (timestamps in epoch seconds). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

interface EngineEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  index?: number;
}

/** `arn:aws:states:::lambda:invoke.waitForTaskToken` → resourceType `lambda`, resource `invoke.waitForTaskToken`. */
export function resourceParts(resource: string): { resourceType: string; resource: string } {
  const match = /^arn:aws:states:::([^:]+):(.+)$/.exec(resource);
  if (match) return { resourceType: match[1], resource: match[2] };
  return { resourceType: 'lambda', resource };
}

/**
 * The history of one execution. State events come from the engine's event stream; task events
 * from the local service. The engine's events arrive a little later than they happen, so task
 * events of a state the stream has not shown as entered yet wait for it, keeping AWS's order.
 */
export class ExecutionHistory {
  private readonly list: HistoryEvent[] = [];
  private readonly entered = new Set<string>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly now: () => number) {}

  events(includeData: boolean): HistoryEvent[] {
    if (includeData) return this.list;
    return this.list.map((event) => JSON.parse(JSON.stringify(event, (key, value) => (['input', 'output', 'parameters'].includes(key) ? undefined : value))));
  }

  /** Steps as entered and exited, for flow lookups: `[{name, enteredAt, exitedAt?}]`. */
  steps(): Array<{ name: string; enteredAt: number; exitedAt?: number }> {
    const steps: Array<{ name: string; enteredAt: number; exitedAt?: number }> = [];
    for (const event of this.list) {
      const details = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails) as { name: string } | undefined;
      if (!details) continue;
      if (event.type.endsWith('StateEntered')) steps.push({ name: details.name, enteredAt: event.timestamp });
      else {
        const open = [...steps].reverse().find((s) => s.name === details.name && s.exitedAt === undefined);
        if (open) open.exitedAt = event.timestamp;
      }
    }
    return steps;
  }

  executionStarted(input: string, machine: LocalStateMachine): void {
    this.add('ExecutionStarted', {
      executionStartedEventDetails: {
        input,
        inputDetails: { truncated: false },
        roleArn: `arn:aws:iam::000000000000:role/${machine.name}`,
        stateMachineArn: machine.arn,
      },
    });
  }

  /** A redrive: the history goes on after this event, from the state the execution did not finish. */
  executionRedriven(redriveCount: number): void {
    this.entered.clear();
    this.waiting.clear();
    this.add('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount } });
  }

  /**
   * The last of the given (top-level) states that was entered and never exited, with the input
   * it was entered with: where a redrive resumes. Undefined when every entered state exited.
   */
  unfinishedState(stateNames: ReadonlySet<string>): { name: string; input: unknown } | undefined {
    const open = new Map<string, HistoryEvent>();
    let last: string | undefined;
    for (const event of this.list) {
      const entered = event.stateEnteredEventDetails as { name: string } | undefined;
      const exited = event.stateExitedEventDetails as { name: string } | undefined;
      if (entered && stateNames.has(entered.name)) {
        open.set(entered.name, event);
        last = entered.name;
      } else if (exited && stateNames.has(exited.name)) open.delete(exited.name);
    }
    if (!last || !open.has(last)) return undefined;
    const details = open.get(last)!.stateEnteredEventDetails as { input: string };
    return { name: last, input: JSON.parse(details.input) };
  }

  executionClosed(status: string, details: { output?: string; error?: string; cause?: string }): void {
    const type = { SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[status]!;
    const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    const body =
      status === 'SUCCEEDED'
        ? { output: details.output, outputDetails: { truncated: false } }
        : { ...(details.error !== undefined ? { error: details.error } : {}), ...(details.cause !== undefined ? { cause: details.cause } : {}) };
    this.add(type, { [key]: body });
  }

  fromEngine(event: EngineEvent, tasks: Map<string, TaskSpec>): void {
    const state = event.state;
    if (state && (event.type === 'StateEntered' || event.type === 'StateExited')) {
      const type = tasks.get(state.name)?.originalType ?? state.type;
      if (event.type === 'StateEntered') {
        this.add(`${type}StateEntered`, {
          stateEnteredEventDetails: { name: state.name, input: JSON.stringify(state.input ?? null), inputDetails: { truncated: false } },
        });
        this.entered.add(state.name);
        for (const release of this.waiting.get(state.name) ?? []) release();
        this.waiting.delete(state.name);
      } else {
        this.add(`${type}StateExited`, {
          stateExitedEventDetails: { name: state.name, output: JSON.stringify(state.output ?? null), outputDetails: { truncated: false } },
        });
        this.entered.delete(state.name);
      }
    } else if (event.type.startsWith('MapIteration') && event.parentState) {
      const key = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
      this.add(event.type, { [key]: { name: event.parentState.name, index: event.index } });
    }
  }

  /** Records the task events of one state run, in order, after the state's entry. */
  task(stateName: string, resource: { resourceType: string; resource: string }) {
    const add = (type: string, details: Record<string, unknown>) => {
      const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
      const record = () => this.add(type, { [key]: { ...resource, ...details } });
      if (this.entered.has(stateName)) record();
      else this.waiting.set(stateName, [...(this.waiting.get(stateName) ?? []), record]);
    };
    return {
      scheduled: (parameters: unknown, timeoutInSeconds?: number, heartbeatInSeconds?: number) => {
        add('TaskScheduled', {
          region: 'us-east-1',
          parameters: JSON.stringify(parameters ?? null),
          ...(timeoutInSeconds !== undefined ? { timeoutInSeconds } : {}),
          ...(heartbeatInSeconds !== undefined ? { heartbeatInSeconds } : {}),
        });
        add('TaskStarted', {});
      },
      submitted: () => add('TaskSubmitted', {}),
      succeeded: (output: unknown) => add('TaskSucceeded', { output: JSON.stringify(output ?? null), outputDetails: { truncated: false } }),
      failed: (error: string, cause: string) => add('TaskFailed', { error, cause }),
      timedOut: (error: string, cause: string) => add('TaskTimedOut', { error, cause }),
    };
  }

  private add(type: string, details: Record<string, unknown>): void {
    const id = this.list.length + 1;
    this.list.push({ timestamp: this.now() / 1000, type, id, previousEventId: id - 1, ...details });
  }
}
