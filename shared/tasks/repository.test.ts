import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startTestTables } from '../../tests/tables';
import { SECOND, addMs, nowIso } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { TaskSpec } from './model';
import { TaskRepository, type OpenTaskInput } from './repository';

let tables: Awaited<ReturnType<typeof startTestTables>>;
let dynamo: DynamoDBClient;
let docs: DynamoDBDocumentClient;
let repo: TaskRepository;
let recordsTable: string;

beforeAll(async () => {
  tables = await startTestTables();
  ({ dynamo, docs } = tables);
  recordsTable = tables.table('RecordsTable');
  repo = new TaskRepository({ tasksTable: tables.table('TasksTable'), recordsTable, client: docs });
});

afterAll(async () => {
  await tables?.stop();
});

/** Each test gets its own kind and business key, so the shared tables do not mix their tasks. */
function spec(overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    kind: `kind-${ulid()}`,
    flow: 'refund',
    businessKey: `R-${ulid()}`,
    role: 'aftersales',
    summary: 'Approve a refund',
    outcomes: [{ name: 'approve' }, { name: 'reject', reasonRequired: true }],
    slaSeconds: 3600,
    escalation: { role: 'ops-lead', maxLevels: 1 },
    ...overrides,
  };
}

function openInput(overrides: Partial<OpenTaskInput> = {}): OpenTaskInput {
  return {
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:refund:${ulid()}`,
    stepId: 'Approve',
    spec: spec(),
    taskToken: `token-${ulid()}`,
    now: nowIso(),
    ...overrides,
  };
}


describe('openOrReopen', () => {
  it('creates one open task and the step alias', async () => {
    const input = openInput();
    const task = await repo.openOrReopen(input);

    expect(task).toMatchObject({
      status: 'open',
      kind: input.spec.kind,
      executionArn: input.executionArn,
      createdAt: input.now,
      dueAt: addMs(input.now, 3600 * SECOND),
      escalationLevel: 0,
      tokenVersion: 1,
      taskToken: input.taskToken,
      history: [{ type: 'created', actor: 'system', at: input.now, role: 'aftersales' }],
    });
    expect(await repo.get(task.taskId)).toEqual(task);
    expect(await repo.findByStep(input.executionArn, input.stepId)).toEqual(task);
    const { Item: alias } = await docs.send(
      new GetCommand({ TableName: recordsTable, Key: { pk: `TASKSTEP#${input.executionArn}`, sk: input.stepId } }),
    );
    expect(alias).toEqual({ pk: `TASKSTEP#${input.executionArn}`, sk: input.stepId, taskId: task.taskId });
    expect(await repo.findByStep(input.executionArn, 'OtherStep')).toBeUndefined();
  });

  it('returns the same task unchanged when retried with the same token', async () => {
    const input = openInput();
    const first = await repo.openOrReopen(input);
    const retried = await repo.openOrReopen({ ...input, now: nowIso() });
    expect(retried).toEqual(first);
    expect((await repo.list({ kind: input.spec.kind })).items).toHaveLength(1);
  });

  it('creates one task when the same open races itself', async () => {
    const input = openInput();
    const results = await Promise.all(Array.from({ length: 5 }, () => repo.openOrReopen(input)));
    expect(new Set(results.map((r) => r.taskId)).size).toBe(1);
    expect((await repo.list({ kind: input.spec.kind })).items).toHaveLength(1);
  });

  it('reopens with a new token: same taskId, next tokenVersion, unclaimed, new due time', async () => {
    const input = openInput();
    const first = await repo.openOrReopen(input);
    await repo.claim(first.taskId, 'ann', nowIso());
    const now = addMs(nowIso(), 1000);
    const reopened = await repo.openOrReopen({ ...input, taskToken: 'token-2', now });

    expect(reopened.taskId).toBe(first.taskId);
    expect(reopened).toMatchObject({ status: 'open', tokenVersion: 2, taskToken: 'token-2', dueAt: addMs(now, 3600 * SECOND) });
    expect(reopened.claimedBy).toBeUndefined();
    expect(reopened.history.at(-1)).toEqual({ type: 'reopened', actor: 'system', at: now, level: 0, role: 'aftersales' });
  });

  it('never reopens a completed task', async () => {
    const input = openInput();
    const task = await repo.openOrReopen(input);
    const completed = await repo.complete(task.taskId, 'ann', { outcome: 'approve' }, nowIso());
    expect(await repo.openOrReopen({ ...input, taskToken: 'token-late' })).toEqual(completed);
  });
});

describe('claim and release', () => {
  it('claims, refuses others, releases', async () => {
    const { taskId } = await repo.openOrReopen(openInput());

    const claimed = await repo.claim(taskId, 'ann', nowIso());
    expect(claimed).toMatchObject({ status: 'claimed', claimedBy: 'ann' });
    expect(claimed.history.at(-1)).toMatchObject({ type: 'claimed', actor: 'ann' });

    // Claiming your own task again changes nothing.
    const again = await repo.claim(taskId, 'ann', nowIso());
    expect(again).toEqual(claimed);

    const byOther = await rejection(repo.claim(taskId, 'bob', nowIso()));
    expect(byOther).toBeInstanceOf(ConflictError);
    expect(byOther.message).toBe('task is claimed by ann');
    expect((byOther as ConflictError).status).toBe(409);

    const releaseByOther = await rejection(repo.release(taskId, 'bob', undefined, nowIso()));
    expect(releaseByOther).toBeInstanceOf(ConflictError);

    const released = await repo.release(taskId, 'ann', 'out of office', nowIso());
    expect(released.status).toBe('open');
    expect(released.claimedBy).toBeUndefined();
    expect(released.history.at(-1)).toMatchObject({ type: 'released', actor: 'ann', reason: 'out of office' });

    expect(await rejection(repo.release(taskId, 'ann', undefined, nowIso()))).toBeInstanceOf(ConflictError);
    expect(await repo.claim(taskId, 'bob', nowIso())).toMatchObject({ status: 'claimed', claimedBy: 'bob' });
  });

  it('gives 404 for an unknown task and creates nothing', async () => {
    const unknown = ulid();
    const error = await rejection(repo.claim(unknown, 'ann', nowIso()));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
    expect(await rejection(repo.release(unknown, 'ann', undefined, nowIso()))).toBeInstanceOf(NotFoundError);
    expect(await rejection(repo.complete(unknown, 'ann', { outcome: 'approve' }, nowIso()))).toBeInstanceOf(NotFoundError);
    expect(await repo.get(unknown)).toBeUndefined();
  });

  it('refuses to claim a completed task', async () => {
    const { taskId } = await repo.openOrReopen(openInput());
    await repo.complete(taskId, 'ann', { outcome: 'approve' }, nowIso());
    const error = await rejection(repo.claim(taskId, 'bob', nowIso()));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('task is completed');
  });
});

describe('complete', () => {
  it('lets exactly one of 20 concurrent deciders win', async () => {
    const { taskId } = await repo.openOrReopen(openInput());
    const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const results = await Promise.allSettled(
      users.map((user) => repo.complete(taskId, user, { outcome: 'reject', reason: `no, says ${user}` }, nowIso())),
    );

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const loss of lost) {
      expect(loss.reason).toBeInstanceOf(ConflictError);
      expect(loss.reason.message).toBe('task is completed');
    }
    const winner = won[0].value;
    const stored = await repo.get(taskId);
    expect(stored?.decision).toEqual({
      outcome: 'reject',
      reason: `no, says ${winner.decidedBy}`,
      decidedBy: winner.decidedBy,
      decidedAt: winner.decision!.decidedAt,
      level: 0,
    });
    expect(stored?.history.filter((h) => h.type === 'completed')).toHaveLength(1);
  });

  it('returns the record with its token and records the decision', async () => {
    const input = openInput();
    const { taskId } = await repo.openOrReopen(input);
    const now = nowIso();
    const done = await repo.complete(taskId, 'ann', { outcome: 'approve', data: { note: 'ok' } }, now);
    expect(done).toMatchObject({
      status: 'completed',
      decidedBy: 'ann',
      taskToken: input.taskToken,
      tokenVersion: 1,
      decision: { outcome: 'approve', data: { note: 'ok' }, decidedBy: 'ann', decidedAt: now, level: 0 },
    });
    expect(done.history.at(-1)).toEqual({ type: 'completed', actor: 'ann', at: now, outcome: 'approve' });
  });

  it('refuses while someone else holds the claim, works after they release', async () => {
    const { taskId } = await repo.openOrReopen(openInput());
    await repo.claim(taskId, 'ann', nowIso());
    const error = await rejection(repo.complete(taskId, 'bob', { outcome: 'approve' }, nowIso()));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('task is claimed by ann');

    await repo.release(taskId, 'ann', undefined, nowIso());
    expect(await repo.complete(taskId, 'bob', { outcome: 'approve' }, nowIso())).toMatchObject({ status: 'completed', decidedBy: 'bob' });
  });
});

describe('expiry', () => {
  it('markExpired changes nothing for a stale token version', async () => {
    const input = openInput();
    const { taskId } = await repo.openOrReopen(input);
    const reopened = await repo.openOrReopen({ ...input, taskToken: 'token-2' });

    expect(await repo.markExpired(taskId, 1, 'TaskTimedOut', nowIso())).toBe(false);
    expect(await repo.get(taskId)).toEqual(reopened);

    expect(await repo.markExpired(taskId, 2, 'TaskTimedOut', nowIso())).toBe(true);
    const expired = await repo.get(taskId);
    expect(expired?.status).toBe('expired');
    expect(expired?.history.at(-1)).toMatchObject({ type: 'expired', actor: 'system', reason: 'TaskTimedOut' });
    expect(await repo.markExpired(taskId, 2, 'TaskTimedOut', nowIso())).toBe(false);
  });

  it('markExpired undoes a completion the flow never received', async () => {
    const { taskId } = await repo.openOrReopen(openInput());
    const done = await repo.complete(taskId, 'ann', { outcome: 'approve' }, nowIso());
    expect(await repo.markExpired(taskId, done.tokenVersion, 'TaskTimedOut', nowIso())).toBe(true);
    expect((await repo.get(taskId))?.status).toBe('expired');
  });

  it('expireForGood expires open tasks and leaves completed ones alone', async () => {
    const open = await repo.openOrReopen(openInput());
    expect(await repo.expireForGood(open.taskId, 'past the last escalation', nowIso())).toBe(true);
    expect((await repo.get(open.taskId))?.status).toBe('expired');
    expect(await repo.expireForGood(open.taskId, 'again', nowIso())).toBe(false);

    const done = await repo.openOrReopen(openInput());
    await repo.complete(done.taskId, 'ann', { outcome: 'approve' }, nowIso());
    expect(await repo.expireForGood(done.taskId, 'too late', nowIso())).toBe(false);
    expect((await repo.get(done.taskId))?.status).toBe('completed');
    expect(await rejection(repo.expireForGood(ulid(), 'x', nowIso()))).toBeInstanceOf(NotFoundError);
  });
});

describe('escalate', () => {
  it('hands the task to the escalation role at the next level', async () => {
    const input = openInput();
    const { taskId } = await repo.openOrReopen(input);
    await repo.claim(taskId, 'ann', nowIso());
    const now = nowIso();
    const escalated = await repo.escalate(taskId, { role: 'ops-lead', now, slaSeconds: 600 });

    expect(escalated).toMatchObject({ status: 'open', role: 'ops-lead', escalationLevel: 1, dueAt: addMs(now, 600 * SECOND) });
    expect(escalated.claimedBy).toBeUndefined();
    expect(escalated.history.at(-1)).toEqual({ type: 'escalated', actor: 'system', at: now, level: 1, role: 'ops-lead' });

    const asLead = await repo.list({ kind: input.spec.kind, role: 'ops-lead' });
    expect(asLead.items.map((t) => [t.taskId, t.role, t.escalationLevel])).toEqual([[taskId, 'ops-lead', 1]]);
    expect((await repo.list({ kind: input.spec.kind, role: 'aftersales' })).items).toEqual([]);

    // The flow waits again with a new token; the decision records the level it was made at.
    const reopened = await repo.openOrReopen({ ...input, taskToken: 'token-2', now: nowIso() });
    expect(reopened.history.at(-1)).toMatchObject({ type: 'reopened', level: 1, role: 'ops-lead' });
    const done = await repo.complete(taskId, 'lead', { outcome: 'approve' }, nowIso());
    expect(done.decision?.level).toBe(1);

    const error = await rejection(repo.escalate(taskId, { role: 'ops-lead', now: nowIso(), slaSeconds: 600 }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('task is completed');
  });
});

describe('list', () => {
  async function openMany(count: number, overrides: Partial<TaskSpec>) {
    const now = nowIso();
    const tasks = [];
    // Distinct SLAs give distinct due times, opened in reverse so creation order differs from due order.
    for (let i = count - 1; i >= 0; i--) {
      tasks.push(await repo.openOrReopen(openInput({ now, spec: spec({ ...overrides, slaSeconds: 600 + i * 60 }) })));
    }
    return tasks.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  async function allPages(query: Parameters<TaskRepository['list']>[0]) {
    const pages = [];
    let nextToken: string | undefined;
    do {
      const page = await repo.list({ ...query, nextToken });
      pages.push(page.items);
      nextToken = page.nextToken;
      expect(pages.length).toBeLessThan(10);
    } while (nextToken);
    return pages;
  }

  it('pages through the inbox (open, then claimed) with limit 2, every task exactly once', async () => {
    const kind = `kind-${ulid()}`;
    const tasks = await openMany(5, { kind });
    await repo.claim(tasks[0].taskId, 'ann', nowIso());
    await repo.claim(tasks[3].taskId, 'ann', nowIso());
    // Not in the inbox.
    const done = await repo.openOrReopen(openInput({ spec: spec({ kind }) }));
    await repo.complete(done.taskId, 'ann', { outcome: 'approve' }, nowIso());

    const pages = await allPages({ kind, limit: 2 });
    expect(pages.slice(0, 3).map((p) => p.length)).toEqual([2, 2, 1]);
    const ids = pages.flat().map((t) => t.taskId);
    const expected = [tasks[1], tasks[2], tasks[4], tasks[0], tasks[3]].map((t) => t.taskId);
    expect(ids).toEqual(expected);
  });

  it('lists one status soonest due first and filters by kind and role', async () => {
    const kind = `kind-${ulid()}`;
    const tasks = await openMany(3, { kind });
    await repo.openOrReopen(openInput({ spec: spec({ kind, role: 'finance' }) }));

    const open = await repo.list({ status: 'open', kind, role: 'aftersales' });
    expect(open.items.map((t) => t.taskId)).toEqual(tasks.map((t) => t.taskId));
    expect(open.nextToken).toBeUndefined();
    expect((await repo.list({ status: 'open', kind, role: 'finance' })).items).toHaveLength(1);
    expect((await repo.list({ status: 'claimed', kind })).items).toEqual([]);
  });

  it('lists by business key newest first, filtering status, kind and role', async () => {
    const businessKey = `R-${ulid()}`;
    const first = await repo.openOrReopen(openInput({ now: nowIso(), spec: spec({ businessKey, kind: 'first-approval' }) }));
    const second = await repo.openOrReopen(
      openInput({ now: addMs(nowIso(), 1000), spec: spec({ businessKey, kind: 'second-approval', role: 'finance' }) }),
    );
    const third = await repo.openOrReopen(openInput({ now: addMs(nowIso(), 2000), spec: spec({ businessKey, kind: 'first-approval' }) }));
    await repo.complete(first.taskId, 'ann', { outcome: 'approve' }, nowIso());

    const pages = await allPages({ businessKey, limit: 2 });
    expect(pages.flat().map((t) => t.taskId)).toEqual([third.taskId, second.taskId, first.taskId]);
    expect((await repo.list({ businessKey, status: 'completed' })).items.map((t) => t.taskId)).toEqual([first.taskId]);
    expect((await repo.list({ businessKey, kind: 'first-approval' })).items.map((t) => t.taskId)).toEqual([third.taskId, first.taskId]);
    expect((await repo.list({ businessKey, role: 'finance' })).items.map((t) => t.taskId)).toEqual([second.taskId]);
  });

  it('lists only the tasks of any of the given roles, and none for no role', async () => {
    const kind = `kind-${ulid()}`;
    const [aftersales] = await openMany(1, { kind });
    const finance = await repo.openOrReopen(openInput({ spec: spec({ kind, role: 'finance' }) }));
    await repo.openOrReopen(openInput({ spec: spec({ kind, role: 'reviewer' }) }));

    const ids = async (anyRole: string[]) => (await repo.list({ kind, anyRole })).items.map((t) => t.taskId).sort();
    expect(await ids(['aftersales', 'finance'])).toEqual([aftersales.taskId, finance.taskId].sort());
    expect(await ids(['finance'])).toEqual([finance.taskId]);
    expect(await ids([])).toEqual([]);
    expect((await repo.list({ kind, role: 'finance', anyRole: ['aftersales'] })).items).toEqual([]);
  });

  it.each([
    ['not base64 JSON', '!!!'],
    ['JSON of the wrong shape', Buffer.from('[1,2]').toString('base64url')],
    ['another index', Buffer.from(JSON.stringify({ i: 'byBusinessKey', p: 0 })).toString('base64url')],
    ['partition out of range', Buffer.from(JSON.stringify({ i: 'byStatus', p: 7 })).toString('base64url')],
    [
      'a key of another partition',
      Buffer.from(JSON.stringify({ i: 'byStatus', p: 0, k: { taskId: 'x', status: 'completed', dueAt: 'y' } })).toString('base64url'),
    ],
    ['a key with foreign attributes', Buffer.from(JSON.stringify({ i: 'byStatus', p: 0, k: { pk: 'x' } })).toString('base64url')],
  ])('rejects a malformed nextToken: %s', async (_, nextToken) => {
    const error = await rejection(repo.list({ nextToken }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((e) => e.field)).toEqual(['nextToken']);
  });
});

describe('decisionsFor and openTasks', () => {
  it('finds the completed tasks of one business key and flow', async () => {
    const businessKey = `R-${ulid()}`;
    const decided = await repo.openOrReopen(openInput({ spec: spec({ businessKey }) }));
    await repo.complete(decided.taskId, 'ann', { outcome: 'approve' }, nowIso());
    await repo.openOrReopen(openInput({ spec: spec({ businessKey }) }));
    const otherFlow = await repo.openOrReopen(openInput({ spec: spec({ businessKey, flow: 'returns' }) }));
    await repo.complete(otherFlow.taskId, 'ann', { outcome: 'approve' }, nowIso());

    const decisions = await repo.decisionsFor(businessKey, 'refund');
    expect(decisions.map((t) => [t.taskId, t.decidedBy])).toEqual([[decided.taskId, 'ann']]);
    expect(await repo.decisionsFor(`R-${ulid()}`, 'refund')).toEqual([]);
  });

  it('returns every open and claimed task, soonest due first', async () => {
    const kind = `kind-${ulid()}`;
    const open = await repo.openOrReopen(openInput({ spec: spec({ kind, slaSeconds: 10 }) }));
    const claimed = await repo.openOrReopen(openInput({ spec: spec({ kind, slaSeconds: 5 }) }));
    await repo.claim(claimed.taskId, 'ann', nowIso());
    const done = await repo.openOrReopen(openInput({ spec: spec({ kind }) }));
    await repo.complete(done.taskId, 'ann', { outcome: 'approve' }, nowIso());

    const all = await repo.openTasks();
    expect(all.filter((t) => t.kind === kind).map((t) => t.taskId)).toEqual([claimed.taskId, open.taskId]);
    expect(all.every((t) => t.status === 'open' || t.status === 'claimed')).toBe(true);
    const dueTimes = all.map((t) => t.dueAt);
    expect(dueTimes).toEqual([...dueTimes].sort());
  });
});
