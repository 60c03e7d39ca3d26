import { randomBytes, randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { AwsServiceError } from '../aws-error';
import type { VirtualClock } from '../clock';
import type { LocalStateMachine } from '../model';
import { LOCAL_KEY, PAYLOAD_KEY, prepareDefinition, type LocalDefinition, type TaskSpec } from './definition';
import { ExecutionHistory, resourceParts } from './history';
import { TaskFailure, callIntegration, parseResource, type IntegrationServices } from './integrations';
import { traceContext } from '../trace';

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface Machine {
  model: LocalStateMachine;
  prepared: LocalDefinition;
  engine: StateMachine;
  retryOverrides: Record<string, number>;
  /** Engines that start at a given top-level state, for redrives; built on first use. */
  redriveEngines: Map<string, StateMachine>;
}

interface Execution {
  arn: string;
  name: string;
  machine: Machine;
  input: string;
  status: Status;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  history: ExecutionHistory;
  controller: AbortController;
  abortEngine: () => void;
  /** What `$$.Task.Token` reads as in this run; each wait swaps it for a token of its own. */
  tokenPlaceholder: string;
  closed: Promise<void>;
  /** The engine's event stream has been read to its end. */
  eventsDrained: Promise<void>;
  redriveCount: number;
  redriveDate?: number;
  /** Client tokens of redrives made, so a retried RedriveExecution is not a second redrive. */
  redriveTokens: Set<string>;
  /** performance.now() at start and close: what Express bills is real duration. */
  realStart: number;
  realStop?: number;
}

/** One execution as a cost model sees it (see `executionTraces`). */
export interface ExecutionTrace {
  name: string;
  stateMachine: string;
  flow?: string;
  type: 'STANDARD' | 'EXPRESS';
  status: Status;
  /** Real milliseconds from start to close (undefined while running). */
  durationMs?: number;
  /** States entered, plus every retried attempt: what Standard bills as state transitions. */
  stateTransitions: number;
  historyEvents: number;
  /** The largest input, output or parameters any event of the history holds (bytes). */
  largestPayloadBytes: number;
  /** Task states run per integration (`lambda`, `dynamodb`, `events`, ...), retries included. */
  tasksByIntegration: Record<string, number>;
  /** How long each call of a service integration other than Lambda took (to its answer, or to the token being handed out). */
  integrationCallsMs: Array<{ resourceType: string; ms: number }>;
}

interface PendingTask {
  execution: Execution;
  settle?: { resolve(output: unknown): void; reject(error: Error): void };
  heartbeat?: () => void;
  state: 'waiting' | 'done' | 'timed-out';
}

const TIMED_OUT = Symbol('timed out');
const FINISHED = Symbol('finished');

/** Retries wait this long locally instead of their IntervalSeconds (the engine sleeps on real time). */
const LOCAL_RETRY_INTERVAL_MS = 10;
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_INPUT_BYTES = 256 * 1024;
/** AWS: an execution can be redriven within 14 days of its stop, at most 1,000 times. */
const REDRIVE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
const MAX_REDRIVES = 1000;
const REDRIVABLE: ReadonlySet<Status> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Step Functions, locally: the API (StartExecution ... ListStateMachines) over definitions run by
 * aws-local-stepfunctions, each built once, with service integrations, task tokens, timeouts and
 * heartbeats served here on the virtual clock.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tasks = new Map<string, PendingTask>();

  constructor(
    stateMachines: LocalStateMachine[],
    private readonly clock: VirtualClock,
    private readonly services: Omit<IntegrationServices, 'startExecution' | 'executionResult'>,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    for (const model of stateMachines) {
      const prepared = prepareDefinition(model.definition);
      const engine = new StateMachine(prepared.definition as never, { validationOptions: { checkArn: false } });
      const retryOverrides = Object.fromEntries(retryingStates(prepared.definition).map((name) => [name, LOCAL_RETRY_INTERVAL_MS]));
      this.machines.set(model.arn, { model, prepared, engine, retryOverrides, redriveEngines: new Map() });
    }
  }

  // ---- API ---------------------------------------------------------------------------------

  async StartExecution(request: { stateMachineArn: string; name?: string; input?: string }) {
    const machine = this.machine(request.stateMachineArn);
    const name = request.name ?? randomBytes(16).toString('hex');
    if (!NAME_PATTERN.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    if (Buffer.byteLength(input) > MAX_INPUT_BYTES) throw new AwsServiceError('InvalidExecutionInput', 'Input exceeds 262144 bytes');
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new AwsServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    // Express executions are not deduplicated by name, and their ARNs say so (`:express:`), as in AWS.
    const express = machine.model.type === 'EXPRESS';
    const arn = express
      ? `${machine.model.arn.replace(':stateMachine:', ':express:')}:${name}:${randomUUID()}`
      : `${machine.model.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // As in AWS: same name and input while running is the same execution; anything else is a clash.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: seconds(existing.startDate) };
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = this.run(machine, arn, name, input, parsedInput);
    return { executionArn: arn, startDate: seconds(execution.startDate) };
  }

  async DescribeExecution({ executionArn }: { executionArn: string }) {
    return describe(this.standardExecution(executionArn), this.clock.now());
  }

  async ListExecutions(request: { stateMachineArn: string; statusFilter?: Status; redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN'; maxResults?: number; nextToken?: string }) {
    refuseExpress(this.machine(request.stateMachineArn).model, 'ListExecutions');
    const redriven = (e: Execution) => !request.redriveFilter || (request.redriveFilter === 'REDRIVEN') === e.redriveCount > 0;
    const all = [...this.executions.values()]
      .filter((e) => e.machine.model.arn === request.stateMachineArn && (!request.statusFilter || e.status === request.statusFilter) && redriven(e))
      .sort((a, b) => b.startDate - a.startDate)
      .map(summary);
    const { items, nextToken } = page(all, request.maxResults, request.nextToken);
    return { executions: items, nextToken };
  }

  /**
   * Resumes a FAILED, TIMED_OUT or ABORTED execution from the state it did not finish, with that
   * state's input, as AWS does: steps that succeeded are not run again, the execution keeps its
   * ARN and start date, and its history goes on with an `ExecutionRedriven` event. A failure
   * inside a Parallel or Map reruns that whole top-level state (AWS reruns only the unsuccessful
   * branches or iterations).
   */
  async RedriveExecution({ executionArn, clientToken }: { executionArn: string; clientToken?: string }) {
    const execution = this.execution(executionArn);
    if (clientToken !== undefined && execution.redriveTokens.has(clientToken)) return { redriveDate: seconds(execution.redriveDate!) };
    const refusal = redriveRefusal(execution, this.clock.now());
    if (refusal) throw new AwsServiceError('ExecutionNotRedrivable', refusal);
    // The history must hold the last state events before it can say where to resume.
    await Promise.race([execution.eventsDrained, new Promise((resolve) => setTimeout(resolve, 200))]);
    const topLevel = new Set(Object.keys(execution.machine.prepared.definition.States ?? {}));
    const resumeAt = execution.history.unfinishedState(topLevel);
    const engine = resumeAt ? this.redriveEngine(execution.machine, resumeAt.name) : execution.machine.engine;
    const input = resumeAt ? resumeAt.input : JSON.parse(execution.input);
    if (clientToken !== undefined) execution.redriveTokens.add(clientToken);
    execution.redriveCount++;
    execution.redriveDate = this.clock.now();
    Object.assign(execution, { status: 'RUNNING', stopDate: undefined, output: undefined, error: undefined, cause: undefined });
    execution.history.executionRedriven(execution.redriveCount);
    this.launch(execution, engine, input);
    this.log(`execution ${execution.name} of ${execution.machine.model.name}: redriven from ${resumeAt?.name ?? 'the start'}`);
    return { redriveDate: seconds(execution.redriveDate) };
  }

  async GetExecutionHistory(request: { executionArn: string; maxResults?: number; reverseOrder?: boolean; nextToken?: string; includeExecutionData?: boolean }) {
    const events = this.standardExecution(request.executionArn).history.events(request.includeExecutionData ?? true);
    const ordered = request.reverseOrder ? [...events].reverse() : events;
    const { items, nextToken } = page(ordered, request.maxResults, request.nextToken);
    return { events: items, nextToken };
  }

  async StopExecution({ executionArn, error, cause }: { executionArn: string; error?: string; cause?: string }) {
    const execution = this.standardExecution(executionArn);
    if (execution.status === 'RUNNING') {
      this.close(execution, 'ABORTED', { error, cause });
      execution.abortEngine();
    }
    return { stopDate: seconds(execution.stopDate!) };
  }

  async SendTaskSuccess({ taskToken, output }: { taskToken: string; output: string }) {
    const task = this.pendingTask(taskToken);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsServiceError('InvalidOutput', 'Invalid output: not valid JSON');
    }
    task.settle?.resolve(parsed);
    return {};
  }

  async SendTaskFailure({ taskToken, error, cause }: { taskToken: string; error?: string; cause?: string }) {
    this.pendingTask(taskToken).settle?.reject(new TaskFailure(error ?? '', cause ?? ''));
    return {};
  }

  async SendTaskHeartbeat({ taskToken }: { taskToken: string }) {
    this.pendingTask(taskToken).heartbeat?.();
    return {};
  }

  async ListStateMachines(request: { maxResults?: number; nextToken?: string } = {}) {
    const all = [...this.machines.values()].map(({ model }) => ({
      stateMachineArn: model.arn,
      name: model.name,
      type: model.type,
      creationDate: seconds(this.startedAt),
    }));
    const { items, nextToken } = page(all, request.maxResults, request.nextToken);
    return { stateMachines: items, nextToken };
  }

  /** The template's tags of a state machine (executions have none). */
  async ListTagsForResource({ resourceArn }: { resourceArn: string }) {
    const machine = this.machines.get(resourceArn);
    if (!machine) throw new AwsServiceError('ResourceNotFound', `Resource not found: '${resourceArn}'`);
    return { tags: machine.model.tags ?? [] };
  }

  async DescribeStateMachine({ stateMachineArn }: { stateMachineArn: string }) {
    const { model } = this.machine(stateMachineArn);
    return {
      stateMachineArn: model.arn,
      name: model.name,
      type: model.type,
      status: 'ACTIVE',
      definition: JSON.stringify(model.definition),
      roleArn: `arn:aws:iam::000000000000:role/${model.name}`,
      creationDate: seconds(this.startedAt),
    };
  }

  // ---- for the platform --------------------------------------------------------------------

  /** Resolves when the execution closes, with what DescribeExecution would say then. */
  async executionResult(executionArn: string) {
    const execution = this.execution(executionArn);
    await execution.closed;
    return describe(execution, this.clock.now());
  }

  /** Ends every running execution (the platform is stopping). */
  stopAll(): void {
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      this.close(execution, 'ABORTED', { error: 'Local.Shutdown', cause: 'the local platform stopped' });
      execution.abortEngine();
    }
  }

  /** Every execution so far, as a cost model reads it (Express ones included: AWS keeps their logs). */
  executionTraces(): ExecutionTrace[] {
    return [...this.executions.values()].map((e) => {
      const events = e.history.events(true);
      let entered = 0;
      let taskStatesEntered = 0;
      let largestPayloadBytes = Buffer.byteLength(e.input);
      const tasksByIntegration: Record<string, number> = {};
      const integrationCallsMs: ExecutionTrace['integrationCallsMs'] = [];
      const open = new Map<string, number[]>();
      for (const event of events) {
        const task = Object.values(event).find((v) => v && typeof v === 'object' && 'resourceType' in (v as object)) as { resourceType: string; resource: string } | undefined;
        if (task && task.resourceType !== 'lambda') {
          const key = `${task.resourceType}:${task.resource}`;
          if (event.type === 'TaskScheduled') open.set(key, [...(open.get(key) ?? []), event.timestamp]);
          else if (['TaskSubmitted', 'TaskSucceeded', 'TaskFailed', 'TaskTimedOut'].includes(event.type) && open.get(key)?.length) {
            integrationCallsMs.push({ resourceType: task.resourceType, ms: (event.timestamp - open.get(key)!.shift()!) * 1000 });
          }
        }
        if (event.type.endsWith('StateEntered')) {
          entered++;
          if (event.type === 'TaskStateEntered') taskStatesEntered++;
        }
        for (const value of Object.values(event)) {
          if (!value || typeof value !== 'object') continue;
          for (const key of ['input', 'output', 'parameters']) {
            const text = (value as Record<string, unknown>)[key];
            if (typeof text === 'string') largestPayloadBytes = Math.max(largestPayloadBytes, Buffer.byteLength(text));
          }
        }
        if (event.type === 'TaskScheduled') {
          const resourceType = String((event.taskScheduledEventDetails as { resourceType?: string })?.resourceType ?? 'lambda');
          tasksByIntegration[resourceType] = (tasksByIntegration[resourceType] ?? 0) + 1;
        }
      }
      const scheduled = Object.values(tasksByIntegration).reduce((a, b) => a + b, 0);
      return {
        name: e.name,
        stateMachine: e.machine.model.name,
        ...(e.machine.model.flow ? { flow: e.machine.model.flow } : {}),
        type: e.machine.model.type,
        status: e.status,
        ...(e.realStop !== undefined ? { durationMs: e.realStop - e.realStart } : {}),
        stateTransitions: entered + Math.max(0, scheduled - taskStatesEntered),
        historyEvents: events.length,
        largestPayloadBytes,
        tasksByIntegration,
        integrationCallsMs,
      };
    });
  }

  stateMachineArns(): string[] {
    return [...this.machines.keys()];
  }

  // ---- running -----------------------------------------------------------------------------

  private readonly startedAt = Date.now();

  private run(machine: Machine, arn: string, name: string, input: string, parsedInput: unknown): Execution {
    const execution: Execution = {
      arn,
      name,
      machine,
      input,
      status: 'RUNNING',
      startDate: this.clock.now(),
      history: new ExecutionHistory(() => this.clock.now()),
      controller: new AbortController(),
      abortEngine: () => undefined,
      eventsDrained: Promise.resolve(),
      tokenPlaceholder: `local-task-token-${randomBytes(8).toString('hex')}`,
      closed: Promise.resolve(),
      redriveCount: 0,
      redriveTokens: new Set(),
      realStart: performance.now(),
    };
    this.executions.set(arn, execution);
    execution.history.executionStarted(input, machine.model);
    this.launch(execution, machine.engine, parsedInput);
    return execution;
  }

  /** A copy of the machine's definition that starts at `stateName` (validated once already, whole). */
  private redriveEngine(machine: Machine, stateName: string): StateMachine {
    let engine = machine.redriveEngines.get(stateName);
    if (!engine) {
      engine = new StateMachine({ ...machine.prepared.definition, StartAt: stateName } as never, { validationOptions: { checkArn: false, noValidate: true } });
      machine.redriveEngines.set(stateName, engine);
    }
    return engine;
  }

  /** Runs (or, for a redrive, runs again) an execution on an engine from the given input. */
  private launch(execution: Execution, engine: StateMachine, parsedInput: unknown): void {
    const { machine, arn, name } = execution;
    const controller = new AbortController();
    execution.controller = controller;
    let markClosed!: () => void;
    execution.closed = new Promise<void>((resolve) => (markClosed = resolve));

    const handlers = Object.fromEntries(
      [...machine.prepared.tasks.values()].map((spec) => [spec.stateName, (taskInput: unknown) => this.runTask(execution, spec, taskInput)]),
    );
    const run = engine.run(parsedInput as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: machine.retryOverrides },
      context: {
        Execution: { Id: arn, Name: name, RoleArn: `arn:aws:iam::000000000000:role/${machine.model.name}`, StartTime: new Date(execution.startDate).toISOString() },
        StateMachine: { Id: machine.model.arn, Name: machine.model.name },
        Task: { Token: execution.tokenPlaceholder },
      },
    });
    execution.abortEngine = run.abort;
    execution.eventsDrained = (async () => {
      for await (const event of run.eventLogs) execution.history.fromEngine(event as never, machine.prepared.tasks);
    })().catch(() => undefined);

    if (machine.prepared.timeoutSeconds !== undefined) {
      this.clock
        .sleep(machine.prepared.timeoutSeconds * 1000, controller.signal)
        .then(() => {
          if (execution.status !== 'RUNNING') return;
          this.close(execution, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' });
          run.abort();
        })
        .catch(() => undefined);
    }

    void run.result
      .then((output) => this.close(execution, 'SUCCEEDED', { output: JSON.stringify(output ?? null) }))
      .catch((error: Error & { cause?: Error }) => {
        if (error.name === 'ExecutionAbortedError' || error.name === 'ExecutionTimeoutError') return;
        const cause = error.cause ?? error;
        this.close(execution, 'FAILED', { error: cause.name, cause: cause.message });
      })
      .finally(markClosed);
  }

  private close(execution: Execution, status: Exclude<Status, 'RUNNING'>, details: { output?: string; error?: string; cause?: string }) {
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, { status, stopDate: this.clock.now(), realStop: performance.now(), ...details });
    execution.controller.abort(new Error(`execution ${status}`));
    // Tokens stay known: a late callback hears TaskTimedOut, as from AWS, not "does not exist".
    for (const task of this.tasks.values()) {
      if (task.execution === execution && task.state === 'waiting') task.state = 'timed-out';
    }
    // The closing event comes after the last state events the engine has still to deliver.
    const drained = Promise.race([execution.eventsDrained, new Promise((resolve) => setTimeout(resolve, 200))]);
    void drained.then(() => execution.history.executionClosed(status, details));
    this.log(`execution ${execution.name} of ${execution.machine.model.name}: ${status}${details.error ? ` (${details.error})` : ''}`);
  }

  private async runTask(execution: Execution, spec: TaskSpec, taskInput: unknown): Promise<unknown> {
    const wrappedInput = taskInput as Record<string, any>;
    const payload = spec.wrapped ? wrappedInput[PAYLOAD_KEY] : taskInput;
    const local: Record<string, any> = spec.wrapped ? (wrappedInput[LOCAL_KEY] ?? {}) : {};
    if (spec.originalType === 'Wait') {
      await this.clock.sleepUntil(waitUntil(local, this.clock.now()), execution.controller.signal);
      return payload;
    }
    const timeoutSeconds: number | undefined = local.timeoutSeconds ?? spec.timeoutSeconds;
    const heartbeatSeconds: number | undefined = local.heartbeatSeconds ?? spec.heartbeatSeconds;
    const { pattern } = parseResource(spec.resource);
    const history = execution.history.task(spec.stateName, resourceParts(spec.resource));
    const limits = new AbortController();
    const stop = AbortSignal.any([execution.controller.signal, limits.signal]);
    let ending: unknown = FINISHED;
    try {
      history.scheduled(payload, timeoutSeconds, heartbeatSeconds);
      const outcome =
        pattern === 'token'
          ? this.awaitCallback(execution, spec, payload, heartbeatSeconds, stop, history)
          : this.clock.track(traceContext.run({ stateMachine: execution.machine.model.name }, () => callIntegration(spec.resource, payload, this.integrations)));
      const racers = [outcome];
      if (timeoutSeconds !== undefined) racers.push(this.timeout(timeoutSeconds, 'States.Timeout', stop));
      const result = await Promise.race(racers);
      history.succeeded(result);
      return result;
    } catch (error) {
      const failure = error as Error;
      if (failure.name === 'States.Timeout' || failure.name === 'States.HeartbeatTimeout') {
        ending = TIMED_OUT;
        history.timedOut(failure.name, failure.message);
      } else history.failed(failure.name, failure.message);
      throw error;
    } finally {
      limits.abort(ending);
    }
  }

  /** `.waitForTaskToken`: calls the service with a token of this wait's own, then waits for the callback. */
  private async awaitCallback(
    execution: Execution,
    spec: TaskSpec,
    payload: unknown,
    heartbeatSeconds: number | undefined,
    stop: AbortSignal,
    history: ReturnType<ExecutionHistory['task']>,
  ): Promise<unknown> {
    const token = `AQ${randomBytes(96).toString('base64url')}`;
    const task: PendingTask = { execution, state: 'waiting' };
    const callback = new Promise<unknown>((resolve, reject) => {
      const settle = (finish: () => void) => {
        if (task.state !== 'waiting') return;
        task.state = 'done';
        finish();
      };
      task.settle = { resolve: (output) => settle(() => resolve(output)), reject: (error) => settle(() => reject(error)) };
    });
    // When the task ends otherwise (timeout, execution closed), later callbacks get TaskTimedOut.
    stop.addEventListener('abort', () => {
      if (task.state === 'waiting') task.state = stop.reason === TIMED_OUT ? 'timed-out' : 'done';
    });
    let heartbeat: AbortController | undefined;
    task.heartbeat = () => {
      heartbeat?.abort();
      if (heartbeatSeconds === undefined) return;
      heartbeat = new AbortController();
      this.timeout(heartbeatSeconds, 'States.HeartbeatTimeout', AbortSignal.any([stop, heartbeat.signal])).catch((error: Error) => {
        if (error.name !== 'States.HeartbeatTimeout' || task.state !== 'waiting') return;
        task.state = 'timed-out';
        task.settle = undefined;
        rejectOnHeartbeat(error);
      });
    };
    let rejectOnHeartbeat!: (error: Error) => void;
    const heartbeatLost = new Promise<never>((_, reject) => (rejectOnHeartbeat = reject));
    // Either may settle after nobody listens any more (the call failed, the execution closed).
    callback.catch(() => undefined);
    heartbeatLost.catch(() => undefined);
    this.tasks.set(token, task);
    await this.clock.track(
      traceContext.run({ stateMachine: execution.machine.model.name }, () => callIntegration(spec.resource, replaceString(payload, execution.tokenPlaceholder, token), this.integrations)),
    );
    history.submitted();
    task.heartbeat();
    try {
      return await Promise.race([callback, heartbeatLost]);
    } finally {
      heartbeat?.abort();
    }
  }

  private async timeout(secondsLimit: number, error: string, signal: AbortSignal): Promise<never> {
    await this.clock.sleep(secondsLimit * 1000, signal);
    throw new TaskFailure(error, error === 'States.Timeout' ? 'Task timed out' : 'Task heartbeat timed out');
  }

  private get integrations(): IntegrationServices {
    return {
      ...this.services,
      startExecution: (request) => this.StartExecution(request),
      executionResult: (arn) => this.executionResult(arn),
    };
  }

  private machine(arn: string): Machine {
    const machine = this.machines.get(arn);
    if (!machine) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: string): Execution {
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  /**
   * An execution the API may show: AWS keeps nothing of an Express execution to describe, list,
   * stop, redrive or read the history of (its logs are in CloudWatch), and refuses the ARN.
   */
  private standardExecution(arn: string): Execution {
    if (isExpressExecutionArn(arn)) throw expressRefusal(arn);
    return this.execution(arn);
  }

  private pendingTask(token: string): PendingTask {
    if (typeof token !== 'string' || token.length === 0 || token.length > 2048) throw new AwsServiceError('InvalidToken', 'Invalid Token');
    const task = this.tasks.get(token);
    if (!task) throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    if (task.state === 'timed-out') throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    if (task.state === 'done') throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    return task;
  }
}

/** `arn:aws:states:<region>:<account>:express:<machine>:<name>:<id>`. */
export function isExpressExecutionArn(arn: string): boolean {
  return typeof arn === 'string' && arn.split(':')[5] === 'express';
}

/** What AWS answers when an action needs an execution history Express does not keep. */
export function expressRefusal(arn: string): AwsServiceError {
  return new AwsServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: express' (${arn}): this action is not supported by EXPRESS state machines, which keep no execution history`);
}

/** Refuses listing an EXPRESS machine's executions, as AWS does (redrive has its own refusal, see redriveRefusal). */
export function refuseExpress(machine: LocalStateMachine, action: string): void {
  if (machine.type === 'EXPRESS') {
    throw new AwsServiceError('StateMachineTypeNotSupported', `${action} is not supported by EXPRESS state machines (${machine.name}): they keep no execution history`);
  }
}

function waitUntil(local: Record<string, any>, now: number): number {
  if (local.seconds !== undefined) return now + Number(local.seconds) * 1000;
  if (local.timestamp !== undefined) return Date.parse(local.timestamp);
  throw new TaskFailure('States.Runtime', 'Wait state has no Seconds, Timestamp, SecondsPath or TimestampPath');
}

function replaceString(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => replaceString(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceString(v, from, to)]));
  return value;
}

function retryingStates(definition: Record<string, any>): string[] {
  const names: string[] = [];
  for (const [name, state] of Object.entries<Record<string, any>>(definition.States ?? {})) {
    if (state.Retry) names.push(name);
    for (const branch of state.Branches ?? []) names.push(...retryingStates(branch));
    if (state.ItemProcessor) names.push(...retryingStates(state.ItemProcessor));
    if (state.Iterator) names.push(...retryingStates(state.Iterator));
  }
  return names;
}

const seconds = (ms: number) => ms / 1000;

function summary(e: Execution) {
  return {
    executionArn: e.arn,
    stateMachineArn: e.machine.model.arn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    ...(e.stopDate !== undefined ? { stopDate: seconds(e.stopDate) } : {}),
    redriveCount: e.redriveCount,
    ...(e.redriveDate !== undefined ? { redriveDate: seconds(e.redriveDate) } : {}),
  };
}

/** Why AWS would refuse to redrive this execution now; undefined when it may. */
function redriveRefusal(e: Execution, now: number): string | undefined {
  if (e.machine.model.type === 'EXPRESS') return 'Redrive is not supported for EXPRESS state machines';
  if (!REDRIVABLE.has(e.status)) return `Execution is ${e.status} and cannot be redriven`;
  if (now - e.stopDate! > REDRIVE_WINDOW_MS) return 'Execution can not be redriven after 14 days of its stop';
  if (e.redriveCount >= MAX_REDRIVES) return `Execution has been redriven ${MAX_REDRIVES} times`;
  return undefined;
}

function redriveFields(e: Execution, now: number) {
  const refusal = redriveRefusal(e, now);
  return {
    redriveCount: e.redriveCount,
    ...(e.redriveDate !== undefined ? { redriveDate: seconds(e.redriveDate) } : {}),
    redriveStatus: refusal ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
    ...(refusal ? { redriveStatusReason: refusal } : {}),
  };
}

function describe(e: Execution, now: number) {
  return {
    ...summary(e),
    input: e.input,
    inputDetails: { included: true },
    ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
    ...redriveFields(e, now),
  };
}

function page<T>(items: T[], maxResults = 100, nextToken?: string): { items: T[]; nextToken?: string } {
  const start = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('InvalidToken', 'Invalid nextToken');
  const size = Math.max(1, Math.min(maxResults || 100, 1000));
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}
