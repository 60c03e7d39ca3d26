import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionListItem,
} from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors';
import { executionArnFor } from '../../../shared/executions';
import { startInstance } from '../../../shared/flow-starts';
import { FlowInstances } from '../../../shared/records/flow-instances';
import type { FlowInstance, RedriveResult } from '../schemas';
import { opsEnv } from '../ops-env';
import { BULK_REDRIVE_LIMIT, DEFAULT_FLOWS_PAGE, EXPRESS_CLAIM_SECONDS, HISTORY_EVENTS_FOR_STEP, REDRIVE_CONCURRENCY } from './policy';

/**
 * Flow instances for recovery: listed by status with the step they stopped at, and redriven
 * (Step Functions `RedriveExecution`) one by one or by filter. EXPRESS state machines keep no
 * execution list and cannot be redriven: their FAILED instances are listed from the records they
 * write (`shared/records/flow-instances.ts`), other statuses are named as not listable, and a
 * redrive restarts a FAILED instance instead: claimed again as the intake claims it, then started
 * from its first step with the input its record kept (every step of such a flow is idempotent
 * per business key, so steps that had succeeded change nothing the second time).
 */

const EXPRESS_REASON = (flow: string) =>
  `${flow} runs as an EXPRESS state machine, which Step Functions cannot redrive (RedriveExecution is for STANDARD executions only); ` +
  `POST /flows/${flow}/{businessKey}/redrive restarts a FAILED instance from its first step with its recorded input instead, and each effect of the flow happens once`;
const NO_RECORDED_INPUT = (flow: string) =>
  `its failure was recorded without the execution's input, so it can only be started again by its event: the intake takes a FAILED ${flow} again when the event comes back ` +
  '(the producer sending it again, POST /quarantine/dead-letters/redrive when it waits in the dead-letter queue, or an archive replay of its time window)';
const EXPRESS_UNLISTED = (flow: string) =>
  `${flow} runs as an EXPRESS state machine: Step Functions keeps no list of its executions; only its FAILED instances are listed, from the records the flow writes`;

interface MachineFacts {
  express: boolean;
  /** The definition's first state, where a restart of an EXPRESS instance begins. */
  firstStep?: string;
}

const machineFacts = new Map<string, Promise<MachineFacts>>();

/** The flow's state machine ARN, type (STANDARD or EXPRESS) and first step, or 404 naming the flows there are. */
async function flowMachine(flow: string): Promise<{ arn: string } & MachineFacts> {
  const machines = opsEnv().FLOW_STATE_MACHINES;
  const arn = machines[flow];
  if (!arn) throw new NotFoundError(`no flow ${flow}; flows are ${Object.keys(machines).sort().join(', ') || 'not deployed yet'}`);
  let facts = machineFacts.get(arn);
  if (!facts) {
    facts = stepFunctions()
      .send(new DescribeStateMachineCommand({ stateMachineArn: arn }))
      .then((machine) => ({ express: machine.type === 'EXPRESS', firstStep: firstStateOf(machine.definition) }));
    facts.catch(() => machineFacts.delete(arn));
    machineFacts.set(arn, facts);
  }
  return { arn, ...(await facts) };
}

function firstStateOf(definition: string | undefined): string | undefined {
  try {
    const startAt = (JSON.parse(definition ?? '{}') as { StartAt?: unknown }).StartAt;
    return typeof startAt === 'string' ? startAt : undefined;
  } catch {
    return undefined;
  }
}

interface PageToken {
  /** Index into the flows listed. */
  f: number;
  /** ListExecutions' own token within that flow. */
  t?: string;
  /** For an EXPRESS flow: where the query of its FAILED records stopped. */
  k?: Record<string, unknown>;
}

const encodeToken = (token: PageToken) => Buffer.from(JSON.stringify(token)).toString('base64url');
function decodeToken(text: string): PageToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
    if (Number.isInteger(token.f) && token.f >= 0) return token;
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('invalid query', [{ field: 'nextToken', message: 'is not a token this API gave' }]);
}

/** Stopped instances match `since` by their stop, running ones by their start. */
const matchesSince = (item: ExecutionListItem, since?: string) => !since || (item.stopDate ?? item.startDate ?? new Date(0)).getTime() >= Date.parse(since);

/**
 * `GET /flows`: one page of instances. Each page reads one ListExecutions page of one flow, so
 * a page may hold fewer than `limit` items while `nextToken` still leads on.
 */
export async function listFlows(query: { flow?: string; status?: FlowInstance['status']; since?: string; limit?: number; nextToken?: string }) {
  const flows = query.flow ? [query.flow] : Object.keys(opsEnv().FLOW_STATE_MACHINES).sort();
  const skipped: Array<{ flow: string; reason: string }> = [];
  let token: PageToken = query.nextToken ? decodeToken(query.nextToken) : { f: 0 };
  const items: FlowInstance[] = [];
  while (token.f < flows.length) {
    const flow = flows[token.f];
    const machine = await flowMachine(flow);
    if (machine.express) {
      if (query.status !== 'FAILED') skipped.push({ flow, reason: EXPRESS_UNLISTED(flow) });
      if (query.status !== undefined && query.status !== 'FAILED') {
        token = { f: token.f + 1 };
        continue;
      }
      const page = await new FlowInstances().failed(flow, { since: query.since, limit: query.limit ?? DEFAULT_FLOWS_PAGE, after: token.k });
      items.push(...page.items.map((failed) => recordedInstance(flow, failed)));
      token = page.next ? { f: token.f, k: page.next } : { f: token.f + 1 };
      if (items.length > 0 || page.next) break;
      continue;
    }
    const page = await stepFunctions().send(
      new ListExecutionsCommand({
        stateMachineArn: machine.arn,
        ...(query.status && query.status !== 'PENDING_REDRIVE' ? { statusFilter: query.status } : {}),
        maxResults: query.limit ?? DEFAULT_FLOWS_PAGE,
        nextToken: token.t,
      }),
    );
    const matching = (page.executions ?? []).filter((item) => matchesSince(item, query.since));
    items.push(...(await Promise.all(matching.map((item) => instance(flow, item.executionArn!)))));
    token = page.nextToken ? { f: token.f, t: page.nextToken } : { f: token.f + 1 };
    if (items.length > 0 || page.nextToken) break;
  }
  return {
    items,
    ...(token.f < flows.length ? { nextToken: encodeToken(token) } : {}),
    ...(skipped.length ? { skipped } : {}),
  };
}

/** A FAILED instance of an EXPRESS flow, from its record: not redrivable by Step Functions, and the way back said. */
function recordedInstance(flow: string, failed: Awaited<ReturnType<FlowInstances['failed']>>['items'][number]): FlowInstance {
  return {
    flow,
    businessKey: failed.businessKey,
    status: 'FAILED',
    startedAt: failed.startedAt,
    ...(failed.failedStep ? { step: failed.failedStep } : {}),
    ...(failed.error ? { error: failed.error } : {}),
    ...(failed.cause ? { cause: failed.cause } : {}),
    redriveCount: 0,
    // Step Functions cannot redrive it; the API restarts it when its record kept the input.
    redrivable: failed.restartable,
    ...(failed.restartable ? {} : { notRedrivableReason: `${EXPRESS_REASON(flow)}; ${NO_RECORDED_INPUT(flow)}` }),
  };
}

async function instance(flow: string, executionArn: string): Promise<FlowInstance> {
  const execution = await stepFunctions().send(new DescribeExecutionCommand({ executionArn }));
  const step = await unfinishedStep(executionArn);
  return {
    flow,
    businessKey: execution.name!,
    status: execution.status as FlowInstance['status'],
    startedAt: execution.startDate!.toISOString(),
    ...(execution.stopDate ? { stoppedAt: execution.stopDate.toISOString() } : {}),
    ...(step ? { step } : {}),
    ...(execution.error ? { error: execution.error } : {}),
    ...(execution.cause ? { cause: execution.cause } : {}),
    redriveCount: execution.redriveCount ?? 0,
    redrivable: execution.redriveStatus === 'REDRIVABLE',
    ...(execution.redriveStatus !== 'REDRIVABLE' && execution.redriveStatusReason ? { notRedrivableReason: execution.redriveStatusReason } : {}),
  };
}

/** The latest step entered and not exited, from the newest history events. */
async function unfinishedStep(executionArn: string): Promise<string | undefined> {
  const { events = [] } = await stepFunctions().send(
    new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: HISTORY_EVENTS_FOR_STEP, includeExecutionData: false }),
  );
  const exited = new Set<string>();
  for (const event of events) {
    if (event.type === 'ExecutionSucceeded') return undefined;
    const leaving = event.stateExitedEventDetails?.name;
    if (leaving) exited.add(leaving);
    const entering = event.stateEnteredEventDetails?.name;
    if (entering && !exited.has(entering)) return entering;
  }
  return undefined;
}

/** Redrives one instance; 409 with AWS's reason when it may not be. */
export async function redriveOne(flow: string, businessKey: string): Promise<RedriveResult> {
  const machine = await flowMachine(flow);
  if (machine.express) {
    const result = await restart(flow, machine, businessKey);
    if (result.result === 'not-found') throw new NotFoundError(`no ${flow} flow for ${businessKey}`);
    if (result.result === 'not-redrivable') throw new ConflictError(`${flow} ${businessKey} cannot be restarted: ${result.reason}`);
    return result;
  }
  const executionArn = executionArnFor(machine.arn, businessKey);
  let execution: DescribeExecutionCommandOutput;
  try {
    execution = await stepFunctions().send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) throw new NotFoundError(`no ${flow} flow for ${businessKey}`);
    throw error;
  }
  const result = await redrive(flow, execution);
  if (result.result === 'not-redrivable') throw new ConflictError(`${flow} ${businessKey} cannot be redriven: ${result.reason}`);
  return result;
}

async function redrive(flow: string, execution: DescribeExecutionCommandOutput, dryRun = false): Promise<RedriveResult> {
  const base = { flow, businessKey: execution.name! };
  if (execution.redriveStatus !== 'REDRIVABLE') return { ...base, result: 'not-redrivable', reason: execution.redriveStatusReason ?? `it is ${execution.status}` };
  const fromStep = await unfinishedStep(execution.executionArn!);
  const where = fromStep ? { fromStep } : {};
  if (dryRun) return { ...base, result: 'would-redrive', ...where };
  try {
    // The client token makes a retried call (a lost answer) the same redrive, not a second one.
    await stepFunctions().send(new RedriveExecutionCommand({ executionArn: execution.executionArn!, clientToken: `redrive-${(execution.redriveCount ?? 0) + 1}` }));
    return { ...base, result: 'redriven', ...where, redriveCount: (execution.redriveCount ?? 0) + 1 };
  } catch (error) {
    if (error instanceof ExecutionNotRedrivable) return { ...base, result: 'not-redrivable', reason: error.message };
    return { ...base, result: 'failed', reason: (error as Error).message };
  }
}

/**
 * Starts a FAILED instance of an EXPRESS flow again, from its first step with the input its record
 * kept. The claim is the intake's own conditional write: a racing redelivery of the instance's
 * event, or a second restart, finds it RUNNING and starts nothing, so the instance starts once.
 */
async function restart(flow: string, machine: { arn: string } & MachineFacts, businessKey: string, dryRun = false): Promise<RedriveResult | { result: 'not-found' }> {
  const base = { flow, businessKey, ...(machine.firstStep ? { fromStep: machine.firstStep } : {}) };
  const recorded = await new FlowInstances().restartable(flow, businessKey);
  if (!recorded) return { result: 'not-found' };
  if (recorded.status !== 'FAILED') return { flow, businessKey, result: 'not-redrivable', reason: `it is ${recorded.status}; only a FAILED instance is restarted` };
  if (recorded.input === undefined) return { flow, businessKey, result: 'not-redrivable', reason: NO_RECORDED_INPUT(flow) };
  if (dryRun) return { ...base, result: 'would-restart' };
  try {
    const started = await startInstance({ flow, businessKey, stateMachineArn: machine.arn, input: recorded.input, claimSeconds: EXPRESS_CLAIM_SECONDS });
    if (started.status === 'duplicate') return { flow, businessKey, result: 'not-redrivable', reason: 'it was started again meanwhile (its event came back, or another restart)' };
    return { ...base, result: 'restarted' };
  } catch (error) {
    return { flow, businessKey, result: 'failed', reason: (error as Error).message };
  }
}

/** Restarts every FAILED instance of an EXPRESS flow (started since a time), up to the per-call limit. */
async function restartMatching(flow: string, machine: { arn: string } & MachineFacts, filter: { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; since?: string; dryRun?: boolean }) {
  if (filter.status !== 'FAILED') {
    throw new ValidationError('cannot redrive', [{ field: 'status', message: `${flow} runs as an EXPRESS state machine and records only its FAILED instances: use FAILED` }]);
  }
  const keys: string[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await new FlowInstances().failed(flow, { since: filter.since, limit: BULK_REDRIVE_LIMIT + 1 - keys.length, after });
    keys.push(...page.items.map((item) => item.businessKey));
    after = page.next;
  } while (after && keys.length <= BULK_REDRIVE_LIMIT);
  const batch = keys.slice(0, BULK_REDRIVE_LIMIT);
  const results: RedriveResult[] = [];
  for (let i = 0; i < batch.length; i += REDRIVE_CONCURRENCY) {
    const slice = batch.slice(i, i + REDRIVE_CONCURRENCY).map(async (key) => restart(flow, machine, key, filter.dryRun));
    // An instance gone between the query and its read (restarted, then succeeded) is not counted as failing.
    for (const result of await Promise.all(slice)) if (result.result !== 'not-found') results.push(result);
  }
  return summary(flow, filter, 'restart', keys.length, keys.length > batch.length, results, filter.dryRun ? 'would-restart' : 'restarted');
}

function summary(
  flow: string,
  filter: { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; since?: string; dryRun?: boolean },
  recovery: 'redrive' | 'restart',
  matched: number,
  more: boolean,
  results: RedriveResult[],
  done: RedriveResult['result'],
) {
  const count = (result: RedriveResult['result']) => results.filter((r) => r.result === result).length;
  return {
    flow,
    status: filter.status,
    ...(filter.since ? { since: filter.since } : {}),
    dryRun: filter.dryRun ?? false,
    recovery,
    matched,
    redriven: count(done),
    notRedrivable: count('not-redrivable'),
    failed: count('failed'),
    more,
    results,
  };
}

/** Redrives every instance of a flow in a status (stopped since a time), up to the per-call limit. */
export async function redriveMatching(flow: string, filter: { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; since?: string; dryRun?: boolean }) {
  const machine = await flowMachine(flow);
  if (machine.express) return restartMatching(flow, machine, filter);
  const matches: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stepFunctions().send(new ListExecutionsCommand({ stateMachineArn: machine.arn, statusFilter: filter.status, maxResults: 1000, nextToken }));
    matches.push(...(page.executions ?? []).filter((item) => matchesSince(item, filter.since)));
    nextToken = page.nextToken;
  } while (nextToken);
  const batch = matches.slice(0, BULK_REDRIVE_LIMIT);
  const results: RedriveResult[] = [];
  for (let i = 0; i < batch.length; i += REDRIVE_CONCURRENCY) {
    const slice = batch.slice(i, i + REDRIVE_CONCURRENCY);
    const described = slice.map(async (item) => stepFunctions().send(new DescribeExecutionCommand({ executionArn: item.executionArn! })));
    results.push(...(await Promise.all(described.map(async (execution) => redrive(flow, await execution, filter.dryRun)))));
  }
  return summary(flow, filter, 'redrive', matches.length, matches.length > batch.length, results, filter.dryRun ? 'would-redrive' : 'redriven');
}
