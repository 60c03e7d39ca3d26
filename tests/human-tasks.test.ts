import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionArnFor } from '../shared/executions';
import { createLocalIssuer } from '../infra/local/engine/auth';
import type { Platform } from '../infra/local/engine/platform';
import { LOCAL_ISSUER } from '../infra/local/shop/shop-binding';
import { captureOutput, opsCli, startFixturePlatform, tableName } from './support';
import { ROLES, type Role } from '../shared/roles';

let platform: Platform;
let sfn: SFNClient;
let dynamo: DynamoDBClient;
let output: ReturnType<typeof captureOutput>;
const responses: string[] = [];

beforeAll(async () => {
  // Everything the platform and its functions print, to check no task token ever appears.
  output = captureOutput();
  ({ platform, stateDir, sfn, dynamo } = await startFixturePlatform());
});

afterAll(async () => {
  await platform?.stop();
  output?.restore();
});

let stateDir: string;

/** The ops CLI against this platform (it finds it through the state directory). */
async function ops(...args: string[]): Promise<string> {
  const stdout = await opsCli(stateDir, ...args);
  responses.push(stdout);
  return stdout;
}

type As = { user: string; roles: Role[] } | { token: string } | undefined;

async function api(method: string, route: string, as: As, body?: unknown): Promise<{ status: number; body: any }> {
  const token = !as ? undefined : 'token' in as ? as.token : await platform.issuer.mint({ user: as.user, groups: as.roles, now: new Date(platform.clock.now()) });
  const response = await fetch(`${platform.apiEndpoint}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  responses.push(text);
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const reviewArn = () => platform.model.stateMachines.find((m) => m.flow === 'fixture-review')!.arn;
const as = (user: string, ...roles: Role[]) => ({ user, roles });
const lead = as('olivia', 'ops-lead');

async function startCase(caseId: string) {
  await sfn.send(new StartExecutionCommand({ stateMachineArn: reviewArn(), name: caseId, input: JSON.stringify({ caseId }) }));
}

/** The one open task of a case and kind, once the flow has opened it. */
async function taskOf(caseId: string, kind: string): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await api('GET', `/tasks?businessKey=${caseId}&kind=${kind}`, lead);
    const task = body.items.find((t: any) => t.status === 'open' || t.status === 'claimed');
    if (task) return task;
    if (Date.now() > deadline) throw new Error(`no open ${kind} task for ${caseId}: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function flow(caseId: string, status?: string): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await api('GET', `/flows/fixture-review/${caseId}`, lead);
    if (!status || body.status === status) return body;
    if (Date.now() > deadline) throw new Error(`flow ${caseId} did not reach ${status}: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function advance(seconds: number) {
  await platform.clock.advance(seconds);
}

describe('the human-task inbox', () => {
  it('lets only the task\'s role act on it, for every role and task kind', async () => {
    await startCase('case-auth');
    const first = await taskOf('case-auth', 'fixture-review');
    for (const role of ROLES) {
      const claimed = await api('POST', `/tasks/${first.taskId}/claim`, as(`user-${role}`, role));
      expect({ role, status: claimed.status }).toEqual({ role, status: role === 'aftersales' ? 200 : 403 });
      if (claimed.status === 200) expect((await api('POST', `/tasks/${first.taskId}/release`, as(`user-${role}`, role))).status).toBe(200);
    }
    expect((await api('POST', `/tasks/${first.taskId}/complete`, as('amy', 'aftersales'), { outcome: 'approve' })).status).toBe(200);
    const second = await taskOf('case-auth', 'fixture-second-review');
    for (const role of ROLES) {
      const claimed = await api('POST', `/tasks/${second.taskId}/claim`, as(`user-${role}`, role));
      expect({ role, status: claimed.status }).toEqual({ role, status: role === 'finance' ? 200 : 403 });
    }
  });

  it('shows a task without its token, with allowed outcomes and history', async () => {
    await startCase('case-show');
    const { taskId } = await taskOf('case-show', 'fixture-review');
    const { status, body } = await api('GET', `/tasks/${taskId}`, as('amy', 'aftersales'));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      taskId,
      kind: 'fixture-review',
      flow: 'fixture-review',
      businessKey: 'case-show',
      summary: 'Review case case-show',
      role: 'aftersales',
      status: 'open',
      escalationLevel: 0,
      allowedOutcomes: [{ name: 'approve', dataSchema: expect.any(Object) }, { name: 'reject', reasonRequired: true }],
      history: [{ type: 'created', actor: 'system' }],
    });
    expect(JSON.stringify(body)).not.toMatch(/token/i);
  });

  it('refuses a bad completion with 400 naming the field', async () => {
    await startCase('case-bad');
    const { taskId } = await taskOf('case-bad', 'fixture-review');
    const amy = as('amy', 'aftersales');
    const cases: Array<[unknown, string]> = [
      [{}, 'outcome'],
      [{ outcome: 'maybe' }, 'outcome'],
      [{ outcome: 'reject' }, 'reason'],
      [{ outcome: 'approve', data: { note: 5 } }, 'data.note'],
      ['{not json', 'body'],
    ];
    for (const [body, field] of cases) {
      const response = await api('POST', `/tasks/${taskId}/complete`, amy, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.errors.map((e: any) => e.field)).toContain(field);
    }
    expect((await api('GET', `/tasks/${taskId}`, amy)).body.status).toBe('open');
  });

  it('keeps four eyes on the second level: whoever decided the first may not decide it', async () => {
    await startCase('case-4eyes');
    const alice = as('alice', 'aftersales', 'finance');
    const first = await taskOf('case-4eyes', 'fixture-review');
    expect((await api('POST', `/tasks/${first.taskId}/complete`, alice, { outcome: 'approve', data: { note: 'looks fine' } })).status).toBe(200);
    const second = await taskOf('case-4eyes', 'fixture-second-review');
    const refused = await api('POST', `/tasks/${second.taskId}/complete`, alice, { outcome: 'approve' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/fixture-review/);
    expect((await api('POST', `/tasks/${second.taskId}/complete`, as('bob', 'finance'), { outcome: 'approve' })).status).toBe(200);
    const done = await flow('case-4eyes', 'SUCCEEDED');
    expect(done.result).toMatchObject({ first: { outcome: 'approve', decidedBy: 'alice', data: { note: 'looks fine' } }, second: { outcome: 'approve', decidedBy: 'bob' } });
    expect(done.steps.map((s: any) => s.name)).toEqual([
      'First review: open',
      'First review',
      'First approved?',
      'Second review: open',
      'Second review',
      'Reviewed',
    ]);
  });

  it('lets exactly one of 20 parallel completions win; the rest get 409', async () => {
    await startCase('case-race');
    const { taskId } = await taskOf('case-race', 'fixture-review');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api('POST', `/tasks/${taskId}/complete`, as(`agent-${i}`, 'aftersales'), { outcome: 'reject', reason: `agent ${i} says no` })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!.body.decision.decidedBy;
    const done = await flow('case-race', 'SUCCEEDED');
    expect(done.result.first).toMatchObject({ outcome: 'reject', decidedBy: winner });
    expect((await api('POST', `/tasks/${taskId}/complete`, as(winner, 'aftersales'), { outcome: 'reject', reason: 'again' })).status).toBe(409);
  });

  it('escalates after the SLA by the virtual clock, then takes the default branch', async () => {
    await startCase('case-esc');
    const task = await taskOf('case-esc', 'fixture-review');
    expect(task).toMatchObject({ role: 'aftersales', escalationLevel: 0 });
    await advance(3600 + 60);
    const escalated = await taskOf('case-esc', 'fixture-review');
    expect(escalated).toMatchObject({ taskId: task.taskId, role: 'ops-lead', escalationLevel: 1, status: 'open' });
    expect((await api('POST', `/tasks/${task.taskId}/claim`, as('amy', 'aftersales'))).status).toBe(403);
    // The escalated level has its own SLA (2 h): one more hour is not enough to expire it.
    expect(Date.parse(escalated.dueAt) - platform.clock.now()).toBeGreaterThan(7000_000);
    const event = platform.eventBridge.archive('shop-platform').find((e) => e['detail-type'] === 'TaskEscalated' && e.detail.taskId === task.taskId);
    expect(event?.detail).toMatchObject({ kind: 'fixture-review', escalationLevel: 1, role: 'ops-lead' });
    await advance(3600);
    expect((await flow('case-esc')).status).toBe('RUNNING');
    await advance(3600 + 60);
    const done = await flow('case-esc', 'SUCCEEDED');
    expect(done.result.first).toMatchObject({ outcome: 'reject', reason: 'nobody decided in time', decidedBy: 'system' });
    const detail = (await api('GET', `/tasks/${task.taskId}`, lead)).body;
    expect(detail.status).toBe('expired');
    expect(detail.history.map((h: any) => h.type)).toEqual(['created', 'escalated', 'reopened', 'expired']);
  });

  it('answers 409 and expires the task when the flow stopped waiting', async () => {
    await startCase('case-stopped');
    const { taskId } = await taskOf('case-stopped', 'fixture-review');
    const executionArn = executionArnFor(reviewArn(), 'case-stopped');
    await sfn.send(new StopExecutionCommand({ executionArn }));
    const late = await api('POST', `/tasks/${taskId}/complete`, as('amy', 'aftersales'), { outcome: 'approve' });
    expect(late.status).toBe(409);
    expect((await api('GET', `/tasks/${taskId}`, lead)).body.status).toBe('expired');
  });

  it('answers 401 without a valid token and 404 for what does not exist', async () => {
    expect((await api('GET', '/tasks', undefined)).status).toBe(401);
    const stranger = await createLocalIssuer({ issuer: LOCAL_ISSUER, audience: platform.issuer.audience });
    expect((await api('GET', '/tasks', { token: await stranger.mint({ user: 'eve', groups: ['ops-lead'] }) })).status).toBe(401);
    const expired = await platform.issuer.mint({ user: 'eve', groups: ['ops-lead'], expiresInSeconds: 60, now: new Date(platform.clock.now() - 120_000) });
    expect((await api('GET', '/tasks', { token: expired })).status).toBe(401);
    const wrongAudience = await createLocalIssuer({ issuer: LOCAL_ISSUER, audience: 'another-client' });
    expect((await api('GET', '/tasks', { token: await wrongAudience.mint({ user: 'eve', groups: ['ops-lead'] }) })).status).toBe(401);
    expect((await api('GET', '/tasks/01UNKNOWN', lead)).status).toBe(404);
    expect((await api('GET', '/flows/fixture-review/no-such-case', lead)).status).toBe(404);
    expect((await api('GET', '/flows/no-such-flow/x', lead)).status).toBe(404);
  });

  it('shows where a flow stands and reports open and breached tasks per kind', async () => {
    await startCase('case-where');
    await taskOf('case-where', 'fixture-review');
    const view = await flow('case-where');
    expect(view).toMatchObject({ flow: 'fixture-review', businessKey: 'case-where', status: 'RUNNING', currentStep: 'First review' });
    expect(view.steps[1]).toMatchObject({ name: 'First review', enteredAt: expect.any(String) });
    expect(view.steps[1].exitedAt).toBeUndefined();
    await advance(1800);
    const report = (await api('GET', '/reports/sla', lead)).body;
    const row = report.kinds.find((k: any) => k.kind === 'fixture-review');
    expect(row.open).toBeGreaterThanOrEqual(1);
    expect(row.breached).toBeLessThan(row.open);
  });

  it('works from the ops CLI: list, show, complete, and see the flow move on', async () => {
    await startCase('case-cli');
    const { taskId } = await taskOf('case-cli', 'fixture-review');
    const listed = await ops('tasks', 'list', '--business-key', 'case-cli', '--as', 'amy:aftersales');
    expect(listed).toContain(taskId);
    const json = JSON.parse(await ops('--json', 'tasks', 'list', '--business-key', 'case-cli', '--as', 'amy:aftersales'));
    expect(json.items).toMatchObject([{ taskId, status: 'open' }]);
    expect(await ops('tasks', 'show', taskId, '--as', 'amy:aftersales')).toMatch(/reject.*reason required/);
    await ops('tasks', 'complete', taskId, '--outcome', 'reject', '--reason', 'not eligible', '--as', 'amy:aftersales');
    await flow('case-cli', 'SUCCEEDED');
    expect(await ops('flows', 'show', 'fixture-review', 'case-cli', '--as', 'amy:aftersales')).toMatch(/SUCCEEDED[\s\S]*not eligible/);
  });

  it('never lets a task token out: not in a response, not in a log line', async () => {
    const scan = await dynamo.send(new ScanCommand({ TableName: tableName(platform, 'TasksTable') }));
    const tokens = (scan.Items ?? []).map((item) => item.taskToken?.S).filter((t): t is string => Boolean(t));
    expect(tokens.length).toBeGreaterThan(5);
    const everything = [...output.printed, ...responses].join('\n');
    for (const token of tokens) expect(everything.includes(token)).toBe(false);
  });
});
