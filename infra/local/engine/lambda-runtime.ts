import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { AwsServiceError } from './aws-error';
import type { VirtualClock } from './clock';
import type { FaultInjector } from './faults';
import { divertFunctionOutput } from './function-output';
import type { LocalFunction } from './model';
import { FunctionError } from './stepfunctions/integrations';
import { traceContext, type PlatformTrace } from './trace';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Invocations of one function that run at once; the rest wait their turn, first come first
 * served. In AWS each execution environment serves one request at a time on its own CPU; here
 * every function shares one process, and letting a burst run all at once only stretches each
 * invocation (thousands interleaved on one core) past its timeout, so that AWS's retries of
 * timed-out invocations redo the work. The timeout counts from when the handler starts, as in AWS.
 */
export const LOCAL_CONCURRENCY_PER_FUNCTION = 8;

export interface LambdaRuntimeOptions {
  functions: LocalFunction[];
  /** The directory function entries are relative to. */
  sourceRoot: string;
  clock: VirtualClock;
  /** Variables every function gets on top of its own (endpoint override, region, credentials). */
  baseEnvironment: Record<string, string>;
  /** Variables replaced over the template's, for services the platform does not emulate. */
  localOverrides?: Record<string, string>;
  /** Where failed asynchronous invocations go after their retries (a DLQ's ARN). */
  sendToDeadLetter(arn: string, body: string, attributes: Record<string, string>): Promise<void>;
  log?: (line: string) => void;
  /**
   * Receives what handlers write to stdout and stderr while they run (their log stream in AWS);
   * without it, that goes to this process's stdout and stderr.
   */
  functionOutput?: (text: string) => void;
  /** Wait between asynchronous retries; AWS waits 1 and 2 minutes, locally it is short. */
  asyncRetryDelayMs?: number;
  /** Injected faults (`/_local/faults`): consulted once per invocation. */
  faults?: FaultInjector;
  /** Records each invocation's duration (see trace.ts). */
  trace?: PlatformTrace;
  /** Invocations of one function at once (`LOCAL_CONCURRENCY_PER_FUNCTION` unless told). */
  concurrencyPerFunction?: number;
}

/**
 * Runs the functions of the template in this process, from their TypeScript sources, each with
 * the environment the template gives it. Failures carry the error's name as `errorType`, which
 * Step Functions' Retry and Catch match on, as in AWS.
 */
export class LocalLambdas {
  private readonly byName = new Map<string, LocalFunction>();
  private readonly handlers = new Map<string, Promise<Handler>>();
  private readonly environment = new AsyncLocalStorage<NodeJS.ProcessEnv>();
  private readonly restoreOutput: () => void = () => undefined;
  private readonly slots = new Map<LocalFunction, Slots>();

  constructor(private readonly options: LambdaRuntimeOptions) {
    for (const fn of options.functions) this.byName.set(fn.functionName, fn);
    if (options.functionOutput) {
      this.restoreOutput = divertFunctionOutput(() => this.environment.getStore() !== undefined, options.functionOutput);
    }
  }

  /** The environment of the function whose invocation this code runs in; undefined outside one. */
  invocationEnvironment(): NodeJS.ProcessEnv | undefined {
    return this.environment.getStore();
  }

  /** Runs `work` outside any invocation's environment (engine work a function's call started). */
  outsideInvocation<T>(work: () => T): T {
    return this.environment.exit(work);
  }

  /** Gives stdout and stderr back (the platform is stopping). */
  dispose(): void {
    this.restoreOutput();
  }

  /** Accepts a function name, ARN or partial ARN, as Lambda does. */
  find(nameOrArn: string): LocalFunction {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn.split(':')[0];
    const fn = this.byName.get(name);
    if (!fn) throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${nameOrArn}`, 404);
    return fn;
  }

  /**
   * RequestResponse invocation: the handler's result, or a FunctionError. `faults: false` exempts
   * it from injected faults (the HTTP API's routes, so ops can recover while faults are on).
   */
  async invoke(nameOrArn: string, payload: unknown, options: { faults?: boolean } = {}): Promise<unknown> {
    const fn = this.find(nameOrArn);
    return this.options.clock.track(options.faults === false ? this.invokeHandler(fn, payload) : this.run(fn, payload));
  }

  /**
   * Event invocation: accepted at once; a failure is retried (`asyncRetryAttempts`) and then sent
   * to the function's dead-letter target, or logged as dropped when it has none, as in AWS.
   */
  async invokeAsync(nameOrArn: string, payload: string): Promise<void> {
    const fn = this.find(nameOrArn);
    const event = JSON.parse(payload);
    void this.options.clock.track(this.runWithRetries(fn, event, payload));
  }

  private async runWithRetries(fn: LocalFunction, event: unknown, payload: string): Promise<void> {
    let lastError: FunctionError | undefined;
    for (let attempt = 0; attempt <= fn.asyncRetryAttempts; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, this.options.asyncRetryDelayMs ?? 10));
      try {
        await this.run(fn, event);
        return;
      } catch (error) {
        lastError = error as FunctionError;
      }
    }
    const reason = `${lastError?.errorType}: ${lastError?.errorMessage}`;
    if (!fn.deadLetterArn) {
      this.options.log?.(`lambda ${fn.functionName}: asynchronous event dropped after ${fn.asyncRetryAttempts + 1} attempts (${reason})`);
      return;
    }
    await this.options.sendToDeadLetter(fn.deadLetterArn, payload, {
      RequestID: randomUUID(),
      ErrorCode: '200',
      ErrorMessage: reason,
    });
    this.options.log?.(`lambda ${fn.functionName}: event sent to its dead-letter queue (${reason})`);
  }

  private async run(fn: LocalFunction, event: unknown): Promise<unknown> {
    const fault = this.options.faults?.lambda(fn);
    if (fault === 'error') throw new FunctionError('TransientError', `injected fault: ${fn.functionName} failed before running`);
    if (fault === 'timeout') {
      // As a real timeout: the handler's effects may have happened, the caller only hears the timeout.
      await this.invokeHandler(fn, event).catch(() => undefined);
      throw new FunctionError('Sandbox.Timedout', `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds (injected fault)`);
    }
    return this.invokeHandler(fn, event);
  }

  private async invokeHandler(fn: LocalFunction, event: unknown): Promise<unknown> {
    let slots = this.slots.get(fn);
    if (!slots) this.slots.set(fn, (slots = new Slots(this.options.concurrencyPerFunction ?? LOCAL_CONCURRENCY_PER_FUNCTION)));
    await slots.acquire();
    try {
      return await this.runHandler(fn, event);
    } finally {
      slots.release();
    }
  }

  private async runHandler(fn: LocalFunction, event: unknown): Promise<unknown> {
    const env = this.environmentOf(fn);
    const handler = await this.environment.run(env, () => this.load(fn));
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const context = lambdaContext(fn, deadline);
    let timer: NodeJS.Timeout | undefined;
    const startedAt = performance.now();
    const caller = traceContext.getStore();
    let failed = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionError('Sandbox.Timedout', `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`)),
        fn.timeoutSeconds * 1000,
      );
    });
    try {
      // Deep copy: a handler must not share objects with its caller, as across a real invocation.
      // The invocation's calls are attributed to it, and to the state machine whose task invoked it.
      const traced = { functionName: fn.functionName, ...(caller?.stateMachine ? { stateMachine: caller.stateMachine } : {}) };
      const invocation = () => this.environment.run(env, () => handler(structuredClone(event), context));
      return await Promise.race([this.options.trace ? traceContext.run(traced, invocation) : invocation(), timeout]);
    } catch (error) {
      failed = true;
      if (error instanceof FunctionError) throw error;
      const failure = error instanceof Error ? error : new Error(String(error));
      throw new FunctionError(failure.name || 'Error', failure.message, (failure.stack ?? '').split('\n').slice(1, 6).map((l) => l.trim()));
    } finally {
      clearTimeout(timer);
      this.options.trace?.lambda({ ...(caller?.stateMachine ? { stateMachine: caller.stateMachine } : {}), functionName: fn.functionName, memoryMb: fn.memorySize, durationMs: performance.now() - startedAt, failed });
    }
  }

  /** One environment object per function, so what a handler derives from it is derived once. */
  private readonly environments = new Map<LocalFunction, NodeJS.ProcessEnv>();
  private environmentOf(fn: LocalFunction): NodeJS.ProcessEnv {
    let env = this.environments.get(fn);
    if (!env) {
      env = { ...process.env, ...this.options.baseEnvironment, ...fn.environment, ...this.localOverrides(fn), ...lambdaVariables(fn) };
      this.environments.set(fn, env);
    }
    return env;
  }

  private localOverrides(fn: LocalFunction): Record<string, string> {
    const overrides = this.options.localOverrides ?? {};
    return Object.fromEntries(Object.entries(overrides).filter(([name]) => name in fn.environment));
  }

  /** Imports the handler module once per entry, the way a warm Lambda keeps it. */
  private load(fn: LocalFunction): Promise<Handler> {
    const key = `${fn.entry}#${fn.handlerExport}`;
    let handler = this.handlers.get(key);
    if (!handler) {
      const url = pathToFileURL(path.join(this.options.sourceRoot, fn.entry)).href;
      handler = import(url).then((module) => {
        const exported = module[fn.handlerExport];
        if (typeof exported !== 'function') throw new Error(`${fn.entry} does not export a function named ${fn.handlerExport}`);
        return exported as Handler;
      });
      this.handlers.set(key, handler);
    }
    return handler;
  }
}

function lambdaVariables(fn: LocalFunction): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
  };
}

const done = () => undefined;

function lambdaContext(fn: LocalFunction, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `local/${fn.functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done,
    fail: done,
    succeed: done,
  };
}

/** At most `limit` holders at once; the others wait in arrival order. */
class Slots {
  private running = 0;
  private waiting: Array<() => void> = [];
  private head = 0;
  constructor(private readonly limit: number) {}

  acquire(): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot to the next in line, or frees it. */
  release(): void {
    const next = this.waiting[this.head];
    if (!next) {
      this.running--;
      return;
    }
    // A burst queues thousands: the line advances by index, and is cut once it is empty.
    if (++this.head === this.waiting.length) [this.waiting, this.head] = [[], 0];
    next();
  }
}
