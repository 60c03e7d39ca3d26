/**
 * Prepares a deployed definition for the in-process engine without changing what it does.
 *
 * The engine sleeps on real timers for Wait states and task timeouts, and knows nothing of
 * heartbeats. So every Wait becomes a Task served by the local platform that sleeps on the
 * virtual clock (same fields, same input and output), and every Task's TimeoutSeconds and
 * HeartbeatSeconds are taken out of the engine's hands and enforced by the local service on the
 * virtual clock. Paths (`TimeoutSecondsPath`, `SecondsPath`, ...) are passed to the local task
 * through its Parameters, so the engine still evaluates them against the state's input.
 */
export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::local:wait';

/** Backstop the engine keeps on every task; the real limits live on the virtual clock. */
const ENGINE_TASK_TIMEOUT_SECONDS = 2_000_000;

/** Key under which the local task receives the original Parameters when paths are passed along. */
export const PAYLOAD_KEY = '__payload';
export const LOCAL_KEY = '__local';

export interface TaskSpec {
  stateName: string;
  /** `Wait` for rewritten Wait states. */
  originalType: 'Task' | 'Wait';
  resource: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** True when the local task receives `{__payload, __local}` instead of the plain payload. */
  wrapped: boolean;
}

export interface LocalDefinition {
  definition: Record<string, any>;
  tasks: Map<string, TaskSpec>;
  timeoutSeconds?: number;
}

export function prepareDefinition(original: Record<string, any>): LocalDefinition {
  const definition = structuredClone(original);
  const tasks = new Map<string, TaskSpec>();
  const timeoutSeconds = definition.TimeoutSeconds;
  delete definition.TimeoutSeconds;
  rewriteStates(definition, tasks);
  return { definition, tasks, timeoutSeconds };
}

function rewriteStates(machine: Record<string, any>, tasks: Map<string, TaskSpec>): void {
  for (const [name, state] of Object.entries<Record<string, any>>(machine.States ?? {})) {
    // `ResultPath: "$"` means "the result replaces the input", as when it is absent; the engine
    // would instead write the result under a key named `$`.
    if (state.ResultPath === '$') delete state.ResultPath;
    for (const catcher of state.Catch ?? []) if (catcher.ResultPath === '$') delete catcher.ResultPath;
    if (state.Type === 'Task') rewriteTask(name, state, tasks);
    else if (state.Type === 'Wait') machine.States[name] = rewriteWait(name, state, tasks);
    for (const branch of state.Branches ?? []) rewriteStates(branch, tasks);
    if (state.ItemProcessor) rewriteStates(state.ItemProcessor, tasks);
    if (state.Iterator) rewriteStates(state.Iterator, tasks);
  }
}

function rewriteTask(name: string, state: Record<string, any>, tasks: Map<string, TaskSpec>): void {
  const local: Record<string, string> = {};
  if (state.TimeoutSecondsPath) local['timeoutSeconds.$'] = state.TimeoutSecondsPath;
  if (state.HeartbeatSecondsPath) local['heartbeatSeconds.$'] = state.HeartbeatSecondsPath;
  const wrapped = Object.keys(local).length > 0;
  if (wrapped) state.Parameters = { [LOCAL_KEY]: local, ...payloadTemplate(state) };
  tasks.set(name, {
    stateName: name,
    originalType: 'Task',
    resource: state.Resource,
    timeoutSeconds: state.TimeoutSeconds,
    heartbeatSeconds: state.HeartbeatSeconds,
    wrapped,
  });
  delete state.TimeoutSecondsPath;
  delete state.HeartbeatSeconds;
  delete state.HeartbeatSecondsPath;
  state.TimeoutSeconds = ENGINE_TASK_TIMEOUT_SECONDS;
}

function payloadTemplate(state: Record<string, any>): Record<string, unknown> {
  return 'Parameters' in state ? { [PAYLOAD_KEY]: state.Parameters } : { [`${PAYLOAD_KEY}.$`]: '$' };
}

function rewriteWait(name: string, state: Record<string, any>, tasks: Map<string, TaskSpec>): Record<string, any> {
  const { Seconds, Timestamp, SecondsPath, TimestampPath, Type: _type, ...rest } = state;
  const local: Record<string, unknown> = {};
  if (Seconds !== undefined) local.seconds = Seconds;
  if (Timestamp !== undefined) local.timestamp = Timestamp;
  if (SecondsPath !== undefined) local['seconds.$'] = SecondsPath;
  if (TimestampPath !== undefined) local['timestamp.$'] = TimestampPath;
  tasks.set(name, { stateName: name, originalType: 'Wait', resource: LOCAL_WAIT_RESOURCE, wrapped: true });
  // A Wait's output is its (InputPath-filtered) input: the local task hands the input back.
  return {
    ...rest,
    Type: 'Task',
    Resource: LOCAL_WAIT_RESOURCE,
    Parameters: { [LOCAL_KEY]: local, [`${PAYLOAD_KEY}.$`]: '$' },
    TimeoutSeconds: ENGINE_TASK_TIMEOUT_SECONDS,
  };
}
