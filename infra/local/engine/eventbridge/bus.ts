/**
 * Local EventBridge: PutEvents with the API's validation and per-entry results, rule matching on
 * each bus, target input shaping, and asynchronous delivery with the target's retry policy and
 * dead-letter queue (AWS docs: "Event retry policy and using dead-letter queues").
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-error';
import { LOCAL_ACCOUNT, LOCAL_REGION, localArn, type LocalArchive, type LocalModel, type LocalRule, type LocalTarget } from '../model';
import type { LocalSqs } from '../sqs';
import { matchesPattern, validatePattern } from './pattern';
import { transformTargetInput } from './transform';

export interface TargetDelivery {
  /** Asynchronous Lambda invocation (InvocationType Event): resolves when the invocation is accepted. Rejects with an AwsServiceError when the function does not exist. */
  invokeLambdaAsync(functionArn: string, payload: string): Promise<void>;
  /** StartExecution with an EventBridge-style generated name. */
  startExecution(stateMachineArn: string, input: string): Promise<void>;
}

export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  /** A bus name or ARN; the default bus when omitted. */
  EventBusName?: string;
  Resources?: string[];
  /** Epoch seconds as the JSON protocol sends it (a Date or ISO string is accepted too). */
  Time?: number | string | Date;
  TraceHeader?: string;
}

export interface PutEventsInput {
  Entries?: PutEventsRequestEntry[];
  EndpointId?: string;
}

export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface LocalEventBridgeOptions {
  model: Pick<LocalModel, 'eventBuses' | 'rules' | 'archives'>;
  /** Virtual clock (ms): event time, ingestion time and MaximumEventAgeInSeconds. */
  now: () => number;
  deliver: TargetDelivery;
  sqs: LocalSqs;
  log?: (line: string) => void;
  /** Real-time wait before retry `attempt` (1 = the first retry). */
  retryDelayMs?: (attempt: number) => number;
}

const DEFAULT_BUS = 'default';
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;
// The entry-size rule counts a Time parameter as 14 bytes.
const TIME_BYTES = 14;
// RetryPolicy defaults (PutTargets API reference).
const DEFAULT_MAX_RETRIES = 185;
const DEFAULT_MAX_AGE_SECONDS = 86_400;
// A rule on bus A targeting bus B whose rule targets A would loop forever; AWS blocks such
// chains with hop detection, so cap them here.
const MAX_BUS_HOPS = 5;
// A replay sends this many archived events, waits for their deliveries and this long (real time)
// before the next ones. Our pace: AWS replays take minutes and document no rate; a paced replay can
// be cancelled while it runs, and the targets' work keeps up with it.
const REPLAY_BATCH = 10;
const REPLAY_BATCH_INTERVAL_MS = 20;
const NOT_FOUND_CODES = new Set([
  'ResourceNotFoundException',
  'StateMachineDoesNotExist',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
]);
const NO_PERMISSION_CODES = new Set(['AccessDeniedException', 'AccessDenied', 'KMSAccessDeniedException']);
const THROTTLING_CODES = new Set(['ThrottlingException', 'TooManyRequestsException', 'ThrottledException']);

/** Why a delivery failed, in the ERROR_CODE vocabulary EventBridge writes to dead-letter queues. */
class DeliveryFailure extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** ISO 8601 without milliseconds, as EventBridge writes `time`. */
export const eventTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class LocalEventBridge {
  private readonly buses: Set<string>;
  private readonly rules: LocalRule[];
  private readonly archiveModels: LocalArchive[];
  private readonly replays = new Map<string, Replay>();
  private readonly archives = new Map<string, EventEnvelope[]>();
  private readonly now: () => number;
  private readonly deliver: TargetDelivery;
  private readonly sqs: LocalSqs;
  private readonly log: (line: string) => void;
  private readonly retryDelayMs: (attempt: number) => number;
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private closed = false;

  constructor(options: LocalEventBridgeOptions) {
    this.buses = new Set([DEFAULT_BUS, ...options.model.eventBuses]);
    this.rules = options.model.rules;
    this.archiveModels = options.model.archives ?? [];
    this.now = options.now;
    this.deliver = options.deliver;
    this.sqs = options.sqs;
    this.log = options.log ?? ((line) => console.log(line));
    // AWS retries with exponential backoff and jitter; locally a short linear wait keeps runs fast.
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => 10 * attempt);
    for (const rule of this.rules) {
      if (!rule.eventPattern) continue;
      try {
        validatePattern(rule.eventPattern);
      } catch (error) {
        throw new Error(`Rule ${rule.name} (${rule.stackName}/${rule.logicalId}) has an invalid event pattern: ${(error as Error).message}`);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // API

  async PutEvents(input: PutEventsInput): Promise<PutEventsOutput> {
    const entries = input?.Entries;
    if (entries === undefined || entries === null) {
      throw validation("Value null at 'entries' failed to satisfy constraint: Member must not be null");
    }
    if (!Array.isArray(entries)) throw new AwsServiceError('SerializationException', 'Entries must be a list.');
    if (entries.length < 1) {
      throw validation("Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }
    if (entries.length > MAX_ENTRIES) {
      throw validation(
        `Value '[${entries.map(describeEntry).join(', ')}]' at 'entries' failed to satisfy constraint: ` +
          `Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    if (entries.reduce((total, entry) => total + entrySize(entry), 0) > MAX_REQUEST_BYTES) {
      throw new AwsServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }

    const ingestedAt = this.now();
    const results = entries.map((entry) => this.accept(entry, ingestedAt));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode !== undefined).length, Entries: results };
  }

  // Inspection, as engineers use it from the AWS CLI (`aws events list-rules --event-bus-name …`).

  async ListRules(input: { EventBusName?: string; NamePrefix?: string; Limit?: number; NextToken?: string } = {}) {
    const bus = this.knownBus(input.EventBusName);
    const rules = this.rules.filter((r) => r.eventBusName === bus && (!input.NamePrefix || r.name.startsWith(input.NamePrefix)));
    const { items, next } = pageOf(rules, input.Limit, input.NextToken);
    return { Rules: items.map(describeRule), ...(next ? { NextToken: next } : {}) };
  }

  async DescribeRule(input: { Name: string; EventBusName?: string }) {
    return { ...describeRule(this.rule(input.Name, input.EventBusName)), CreatedBy: LOCAL_ACCOUNT };
  }

  async ListTargetsByRule(input: { Rule: string; EventBusName?: string; Limit?: number; NextToken?: string }) {
    const { items, next } = pageOf(this.rule(input.Rule, input.EventBusName).targets, input.Limit, input.NextToken);
    return { Targets: items.map(describeTarget), ...(next ? { NextToken: next } : {}) };
  }

  // Archives and replay: the archive holds what its bus accepted and its pattern matches; a replay
  // sends the events of a time window again to the rules of a bus (all, or those in FilterArns).

  async ListArchives(input: { EventSourceArn?: string; NamePrefix?: string } = {}) {
    const archives = this.archiveModels.filter(
      (a) => (!input.NamePrefix || a.name.startsWith(input.NamePrefix)) && (!input.EventSourceArn || busName(input.EventSourceArn) === a.eventBusName),
    );
    return {
      Archives: archives.map((a) => ({
        ArchiveName: a.name,
        EventSourceArn: localArn('events', `event-bus/${a.eventBusName}`),
        State: 'ENABLED',
        ...(a.retentionDays !== undefined ? { RetentionDays: a.retentionDays } : {}),
        EventCount: this.archivedIn(a).length,
        SizeBytes: this.archivedIn(a).reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0),
      })),
    };
  }

  async StartReplay(input: { ReplayName: string; EventSourceArn: string; EventStartTime: number; EventEndTime: number; Destination: { Arn: string; FilterArns?: string[] }; Description?: string }) {
    if (!input?.ReplayName || !/^[.\-_A-Za-z0-9]{1,64}$/.test(input.ReplayName)) throw validation('ReplayName must be 1-64 characters of [.-_A-Za-z0-9]');
    if (this.replays.has(input.ReplayName)) throw new AwsServiceError('ResourceAlreadyExistsException', `Replay ${input.ReplayName} already exists.`);
    const archive = this.archiveModels.find((a) => localArn('events', `archive/${a.name}`) === input.EventSourceArn || a.arn === input.EventSourceArn);
    if (!archive) throw new AwsServiceError('ResourceNotFoundException', `Archive ${input.EventSourceArn} does not exist.`);
    const start = Number(input.EventStartTime) * 1000;
    const end = Number(input.EventEndTime) * 1000;
    if (!(start < end)) throw validation('EventStartTime must be before EventEndTime.');
    if (end > this.now()) throw validation('EventEndTime must not be in the future.');
    const destination = busName(input.Destination?.Arn ?? '');
    if (destination !== archive.eventBusName) throw validation('Destination must be the event bus the archive is of.');
    const replay: Replay = {
      ReplayName: input.ReplayName,
      ReplayArn: localArn('events', `replay/${input.ReplayName}`),
      EventSourceArn: input.EventSourceArn,
      Destination: input.Destination,
      EventStartTime: start / 1000,
      EventEndTime: end / 1000,
      ReplayStartTime: this.now() / 1000,
      State: 'STARTING',
      ...(input.Description ? { Description: input.Description } : {}),
    };
    this.replays.set(input.ReplayName, replay);
    const events = this.archivedIn(archive).filter((e) => Date.parse(e.time) >= start && Date.parse(e.time) < end);
    const rules = this.rules.filter(
      (r) => r.eventBusName === destination && r.state === 'ENABLED' && r.eventPattern && (!input.Destination.FilterArns?.length || input.Destination.FilterArns.includes(r.arn)),
    );
    setImmediate(() => void this.runReplay(replay, events, rules));
    return { ReplayArn: replay.ReplayArn, State: replay.State, ReplayStartTime: replay.ReplayStartTime };
  }

  async DescribeReplay(input: { ReplayName: string }) {
    return { ...this.replay(input?.ReplayName) };
  }

  /** "Filter parameters are exclusive" (ListReplays API reference): at most one of them. */
  async ListReplays(input: { NamePrefix?: string; State?: ReplayState; EventSourceArn?: string; Limit?: number; NextToken?: string } = {}) {
    const filters = (['NamePrefix', 'State', 'EventSourceArn'] as const).filter((name) => input[name] !== undefined);
    if (filters.length > 1) throw validation(`Filter parameters are exclusive: give one of NamePrefix, State, EventSourceArn, not ${filters.join(' and ')}.`);
    if (input.State !== undefined && !REPLAY_STATES.includes(input.State)) {
      throw validation(`Value '${input.State}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${REPLAY_STATES.join(', ')}]`);
    }
    const replays = [...this.replays.values()].filter(
      (r) =>
        (input.NamePrefix === undefined || r.ReplayName.startsWith(input.NamePrefix)) &&
        (input.State === undefined || r.State === input.State) &&
        (input.EventSourceArn === undefined || r.EventSourceArn === input.EventSourceArn),
    );
    const { items, next } = pageOf(replays, input.Limit, input.NextToken);
    // The list's entries are DescribeReplay's without the ARN, description and destination.
    const Replays = items.map(({ ReplayArn: _arn, Description: _description, Destination: _destination, ...summary }) => summary);
    return { Replays, ...(next ? { NextToken: next } : {}) };
  }

  /** A STARTING or RUNNING replay stops after the events it is sending (CANCELLING, then CANCELLED). */
  async CancelReplay(input: { ReplayName: string }) {
    const replay = this.replay(input?.ReplayName);
    if (replay.State !== 'STARTING' && replay.State !== 'RUNNING') {
      throw new AwsServiceError('IllegalStatusException', `Replay ${replay.ReplayName} is ${replay.State}: a replay can be cancelled only when it is STARTING or RUNNING.`);
    }
    replay.State = 'CANCELLING';
    return { ReplayArn: replay.ReplayArn, State: replay.State };
  }

  private replay(name: string | undefined): Replay {
    const replay = name === undefined ? undefined : this.replays.get(name);
    if (!replay) throw new AwsServiceError('ResourceNotFoundException', `Replay ${name} does not exist.`);
    return replay;
  }

  private async runReplay(replay: Replay, events: EventEnvelope[], rules: LocalRule[]): Promise<void> {
    if (replay.State === 'STARTING') replay.State = 'RUNNING';
    for (let i = 0; i < events.length && replay.State === 'RUNNING'; i += REPLAY_BATCH) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, REPLAY_BATCH_INTERVAL_MS));
      if (replay.State !== 'RUNNING' || this.closed) break;
      const deliveries: Array<Promise<void>> = [];
      for (const event of events.slice(i, i + REPLAY_BATCH)) {
        // Replayed events carry the replay's name and are not archived again, as in AWS.
        const replayed = { ...event, 'replay-name': replay.ReplayName } as EventEnvelope;
        for (const rule of rules) if (matchesPattern(rule.eventPattern!, replayed)) deliveries.push(...this.deliverToRule(rule, replayed, this.now(), 0));
        replay.EventLastReplayedTime = Date.parse(event.time) / 1000;
      }
      await Promise.allSettled(deliveries);
    }
    if (replay.State === 'CANCELLING') {
      replay.State = 'CANCELLED';
      replay.StateReason = 'Replay was cancelled.';
    } else {
      replay.State = 'COMPLETED';
    }
    replay.ReplayEndTime = this.now() / 1000;
  }

  private archivedIn(archive: LocalArchive): EventEnvelope[] {
    return (this.archives.get(archive.eventBusName) ?? []).filter((e) => !archive.eventPattern || matchesPattern(archive.eventPattern, e));
  }

  private knownBus(nameOrArn?: string): string {
    const bus = busName(nameOrArn || DEFAULT_BUS);
    if (!this.buses.has(bus)) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
    return bus;
  }

  private rule(name: string, eventBusName?: string): LocalRule {
    const bus = this.knownBus(eventBusName);
    const rule = this.rules.find((r) => r.name === name && r.eventBusName === bus);
    if (!rule) throw new AwsServiceError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);
    return rule;
  }

  /** Every event accepted on a bus (name or ARN), oldest first. */
  archive(bus: string = DEFAULT_BUS): EventEnvelope[] {
    return [...(this.archives.get(busName(bus)) ?? [])];
  }

  /** Rules a scheduler runs (they have a schedule expression instead of an event pattern). */
  scheduledRules(): LocalRule[] {
    return this.rules.filter((rule) => rule.scheduleExpression !== undefined);
  }

  /**
   * Delivers the "Scheduled Event" EventBridge sends when a schedule fires to the rule's targets,
   * with the same retries and dead-letter handling. Nothing happens for a disabled rule.
   */
  runScheduledRule(rule: LocalRule): EventEnvelope | undefined {
    if (rule.state !== 'ENABLED') return undefined;
    const now = this.now();
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: eventTime(now),
      region: LOCAL_REGION,
      resources: [rule.arn],
      detail: {},
    };
    this.deliverToRule(rule, event, now, 0);
    return event;
  }

  /** Deliveries started and not yet finished (including ones waiting to retry). */
  get inFlight(): number {
    return this.pending;
  }

  /** Resolves once no delivery is in flight. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Abandons pending retries (shutdown, test teardown); later deliveries are not started. */
  close(): void {
    this.closed = true;
    for (const sleeper of this.sleeping) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    this.sleeping.clear();
  }

  // -------------------------------------------------------------------------------------------
  // Ingestion and routing

  private accept(entry: PutEventsRequestEntry, ingestedAt: number): PutEventsResultEntry {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      const value = entry?.[field];
      if (typeof value !== 'string' || value.trim() === '') {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
        };
      }
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail!);
    } catch {
      detail = undefined;
    }
    if (!isObject(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const time = entry.Time === undefined || entry.Time === null ? ingestedAt : parseTime(entry.Time);
    if (time === undefined) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid. Reason: Time must be a timestamp.' };
    }
    const bus = busName(entry.EventBusName || DEFAULT_BUS);
    if (!this.buses.has(bus)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    }

    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType!,
      source: entry.Source!,
      account: LOCAL_ACCOUNT,
      time: eventTime(time),
      region: LOCAL_REGION,
      resources: entry.Resources ?? [],
      detail,
    };
    this.route(bus, event, ingestedAt, 0);
    return { EventId: event.id };
  }

  private route(bus: string, event: EventEnvelope, ingestedAt: number, hops: number): void {
    let archived = this.archives.get(bus);
    if (!archived) this.archives.set(bus, (archived = []));
    archived.push(event);
    // Matched now, against the rules as they are at ingestion; delivered later.
    for (const rule of this.rules) {
      if (rule.eventBusName !== bus || rule.state !== 'ENABLED' || !rule.eventPattern) continue;
      if (matchesPattern(rule.eventPattern, event)) this.deliverToRule(rule, event, ingestedAt, hops);
    }
  }

  /** Starts a delivery to each of the rule's targets; the promises settle when each is done (retries included). */
  private deliverToRule(rule: LocalRule, event: EventEnvelope, ingestedAt: number, hops: number): Array<Promise<void>> {
    if (this.closed) return [];
    return rule.targets.map((target) => {
      this.pending++;
      return this.deliverToTarget(rule, target, event, ingestedAt, hops).finally(() => {
        if (--this.pending === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      });
    });
  }

  // -------------------------------------------------------------------------------------------
  // Delivery

  private async deliverToTarget(
    rule: LocalRule,
    target: LocalTarget,
    event: EventEnvelope,
    ingestedAt: number,
    hops: number,
  ): Promise<void> {
    // PutEvents answers before any target sees the event.
    await new Promise((resolve) => setImmediate(resolve));
    const maxRetries = target.retryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRIES;
    const maxAgeMs = (target.retryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return;
      let failure: DeliveryFailure;
      try {
        await this.dispatch(rule, target, event, ingestedAt, hops);
        return;
      } catch (error) {
        failure = classify(error);
      }
      if (this.closed) return;
      const retries = attempt - 1;
      if (!failure.retryable) return this.giveUp(rule, target, event, failure, retries);
      if (retries >= maxRetries) return this.giveUp(rule, target, event, failure, retries, 'MaximumRetryAttempts');
      await this.sleep(this.retryDelayMs(attempt));
      if (this.closed) return;
      if (this.now() - ingestedAt >= maxAgeMs) {
        return this.giveUp(rule, target, event, failure, retries, 'MaximumEventAgeInSeconds');
      }
    }
  }

  private async dispatch(
    rule: LocalRule,
    target: LocalTarget,
    event: EventEnvelope,
    ingestedAt: number,
    hops: number,
  ): Promise<void> {
    const service = target.arn.split(':')[2];
    if (service === 'events') return this.forward(target.arn, event, ingestedAt, hops);

    let input: string;
    try {
      input = transformTargetInput(
        { Input: target.input, InputPath: target.inputPath, InputTransformer: target.inputTransformer },
        event as unknown as Record<string, unknown>,
        { ruleName: rule.name, ruleArn: rule.arn, ingestionTime: eventTime(ingestedAt) },
      );
    } catch (error) {
      throw new DeliveryFailure('INVALID_PARAMETER', (error as Error).message, false);
    }
    switch (service) {
      case 'lambda':
        requireJson(input);
        return this.deliver.invokeLambdaAsync(target.arn, input);
      case 'states':
        requireJson(input);
        return this.deliver.startExecution(target.arn, input);
      case 'sqs':
        await this.sqs.sendToArn(target.arn, input);
        return;
      default:
        throw new DeliveryFailure('INVALID_PARAMETER', `Targets of service "${service}" are not supported locally (${target.arn})`, false);
    }
  }

  // Bus-to-bus: the same event (same id) is put on the other bus and matched against its rules.
  private async forward(arn: string, event: EventEnvelope, ingestedAt: number, hops: number): Promise<void> {
    const bus = busName(arn);
    if (!this.buses.has(bus)) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
    if (hops + 1 > MAX_BUS_HOPS) {
      throw new DeliveryFailure('INVALID_PARAMETER', `Event ${event.id} crossed more than ${MAX_BUS_HOPS} event buses (a routing loop?)`, false);
    }
    this.route(bus, event, ingestedAt, hops + 1);
  }

  private async giveUp(
    rule: LocalRule,
    target: LocalTarget,
    event: EventEnvelope,
    failure: DeliveryFailure,
    retries: number,
    exhausted?: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds',
  ): Promise<void> {
    const what = `event ${event.id} (rule ${rule.name}, target ${target.id} ${target.arn}) after ${retries + 1} attempt(s): ${failure.errorCode} ${failure.message}`;
    if (!target.deadLetterArn) {
      this.log(`[eventbridge] dropped ${what} (no dead-letter queue)`);
      return;
    }
    // The message attributes EventBridge puts on dead-lettered events; the body is the event.
    const attributes: Record<string, string> = {
      RULE_ARN: rule.arn,
      TARGET_ARN: target.arn,
      ERROR_CODE: failure.errorCode,
      ERROR_MESSAGE: failure.message || failure.errorCode, // SQS rejects empty attribute values
      RETRY_ATTEMPTS: String(retries),
      ...(exhausted && { EXHAUSTED_RETRY_CONDITION: exhausted }),
    };
    try {
      await this.sqs.sendToArn(target.deadLetterArn, JSON.stringify(event), attributes);
      this.log(`[eventbridge] sent to dead-letter queue ${target.deadLetterArn}: ${what}`);
    } catch (error) {
      this.log(`[eventbridge] dropped ${what}; the dead-letter queue ${target.deadLetterArn} failed: ${(error as Error).message}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleeping.delete(sleeper);
          resolve();
        }, Math.max(0, ms)),
        resolve,
      };
      this.sleeping.add(sleeper);
    });
  }
}

// ---------------------------------------------------------------------------------------------

const validation = (constraint: string) =>
  new AwsServiceError('ValidationException', `1 validation error detected: ${constraint}`);

interface Replay {
  ReplayName: string;
  ReplayArn: string;
  EventSourceArn: string;
  Destination: { Arn: string; FilterArns?: string[] };
  EventStartTime: number;
  EventEndTime: number;
  ReplayStartTime: number;
  ReplayEndTime?: number;
  EventLastReplayedTime?: number;
  State: ReplayState;
  StateReason?: string;
  Description?: string;
}

const REPLAY_STATES = ['STARTING', 'RUNNING', 'CANCELLING', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
type ReplayState = (typeof REPLAY_STATES)[number];

function describeRule(rule: LocalRule) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventBusName: rule.eventBusName,
    State: rule.state,
    ...(rule.eventPattern ? { EventPattern: JSON.stringify(rule.eventPattern) } : {}),
    ...(rule.scheduleExpression ? { ScheduleExpression: rule.scheduleExpression } : {}),
  };
}

function describeTarget(target: LocalTarget) {
  return {
    Id: target.id,
    Arn: target.arn,
    ...(target.input !== undefined ? { Input: target.input } : {}),
    ...(target.inputPath !== undefined ? { InputPath: target.inputPath } : {}),
    ...(target.inputTransformer ? { InputTransformer: target.inputTransformer } : {}),
    ...(target.retryPolicy ? { RetryPolicy: target.retryPolicy } : {}),
    ...(target.deadLetterArn ? { DeadLetterConfig: { Arn: target.deadLetterArn } } : {}),
  };
}

/** `Limit` / `NextToken` paging (the token is an offset). */
function pageOf<T>(items: T[], limit = 100, token?: string): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw validation('NextToken is invalid.');
  const end = start + Math.max(1, Math.min(limit || 100, 100));
  return { items: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}) };
}

/** `default`, `name`, or `arn:aws:events:<region>:<account>:event-bus/<name>` → name. */
function busName(nameOrArn: string): string {
  const arn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return arn ? arn[1] : nameOrArn;
}

// "Calculating PutEvents event entry size" (EventBridge User Guide).
function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  let size = entry?.Time !== undefined && entry?.Time !== null ? TIME_BYTES : 0;
  size += bytes(entry?.Source) + bytes(entry?.DetailType) + bytes(entry?.Detail);
  for (const resource of entry?.Resources ?? []) size += bytes(resource);
  return size;
}

function describeEntry(entry: PutEventsRequestEntry): string {
  const fields = (['Time', 'Source', 'Resources', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader'] as const)
    .filter((key) => entry?.[key] !== undefined)
    .map((key) => `${key}=${Array.isArray(entry[key]) ? `[${(entry[key] as string[]).join(', ')}]` : String(entry[key])}`);
  return `PutEventsRequestEntry(${fields.join(', ')})`;
}

function parseTime(value: number | string | Date): number | undefined {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value * 1000;
  else if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

// Lambda and Step Functions take JSON; EventBridge reports a transformed input that is not as INVALID_JSON.
function requireJson(input: string): void {
  try {
    JSON.parse(input);
  } catch {
    throw new DeliveryFailure('INVALID_JSON', 'The target input is not valid JSON.', false);
  }
}

function classify(error: unknown): DeliveryFailure {
  if (error instanceof DeliveryFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof AwsServiceError ? error.code : (error as { name?: string })?.name;
  // A missing or forbidden target fails every retry too: AWS sends it to the DLQ at once.
  if (code && NOT_FOUND_CODES.has(code)) return new DeliveryFailure('NO_RESOURCE', message, false);
  if (code && NO_PERMISSION_CODES.has(code)) return new DeliveryFailure('NO_PERMISSIONS', message, false);
  if (code && THROTTLING_CODES.has(code)) return new DeliveryFailure('THROTTLING', message, true);
  return new DeliveryFailure('ERROR_FROM_TARGET', code && code !== 'Error' ? `${code}: ${message}` : message, true);
}
