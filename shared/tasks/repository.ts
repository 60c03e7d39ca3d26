import {
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { documents } from '../aws';
import { DynamoTable, names, type UpdateExpression } from '../dynamo';
import { SECOND, addMs } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { TaskHistoryEntry, TaskRecord, TaskSpec, TaskStatus } from './model';

export interface TaskRepositoryOptions {
  tasksTable: string;
  recordsTable: string;
  client?: DynamoDBDocumentClient;
}

export interface OpenTaskInput {
  executionArn: string;
  stepId: string;
  spec: TaskSpec;
  taskToken: string;
  now: string;
}

export interface TaskListQuery {
  status?: TaskStatus;
  kind?: string;
  role?: string;
  businessKey?: string;
  /** Only tasks for one of these roles (the caller's, for an inbox of what they may act on). */
  anyRole?: string[];
  limit?: number;
  nextToken?: string;
}

export interface TaskPage {
  items: TaskRecord[];
  nextToken?: string;
}

export interface DecisionInput {
  outcome: string;
  reason?: string;
  data?: Record<string, unknown>;
}

export interface EscalationInput {
  role: string;
  now: string;
  slaSeconds: number;
}

const BY_STATUS = 'byStatus';
const BY_BUSINESS_KEY = 'byBusinessKey';
/** The inbox: what still waits for a person, in this order. */
const INBOX: TaskStatus[] = ['open', 'claimed'];
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
/** Items read per query while filtering, so sparse matches do not cost one round trip each. */
const FILTERED_BATCH = 25;
/** Optimistic updates retry when the task changed between the read and the write. */
const MAX_ATTEMPTS = 5;

/** Where a list continues: which partition of the query, and the key to start after. */
interface Cursor {
  index: string;
  partition: number;
  key?: Record<string, string>;
}

/** One index query split into partitions (the inbox spans two status partitions). */
interface ListPlan {
  index: string;
  hashKey: string;
  keyAttributes: string[];
  partitions: string[];
  forward: boolean;
  filters: Record<string, string>;
  anyRole?: string[];
}

/** Drops undefined values at any depth, whatever the client's marshalling options. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The alias exists (a retry or a reopen) or another open of the same step is in flight. */
function isLostRace(error: unknown): boolean {
  if ((error as Error)?.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  const codes = reasons.map((reason) => reason.Code).filter((code) => code && code !== 'None');
  return codes.length > 0 && codes.every((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Tasks table. Every state change is one conditional write, so the rules (one claimant, one
 * decision, no stale expiry) hold however many Lambdas race. Never logs: records hold the token.
 */
export class TaskRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tasksTable: string;
  private readonly recordsTable: string;
  private readonly tasks: DynamoTable;
  private readonly records: DynamoTable;

  constructor(options: TaskRepositoryOptions) {
    this.client = options.client ?? documents();
    this.tasksTable = options.tasksTable;
    this.recordsTable = options.recordsTable;
    this.tasks = new DynamoTable(this.tasksTable, 'taskId', this.client);
    this.records = new DynamoTable(this.recordsTable, 'pk', this.client);
  }

  // --- Opening -------------------------------------------------------------------------------

  /** Creates the step's task, or hands it the new token of a flow that waits again. */
  async openOrReopen(input: OpenTaskInput): Promise<TaskRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const created = await this.tryCreate(input);
      if (created) return created;
      const existing = await this.findByStep(input.executionArn, input.stepId);
      const result = existing && (await this.reopen(existing, input));
      if (result) return result;
      // A concurrent first open may not be visible yet.
      await sleep(10 * (attempt + 1));
    }
    throw new ConflictError(`task for step ${input.stepId} changed concurrently; try again`);
  }

  private async tryCreate({ executionArn, stepId, spec, taskToken, now }: OpenTaskInput): Promise<TaskRecord | undefined> {
    const task: TaskRecord = plain({
      ...spec,
      taskId: ulid(),
      executionArn,
      status: 'open',
      createdAt: now,
      dueAt: addMs(now, spec.slaSeconds * SECOND),
      escalationLevel: 0,
      history: [{ type: 'created', actor: 'system', at: now, role: spec.role }],
      taskToken,
      tokenVersion: 1,
    });
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tasksTable, Item: task, ConditionExpression: 'attribute_not_exists(taskId)' } },
            {
              Put: {
                TableName: this.recordsTable,
                Item: { ...this.aliasKey(executionArn, stepId), taskId: task.taskId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return task;
    } catch (error) {
      if (isLostRace(error)) return undefined;
      throw error;
    }
  }

  /** Undefined when the task changed in between (the caller re-reads and tries again). */
  private async reopen(task: TaskRecord, { spec, taskToken, now }: OpenTaskInput): Promise<TaskRecord | undefined> {
    if (task.status === 'completed' || task.taskToken === taskToken) return task;
    const entry: TaskHistoryEntry = { type: 'reopened', actor: 'system', at: now, level: task.escalationLevel, role: task.role };
    return this.update(task.taskId, {
      UpdateExpression:
        'SET taskToken = :token, tokenVersion = tokenVersion + :one, #status = :open, dueAt = :due, ' +
        'history = list_append(history, :entry) REMOVE claimedBy',
      ConditionExpression: 'attribute_exists(taskId) AND tokenVersion = :seen AND #status <> :completed',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':token': taskToken,
        ':one': 1,
        ':open': 'open',
        ':due': addMs(now, spec.slaSeconds * SECOND),
        ':entry': [entry],
        ':seen': task.tokenVersion,
        ':completed': 'completed',
      },
    });
  }

  // --- Reading -------------------------------------------------------------------------------

  async findByStep(executionArn: string, stepId: string): Promise<TaskRecord | undefined> {
    const alias = await this.records.get<{ taskId: string }>(this.aliasKey(executionArn, stepId));
    return alias ? this.get(alias.taskId) : undefined;
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    return this.tasks.get<TaskRecord>({ taskId });
  }

  /** One page of tasks; filtered queries keep reading until the page is full or nothing is left. */
  async list(query: TaskListQuery): Promise<TaskPage> {
    const limit = pageLimit(query.limit);
    const plan = listPlan(query);
    let cursor: Cursor | undefined = query.nextToken ? decodeCursor(query.nextToken, plan) : { index: plan.index, partition: 0 };
    const items: TaskRecord[] = [];
    while (cursor && items.length < limit) {
      const remaining = limit - items.length;
      const batch = Object.keys(plan.filters).length || plan.anyRole ? Math.max(remaining, FILTERED_BATCH) : remaining;
      const page: QueryCommandOutput = await this.client.send(new QueryCommand(listQueryInput(this.tasksTable, plan, cursor, batch)));
      const found = (page.Items ?? []) as TaskRecord[];
      items.push(...found.slice(0, remaining));
      cursor =
        found.length > remaining
          ? { ...cursor, key: keyOf(items[items.length - 1], plan) }
          : nextCursor(cursor, plan, page.LastEvaluatedKey as Record<string, string> | undefined);
    }
    return cursor ? { items, nextToken: encodeCursor(cursor) } : { items };
  }

  /** Completed tasks of one business key and flow: the earlier decisions four-eyes looks at. */
  async decisionsFor(businessKey: string, flow: string): Promise<TaskRecord[]> {
    return this.tasks.queryAll<TaskRecord>({
      IndexName: BY_BUSINESS_KEY,
      KeyConditionExpression: '#businessKey = :key',
      FilterExpression: '#status = :completed AND #flow = :flow',
      ExpressionAttributeNames: names('businessKey', 'status', 'flow'),
      ExpressionAttributeValues: { ':key': businessKey, ':completed': 'completed', ':flow': flow },
    });
  }

  /** Every open or claimed task, soonest due first (the SLA report). */
  async openTasks(): Promise<TaskRecord[]> {
    const perStatus = await Promise.all(
      INBOX.map((status) =>
        this.tasks.queryAll<TaskRecord>({
          IndexName: BY_STATUS,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: names('status'),
          ExpressionAttributeValues: { ':status': status },
        }),
      ),
    );
    return perStatus.flat().sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  // --- Acting --------------------------------------------------------------------------------

  async claim(taskId: string, user: string, now: string): Promise<TaskRecord> {
    const entry: TaskHistoryEntry = { type: 'claimed', actor: user, at: now };
    return this.transition(
      taskId,
      {
        UpdateExpression: 'SET #status = :claimed, claimedBy = :user, history = list_append(history, :entry)',
        ConditionExpression: 'attribute_exists(taskId) AND #status = :open',
        ExpressionAttributeNames: names('status'),
        ExpressionAttributeValues: { ':claimed': 'claimed', ':open': 'open', ':user': user, ':entry': [entry] },
      },
      (task) => {
        if (task.status === 'claimed' && task.claimedBy === user) return task;
        return task.status === 'open' ? 'retry' : blocked(task);
      },
    );
  }

  async release(taskId: string, user: string, reason: string | undefined, now: string): Promise<TaskRecord> {
    const entry: TaskHistoryEntry = plain({ type: 'released', actor: user, at: now, reason });
    return this.transition(
      taskId,
      {
        UpdateExpression: 'SET #status = :open, history = list_append(history, :entry) REMOVE claimedBy',
        ConditionExpression: 'attribute_exists(taskId) AND #status = :claimed AND claimedBy = :user',
        ExpressionAttributeNames: names('status'),
        ExpressionAttributeValues: { ':claimed': 'claimed', ':open': 'open', ':user': user, ':entry': [entry] },
      },
      (task) => {
        if (task.status === 'claimed' && task.claimedBy === user) return 'retry';
        return task.status === 'open' ? new ConflictError('task is not claimed') : blocked(task);
      },
    );
  }

  /** Records the decision; the result still holds the token for SendTaskSuccess. */
  async complete(taskId: string, user: string, decision: DecisionInput, now: string): Promise<TaskRecord> {
    const entry: TaskHistoryEntry = plain({ type: 'completed', actor: user, at: now, outcome: decision.outcome, reason: decision.reason });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // Read first for the level the decision is recorded at; the write re-checks everything.
      const task = await this.get(taskId);
      if (!task) throw new NotFoundError(`task ${taskId} not found`);
      const refusal = completionRefusal(task, user);
      if (refusal) throw refusal;
      const level = task.escalationLevel;
      const { outcome, reason, data } = decision;
      const record = plain({ outcome, reason, data, decidedBy: user, decidedAt: now, level });
      const updated = await this.update(taskId, {
        UpdateExpression: 'SET #status = :completed, #decision = :decision, decidedBy = :user, history = list_append(history, :entry)',
        ConditionExpression:
          'attribute_exists(taskId) AND #status IN (:open, :claimed) AND escalationLevel = :level ' +
          'AND (attribute_not_exists(claimedBy) OR claimedBy = :user)',
        ExpressionAttributeNames: names('status', 'decision'),
        ExpressionAttributeValues: {
          ':completed': 'completed',
          ':open': 'open',
          ':claimed': 'claimed',
          ':level': level,
          ':user': user,
          ':entry': [entry],
          ':decision': record,
        },
      });
      if (updated) return updated;
    }
    throw new ConflictError(`task ${taskId} changed concurrently; try again`);
  }

  /** The flow no longer waits on this token. False when a newer token (or an expiry) came first. */
  async markExpired(taskId: string, tokenVersion: number, reason: string, now: string): Promise<boolean> {
    const entry: TaskHistoryEntry = { type: 'expired', actor: 'system', at: now, reason };
    const updated = await this.update(taskId, {
      UpdateExpression: 'SET #status = :expired, history = list_append(history, :entry) REMOVE claimedBy',
      ConditionExpression: 'attribute_exists(taskId) AND tokenVersion = :version AND #status <> :expired',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: { ':expired': 'expired', ':version': tokenVersion, ':entry': [entry] },
    });
    return updated !== undefined;
  }

  /** Hands the task to the escalation role with a new SLA; the flow reopens it with a new token. */
  async escalate(taskId: string, { role, now, slaSeconds }: EscalationInput): Promise<TaskRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const task = await this.get(taskId);
      if (!task) throw new NotFoundError(`task ${taskId} not found`);
      if (task.status === 'completed') throw new ConflictError('task is completed');
      const level = task.escalationLevel + 1;
      const entry: TaskHistoryEntry = { type: 'escalated', actor: 'system', at: now, level, role };
      const updated = await this.update(taskId, {
        UpdateExpression:
          'SET escalationLevel = :level, #role = :role, dueAt = :due, #status = :open, ' +
          'history = list_append(history, :entry) REMOVE claimedBy',
        // The level check keeps two racing escalations from both counting as the same level.
        ConditionExpression: 'attribute_exists(taskId) AND escalationLevel = :seen AND #status <> :completed',
        ExpressionAttributeNames: names('role', 'status'),
        ExpressionAttributeValues: {
          ':level': level,
          ':seen': task.escalationLevel,
          ':role': role,
          ':due': addMs(now, slaSeconds * SECOND),
          ':open': 'open',
          ':completed': 'completed',
          ':entry': [entry],
        },
      });
      if (updated) return updated;
    }
    throw new ConflictError(`task ${taskId} changed concurrently; try again`);
  }

  /** Past the last escalation: the flow took its default branch. False when already settled. */
  async expireForGood(taskId: string, reason: string, now: string): Promise<boolean> {
    const entry: TaskHistoryEntry = { type: 'expired', actor: 'system', at: now, reason };
    const updated = await this.update(taskId, {
      UpdateExpression: 'SET #status = :expired, history = list_append(history, :entry) REMOVE claimedBy',
      ConditionExpression: 'attribute_exists(taskId) AND NOT #status IN (:completed, :expired)',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: { ':expired': 'expired', ':completed': 'completed', ':entry': [entry] },
    });
    if (updated) return true;
    if (!(await this.get(taskId))) throw new NotFoundError(`task ${taskId} not found`);
    return false;
  }

  // --- Plumbing ------------------------------------------------------------------------------

  private aliasKey(executionArn: string, stepId: string) {
    return { pk: `TASKSTEP#${executionArn}`, sk: stepId };
  }

  /** A conditional update; undefined when its condition failed. */
  private async update(taskId: string, expression: UpdateExpression): Promise<TaskRecord | undefined> {
    return this.tasks.update<TaskRecord>({ taskId }, expression);
  }

  /**
   * A conditional update that, when refused, re-reads the task to say why: `explain` returns the
   * task (already in the wanted state), an error, or 'retry' when the refusal is already stale.
   */
  private async transition(
    taskId: string,
    expression: UpdateExpression,
    explain: (task: TaskRecord) => TaskRecord | Error | 'retry',
  ): Promise<TaskRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const updated = await this.update(taskId, expression);
      if (updated) return updated;
      const task = await this.get(taskId);
      if (!task) throw new NotFoundError(`task ${taskId} not found`);
      const verdict = explain(task);
      if (verdict instanceof Error) throw verdict;
      if (verdict !== 'retry') return verdict;
    }
    throw new ConflictError(`task ${taskId} changed concurrently; try again`);
  }
}

/** Why `user` cannot complete the task as it stands, if they cannot. */
function completionRefusal(task: TaskRecord, user: string): ConflictError | undefined {
  if (task.status === 'completed' || task.status === 'expired') return blocked(task);
  return task.status === 'claimed' && task.claimedBy !== user ? blocked(task) : undefined;
}

/** The conflict a task in its current state presents to anyone trying to act on it. */
function blocked(task: TaskRecord): ConflictError {
  return new ConflictError(task.status === 'claimed' ? `task is claimed by ${task.claimedBy}` : `task is ${task.status}`);
}

// --- Listing -----------------------------------------------------------------------------------

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ValidationError('invalid list query', [{ field: 'limit', message: `limit must be an integer from 1 to ${MAX_LIMIT}` }]);
  }
  return limit;
}

function listPlan({ status, kind, role, businessKey, anyRole }: TaskListQuery): ListPlan {
  const filters = Object.fromEntries(Object.entries({ kind, role }).filter(([, value]) => value !== undefined)) as Record<string, string>;
  if (anyRole !== undefined) return { ...listPlan({ status, kind, role, businessKey }), anyRole };
  if (businessKey !== undefined) {
    return {
      index: BY_BUSINESS_KEY,
      hashKey: 'businessKey',
      keyAttributes: ['taskId', 'businessKey', 'createdAt'],
      partitions: [businessKey],
      forward: false,
      filters: status ? { ...filters, status } : filters,
    };
  }
  return {
    index: BY_STATUS,
    hashKey: 'status',
    keyAttributes: ['taskId', 'status', 'dueAt'],
    partitions: status ? [status] : INBOX,
    forward: true,
    filters,
  };
}

function listQueryInput(table: string, plan: ListPlan, cursor: Cursor, limit: number): QueryCommandInput {
  const filterNames = Object.keys(plan.filters);
  const anyRole = plan.anyRole ?? [];
  const conditions = [
    ...filterNames.map((name) => `#${name} = :${name}`),
    // No role at all matches nothing: an empty IN list is not valid DynamoDB, an impossible value is.
    ...(plan.anyRole ? [`#role IN (${(anyRole.length ? anyRole : ['']).map((_, i) => `:anyRole${i}`).join(', ')})`] : []),
  ];
  return {
    TableName: table,
    IndexName: plan.index,
    KeyConditionExpression: `#${plan.hashKey} = :partition`,
    ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
    ExpressionAttributeNames: names(plan.hashKey, ...new Set([...filterNames, ...(plan.anyRole ? ['role'] : [])])),
    ExpressionAttributeValues: {
      ':partition': plan.partitions[cursor.partition],
      ...Object.fromEntries(filterNames.map((name) => [`:${name}`, plan.filters[name]])),
      ...Object.fromEntries((anyRole.length ? anyRole : ['']).map((value, i) => [`:anyRole${i}`, value]).filter(() => plan.anyRole !== undefined)),
    },
    ScanIndexForward: plan.forward,
    Limit: limit,
    ...(cursor.key ? { ExclusiveStartKey: cursor.key } : {}),
  };
}

function keyOf(task: TaskRecord, plan: ListPlan): Record<string, string> {
  const item = task as unknown as Record<string, string>;
  return Object.fromEntries(plan.keyAttributes.map((attribute) => [attribute, item[attribute]]));
}

/** After a partition's page: continue it, move to the next partition, or stop. */
function nextCursor(cursor: Cursor, plan: ListPlan, lastKey: Record<string, string> | undefined): Cursor | undefined {
  if (lastKey) return { index: cursor.index, partition: cursor.partition, key: lastKey };
  const partition = cursor.partition + 1;
  return partition < plan.partitions.length ? { index: cursor.index, partition } : undefined;
}

function encodeCursor({ index, partition, key }: Cursor): string {
  return Buffer.from(JSON.stringify({ i: index, p: partition, ...(key ? { k: key } : {}) })).toString('base64url');
}

/** Parses a nextToken and checks that it belongs to this query, so DynamoDB never sees a forged key. */
function decodeCursor(token: string, plan: ListPlan): Cursor {
  const malformed = () =>
    new ValidationError('invalid list query', [{ field: 'nextToken', message: 'nextToken is malformed or belongs to another query' }]);
  let raw: { i?: unknown; p?: unknown; k?: unknown };
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  if (typeof raw !== 'object' || raw === null || raw.i !== plan.index) throw malformed();
  const partition = raw.p;
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition >= plan.partitions.length) {
    throw malformed();
  }
  if (raw.k === undefined) return { index: plan.index, partition };
  if (!isKeyOf(raw.k, plan, plan.partitions[partition])) throw malformed();
  return { index: plan.index, partition, key: raw.k };
}

function isKeyOf(key: unknown, plan: ListPlan, partitionValue: string): key is Record<string, string> {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return false;
  const entries = Object.entries(key);
  return (
    entries.length === plan.keyAttributes.length &&
    entries.every(([name, value]) => plan.keyAttributes.includes(name) && typeof value === 'string' && value.length > 0) &&
    (key as Record<string, string>)[plan.hashKey] === partitionValue
  );
}
