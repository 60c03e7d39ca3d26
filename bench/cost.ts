import type { Attributed, DynamoDbTrace, LambdaTrace, PutEventsTrace } from '../infra/local/engine/trace';
import type { ExecutionTrace } from '../infra/local/engine/stepfunctions/service';
import prices from './prices.json' with { type: 'json' };
import { median } from './stats';

export type Prices = typeof prices;
export const PRICES: Prices = prices;

/** What the platform did for `instances` instances of a flow (a workload's run, from the trace). */
export interface RunTrace {
  instances: number;
  executions: ExecutionTrace[];
  lambdas: LambdaTrace[];
  dynamodb: DynamoDbTrace[];
  events: PutEventsTrace[];
  apiRequests: number;
  snsMessages: number;
  /** Who sent each notification (for splitting a run by flow). */
  notifications?: Attributed[];
}

/**
 * Splits a run into a flow's own path and the rest: a record is the flow's when its state machine
 * did it (or a function one of its tasks invoked), when one of `own` functions did it (its trigger,
 * its steps, the ops API its people use), or when it came from outside the platform (the platform
 * events and API requests that drive it). The rest is other features' work on the same events
 * (e.g. the member record kept from every OrderPlaced).
 */
export function splitByFlow(run: RunTrace, machine: string, own: (functionName: string) => boolean): { path: RunTrace; others: RunTrace } {
  const mine = (r: Attributed) => r.stateMachine === machine || (r.stateMachine === undefined && (r.functionName === undefined || own(r.functionName)));
  const part = (keep: boolean): RunTrace => {
    const notifications = (run.notifications ?? []).filter((n) => mine(n) === keep);
    return {
      instances: run.instances,
      executions: run.executions.filter((e) => (e.stateMachine === machine) === keep),
      lambdas: run.lambdas.filter((l) => (l.stateMachine === machine || (l.stateMachine === undefined && own(l.functionName))) === keep),
      dynamodb: run.dynamodb.filter((d) => mine(d) === keep),
      events: run.events.filter((e) => mine(e) === keep),
      apiRequests: keep ? run.apiRequests : 0,
      snsMessages: notifications.length,
      notifications,
    };
  };
  return { path: part(true), others: part(false) };
}

export interface Bill {
  stepFunctions: number;
  lambda: number;
  events: number;
  dynamodb: number;
  sns: number;
  api: number;
  total: number;
}

const GB = 1024;
const ceilTo = (ms: number, increment: number) => Math.max(increment, Math.ceil(ms / increment) * increment);

function lambdaCost(durationMs: number, memoryMb: number, p: Prices): number {
  return p.lambda.perRequest + (ceilTo(durationMs, p.lambda.billingIncrementMs) / 1000) * (memoryMb / GB) * p.lambda.arm64PerGbSecond;
}

function expressCost(execution: ExecutionTrace, p: Prices): number {
  const { expressPerRequest, expressPerGbSecond, expressBillingIncrementMs, expressMinimumMemoryMb } = p.stepFunctions;
  return expressPerRequest + (ceilTo(execution.durationMs ?? 0, expressBillingIncrementMs) / 1000) * (expressMinimumMemoryMb / GB) * expressPerGbSecond;
}

/** Everything but the state machines, the same in both designs. */
function common(run: RunTrace, p: Prices): Omit<Bill, 'stepFunctions' | 'total'> {
  const chunks = run.events.flatMap((e) => e.entryBytes).reduce((sum, bytes) => sum + Math.max(1, Math.ceil(bytes / p.eventBridge.chunkBytes)), 0);
  const units = run.dynamodb.reduce((sum, call) => ({ read: sum.read + call.readUnits, write: sum.write + call.writeUnits }), { read: 0, write: 0 });
  return {
    lambda: run.lambdas.reduce((sum, l) => sum + lambdaCost(l.durationMs, l.memoryMb, p), 0),
    events: chunks * p.eventBridge.perEventChunk,
    dynamodb: units.read * p.dynamodb.perReadRequestUnit + units.write * p.dynamodb.perWriteRequestUnit,
    sns: run.snsMessages * p.sns.perPublish,
    api: run.apiRequests * p.apiGateway.httpApiPerRequest,
  };
}

const withTotal = (bill: Omit<Bill, 'total'>): Bill => ({ ...bill, total: Object.values(bill).reduce((a, b) => a + b, 0) });

/** The run billed as deployed: Standard machines per state transition, Express per request and duration. */
export function billAsDeployed(run: RunTrace, p: Prices = PRICES): Bill {
  const stepFunctions = run.executions.reduce(
    (sum, e) => sum + (e.type === 'EXPRESS' ? expressCost(e, p) : e.stateTransitions * p.stepFunctions.standardPerStateTransition),
    0,
  );
  return withTotal({ stepFunctions, ...common(run, p) });
}

/**
 * The same run as a newcomer would build it: every machine STANDARD (billed per transition) and
 * every direct integration a Lambda step of CDK's default memory, billed for as long as the
 * integration took. DynamoDB, events, notifications and the API cost the same.
 */
export function billAllStandard(run: RunTrace, p: Prices = PRICES): Bill {
  const stepFunctions = run.executions.reduce((sum, e) => sum + e.stateTransitions * p.stepFunctions.standardPerStateTransition, 0);
  const glue = run.executions.flatMap((e) => e.integrationCallsMs).reduce((sum, call) => sum + lambdaCost(call.ms, p.counterfactual.glueLambdaMemoryMb, p), 0);
  const rest = common(run, p);
  return withTotal({ stepFunctions, ...rest, lambda: rest.lambda + glue });
}

export interface FlowCost {
  instances: number;
  /** The flow's own path (see splitByFlow). */
  usdPerMillion: number;
  allStandardUsdPerMillion: number;
  /** all-STANDARD ÷ ours. */
  ratio: number;
  /** What other features spent on the same events (the same in both designs), per million instances. */
  otherConsumersUsdPerMillion: number;
  perMillion: { ours: Bill; allStandard: Bill };
  perInstance: { stateTransitions: number; lambdaInvocations: number; lambdaMs: number; readUnits: number; writeUnits: number; events: number; snsMessages: number; expressExecutions: number; standardExecutions: number };
  /** Each function of the path: invocations per instance, median warm duration and the template's memory (what memory-policy.ts sizes from). */
  functions: FunctionFigures[];
}

export interface FunctionFigures {
  functionName: string;
  invocationsPerInstance: number;
  medianMs: number;
  memoryMb: number;
}

/** Per function, most invoked first. */
export function functionFigures(run: RunTrace): FunctionFigures[] {
  const byName = new Map<string, LambdaTrace[]>();
  for (const l of run.lambdas) byName.set(l.functionName, [...(byName.get(l.functionName) ?? []), l]);
  return [...byName.entries()]
    .map(([functionName, list]) => ({
      functionName,
      invocationsPerInstance: list.length / run.instances,
      medianMs: median(list.map((l) => l.durationMs)),
      memoryMb: list[0].memoryMb,
    }))
    .sort((a, b) => b.invocationsPerInstance - a.invocationsPerInstance || a.functionName.localeCompare(b.functionName));
}

const scale = (bill: Bill, factor: number): Bill => Object.fromEntries(Object.entries(bill).map(([k, v]) => [k, v * factor])) as unknown as Bill;

export function flowCost(run: RunTrace, others?: RunTrace, p: Prices = PRICES): FlowCost {
  const perMillion = 1_000_000 / run.instances;
  const ours = scale(billAsDeployed(run, p), perMillion);
  const allStandard = scale(billAllStandard(run, p), perMillion);
  const per = (value: number) => value / run.instances;
  return {
    instances: run.instances,
    usdPerMillion: ours.total,
    allStandardUsdPerMillion: allStandard.total,
    ratio: allStandard.total / ours.total,
    otherConsumersUsdPerMillion: others ? billAsDeployed(others, p).total * perMillion : 0,
    perMillion: { ours, allStandard },
    perInstance: {
      stateTransitions: per(run.executions.reduce((s, e) => s + e.stateTransitions, 0)),
      lambdaInvocations: per(run.lambdas.length),
      lambdaMs: per(run.lambdas.reduce((s, l) => s + l.durationMs, 0)),
      readUnits: per(run.dynamodb.reduce((s, c) => s + c.readUnits, 0)),
      writeUnits: per(run.dynamodb.reduce((s, c) => s + c.writeUnits, 0)),
      events: per(run.events.reduce((s, e) => s + e.entryBytes.length, 0)),
      snsMessages: per(run.snsMessages),
      expressExecutions: per(run.executions.filter((e) => e.type === 'EXPRESS').length),
      standardExecutions: per(run.executions.filter((e) => e.type === 'STANDARD').length),
    },
    functions: functionFigures(run),
  };
}
