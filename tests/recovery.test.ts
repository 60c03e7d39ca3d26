import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addresses, orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import type { Platform } from '../infra/local/engine/platform';
import { executionArnFor } from '../shared/executions';
import { eventually, opsApi, opsCli, startLocalPlatform, tableName } from './support';

let platform: Platform;
let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
const olivia = { user: 'olivia', roles: ['ops-lead'] };
const carl = { user: 'carl', roles: ['cs-agent'] };

beforeAll(async () => {
  clients = await startLocalPlatform();
  platform = clients.platform;
  await put(['shop.inventory', 'StockReceived', { skuId: 'SKU-DH-1', locationId: 'ST-SH-01', quantity: 10, receivedAt: now() }]);
  await put(['shop.orders', 'OrderPlaced', { ...orderPlaced, orderId: 'RC-ORD-1', memberId: 'M-RC-1', placedAt: now(), shipTo: { ...addresses.shanghai }, lines: [{ skuId: 'SKU-DH-1', quantity: 1, unitPriceFen: 88_800 }], totalFen: 88_800 }]);
  await eventually(() => opsApi(platform, 'GET', '/flows/order-routing/RC-ORD-1', olivia), (r) => r.body?.status === 'SUCCEEDED', 'the order routed');
});

afterAll(async () => {
  await fetch(`${platform?.awsEndpoint}/_local/faults`, { method: 'DELETE' }).catch(() => undefined);
  await platform?.stop();
});

const now = () => new Date(platform.clock.now()).toISOString();

async function put(...events: Array<[string, string, unknown]>) {
  const result = await clients.events.send(
    new PutEventsCommand({ Entries: events.map(([source, type, detail]) => ({ EventBusName: EVENT_BUS_NAME, Source: source, DetailType: type, Detail: JSON.stringify(detail) })) }),
  );
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

const complaint = (complaintId: string, extra: Record<string, unknown> = {}) =>
  ['shop.aftersales', 'ComplaintFiled', { complaintId, orderId: 'RC-ORD-1', memberId: 'M-RC-1', text: 'Box crushed, call me on 13700001111', filedAt: now(), ...extra }] as [string, string, unknown];

async function openTask(kind: string, businessKey: string) {
  const { body } = await eventually(
    () => opsApi(platform, 'GET', `/tasks?businessKey=${businessKey}&kind=${kind}`, olivia),
    (r) => r.body?.items?.some((t: { status: string }) => t.status === 'open'),
    `an open ${kind} task for ${businessKey}`,
  );
  return body.items.find((t: { status: string }) => t.status === 'open');
}

async function faults(body?: unknown) {
  const response = await fetch(`${platform.awsEndpoint}/_local/faults`, { method: body ? 'POST' : 'DELETE', body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: await response.json() };
}

async function auditOfToday(): Promise<Array<Record<string, any>>> {
  const { Items = [] } = await clients.dynamo.send(
    new QueryCommand({ TableName: tableName(platform, 'RecordsTable'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `AUDIT#${now().slice(0, 10)}` } } }),
  );
  return Items.map((item) => ({ actor: item.actor?.S, action: item.action?.S, target: item.target?.S, outcome: item.details?.M?.outcome?.S }));
}

describe('redrive', () => {
  it('a flow failed by injected faults is listed with its failed step, redriven from it by ops-lead, and succeeds once', async () => {
    await put(complaint('CMP-RD-1'));
    const respond = await openTask('complaint-response', 'CMP-RD-1');

    // Every flow Lambda now runs past its timeout: the resolution happens, its step fails (not retried).
    expect((await faults({ lambdaTimeoutRate: 1, seed: 1 })).status).toBe(200);
    const decided = await opsApi(platform, 'POST', `/tasks/${respond.taskId}/complete`, carl, { outcome: 'reship', data: { carrier: 'SF Express', trackingNumber: 'SF998877' } });
    expect(decided.status).toBe(200);
    await eventually(() => opsApi(platform, 'GET', '/flows/complaint/CMP-RD-1', olivia), (r) => r.body?.status === 'FAILED', 'the complaint to fail');
    const shown = (await faults()).body;
    expect(shown).toMatchObject({ active: false });

    const listed = await opsApi(platform, 'GET', '/flows?flow=complaint&status=FAILED', olivia);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ flow: 'complaint', businessKey: 'CMP-RD-1', status: 'FAILED', step: 'Carry out the resolution', error: 'Sandbox.Timedout', redrivable: true, redriveCount: 0 }),
    ]);
    // The CLI shows the same.
    const cli = await opsCli(clients.stateDir, 'flows', 'list', '--status', 'FAILED', '--flow', 'complaint', '--as', 'olivia:ops-lead');
    expect(cli).toMatch(/CMP-RD-1\s+FAILED\s+Carry out the resolution\s+Sandbox\.Timedout/);

    expect((await opsApi(platform, 'POST', '/flows/complaint/CMP-RD-1/redrive', carl)).status).toBe(403);
    const redriven = await opsApi(platform, 'POST', '/flows/complaint/CMP-RD-1/redrive', olivia);
    expect(redriven.status).toBe(200);
    expect(redriven.body).toMatchObject({ result: 'redriven', fromStep: 'Carry out the resolution', redriveCount: 1 });
    const { body } = await eventually(() => opsApi(platform, 'GET', '/flows/complaint/CMP-RD-1', olivia), (r) => r.body?.status === 'SUCCEEDED', 'the complaint to close');
    expect(body.result).toMatchObject({ resolution: 'reship', redPacketFen: 1000 });

    // Succeeded steps did not run again; the resolution ran twice but gave one red packet.
    const history = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: executionArnFor(platform.model.stateMachines.find((m) => m.flow === 'complaint')!.arn, 'CMP-RD-1'), maxResults: 1000 }));
    const entered = (name: string) => history.events!.filter((e) => e.stateEnteredEventDetails?.name === name).length;
    expect(entered('Apologise')).toBe(1);
    expect(entered('Carry out the resolution')).toBe(2);
    expect(history.events!.some((e) => e.type === 'ExecutionRedriven')).toBe(true);
    const member = await opsApi(platform, 'GET', '/members/M-RC-1', olivia);
    expect(member.body.coupons.filter((c: { couponId: string }) => c.couponId.includes('CMP-RD-1'))).toHaveLength(1);

    const again = await opsApi(platform, 'POST', '/flows/complaint/CMP-RD-1/redrive', olivia);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/SUCCEEDED/);
    expect(await auditOfToday()).toEqual(
      expect.arrayContaining([
        { actor: 'olivia', action: 'flow.redrive', target: 'complaint/CMP-RD-1', outcome: 'done' },
        { actor: 'olivia', action: 'flow.redrive', target: 'complaint/CMP-RD-1', outcome: 'refused' },
      ]),
    );
  });

  it('redrives every failed instance of a flow by filter, after a dry run that changes nothing', async () => {
    for (const id of ['CMP-RD-2', 'CMP-RD-3']) await put(complaint(id));
    const tasks = [await openTask('complaint-response', 'CMP-RD-2'), await openTask('complaint-response', 'CMP-RD-3')];
    await faults({ lambdaErrorRate: 1, seed: 2 });
    for (const task of tasks) await opsApi(platform, 'POST', `/tasks/${task.taskId}/complete`, carl, { outcome: 'resolved-other', reason: 'customer satisfied' });
    for (const id of ['CMP-RD-2', 'CMP-RD-3']) await eventually(() => opsApi(platform, 'GET', `/flows/complaint/${id}`, olivia), (r) => r.body?.status === 'FAILED', `${id} to fail`);
    await faults();

    const dry = await opsApi(platform, 'POST', '/flows/complaint/redrive', olivia, { status: 'FAILED', dryRun: true });
    expect(dry.body).toMatchObject({ matched: 2, redriven: 2, dryRun: true });
    expect(dry.body.results.map((r: { result: string }) => r.result)).toEqual(['would-redrive', 'would-redrive']);
    expect((await opsApi(platform, 'GET', '/flows?flow=complaint&status=FAILED', olivia)).body.items).toHaveLength(2);

    const bad = await opsApi(platform, 'POST', '/flows/complaint/redrive', olivia, { status: 'SUCCEEDED' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'body.status', message: 'status must be FAILED, TIMED_OUT or ABORTED' }]);

    const out = await opsCli(clients.stateDir, 'flows', 'redrive', 'complaint', '--status', 'FAILED', '--as', 'olivia:ops-lead');
    expect(out).toMatch(/complaint FAILED: 2 matched, 2 redriven, 0 not redrivable, 0 failed/);
    for (const id of ['CMP-RD-2', 'CMP-RD-3']) await eventually(() => opsApi(platform, 'GET', `/flows/complaint/${id}`, olivia), (r) => r.body?.status === 'SUCCEEDED', `${id} to close`);
  });
});

describe('EXPRESS order routing', () => {
  const stock = async () => {
    const { Item } = await clients.dynamo.send(new GetItemCommand({ TableName: tableName(platform, 'RecordsTable'), Key: { pk: { S: 'SKU#SKU-DH-1' }, sk: { S: 'LOC#ST-SH-01' } }, ConsistentRead: true }));
    return { reserved: Number(Item?.reserved?.N), available: Number(Item?.available?.N) };
  };

  const order = (orderId: string, quantity: number) =>
    ['shop.orders', 'OrderPlaced', { ...orderPlaced, orderId, memberId: 'M-RC-1', placedAt: now(), shipTo: { ...addresses.shanghai }, lines: [{ skuId: 'SKU-DH-1', quantity, unitPriceFen: 88_800 }], totalFen: quantity * 88_800 }] as [string, string, unknown];
  const instanceItem = async (orderId: string) =>
    (await clients.dynamo.send(new GetItemCommand({ TableName: tableName(platform, 'RecordsTable'), Key: { pk: { S: `FLOW#order-routing#${orderId}` }, sk: { S: 'INSTANCE' } }, ConsistentRead: true }))).Item;
  const confirmationItems = async (orderId: string) => {
    const { Items = [] } = await clients.dynamo.send(
      new QueryCommand({ TableName: tableName(platform, 'RecordsTable'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `OUTBOX#${orderId}` } }, ConsistentRead: true }),
    );
    return Items.filter((item) => item.type?.S === 'order-confirmation');
  };
  const confirmations = async (orderId: string) => (await confirmationItems(orderId)).map((item) => item.status?.S);

  it('a failed order routing keeps its input without personal data; ops restart it from the first step, once, even racing its event sent back; a second restart is 409', async () => {
    const before = await stock();
    const seen: unknown[] = [];
    const api = async (method: string, route: string, body?: unknown, as = olivia) => {
      const response = await opsApi(platform, method, route, as, body);
      seen.push(response.body);
      return response;
    };
    // Every Lambda runs past its timeout: the intake still starts the flow (its retries find the claim), Route and reserve fails.
    await faults({ lambdaTimeoutRate: 1, seed: 7 });
    await put(order('RC-ORD-F1', 2), order('RC-ORD-F2', 1));
    for (const id of ['RC-ORD-F1', 'RC-ORD-F2']) {
      const { body: shown } = await eventually(() => api('GET', `/flows/order-routing/${id}`), (r) => r.body?.status === 'FAILED', `${id} to fail`);
      expect(shown.error).toBe('Sandbox.Timedout');
    }
    await faults();

    // The record keeps the execution's input ($$.Execution.Input), in which the intake put a reference for the phone and address.
    const item = await instanceItem('RC-ORD-F1');
    const input = JSON.parse(item!.input!.S!);
    expect(input).toMatchObject({ orderId: 'RC-ORD-F1', memberId: 'M-RC-1', lines: [{ skuId: 'SKU-DH-1', quantity: 2 }], personalDataRef: expect.any(String) });
    expect(input).not.toHaveProperty('shipTo');
    expect(input).not.toHaveProperty('phone');
    expect(input).not.toHaveProperty('failure'); // the execution's input, not the failed state's
    expect(JSON.stringify(item)).not.toContain(orderPlaced.phone);
    expect(JSON.stringify(item)).not.toContain(addresses.shanghai.district);

    const listed = await api('GET', '/flows?flow=order-routing&status=FAILED');
    expect(listed.status).toBe(200);
    expect(listed.body.skipped).toBeUndefined();
    expect(listed.body.items.map((i: { businessKey: string }) => i.businessKey).sort()).toEqual(['RC-ORD-F1', 'RC-ORD-F2']);
    expect(listed.body.items).toContainEqual(expect.objectContaining({ flow: 'order-routing', businessKey: 'RC-ORD-F1', status: 'FAILED', step: 'Route and reserve', error: 'Sandbox.Timedout', redrivable: true, redriveCount: 0 }));
    expect(listed.body.items[0]).not.toHaveProperty('notRedrivableReason');
    expect((await api('GET', `/flows?flow=order-routing&status=FAILED&since=${encodeURIComponent(new Date(platform.clock.now() + 60_000).toISOString())}`)).body.items).toEqual([]);
    const everyFlow: string[] = [];
    for (let token: string | undefined, pages = 0; pages === 0 || (token && pages < 20); pages++) {
      const page = await api('GET', `/flows?status=FAILED${token ? `&nextToken=${token}` : ''}`);
      everyFlow.push(...page.body.items.map((i: { flow: string; businessKey: string }) => `${i.flow}/${i.businessKey}`));
      token = page.body.nextToken;
    }
    expect(everyFlow).toContain('order-routing/RC-ORD-F1');
    const running = await api('GET', '/flows?flow=order-routing&status=RUNNING');
    expect(running.body).toMatchObject({ items: [], skipped: [{ flow: 'order-routing', reason: expect.stringContaining('only its FAILED instances are listed') }] });
    const cliList = await opsCli(clients.stateDir, 'flows', 'list', '--status', 'FAILED', '--flow', 'order-routing', '--as', 'olivia:ops-lead');
    expect(cliList).toMatch(/RC-ORD-F1\s+FAILED\s+Route and reserve\s+Sandbox\.Timedout/);

    expect((await api('POST', '/flows/order-routing/RC-ORD-F1/redrive', undefined, carl)).status).toBe(403);
    const timedOut = await api('POST', '/flows/order-routing/redrive', { status: 'TIMED_OUT' });
    expect(timedOut.status).toBe(400);
    expect(timedOut.body.errors).toEqual([{ field: 'status', message: expect.stringContaining('records only its FAILED instances') }]);
    const dryRun = await api('POST', '/flows/order-routing/redrive', { status: 'FAILED', dryRun: true });
    expect(dryRun.body).toMatchObject({ recovery: 'restart', dryRun: true, matched: 2, redriven: 2, notRedrivable: 0, failed: 0, more: false });
    expect(dryRun.body.results).toContainEqual({ flow: 'order-routing', businessKey: 'RC-ORD-F2', result: 'would-restart', fromStep: 'Route and reserve' });
    expect(await instanceItem('RC-ORD-F2')).toMatchObject({ status: { S: 'FAILED' } });
    const cliDryRun = await opsCli(clients.stateDir, 'flows', 'redrive', 'order-routing', '--status', 'FAILED', '--dry-run', '--as', 'olivia:ops-lead');
    expect(cliDryRun).toMatch(/order-routing FAILED: 2 matched, 2 would restart, 0 not redrivable, 0 failed/);

    // One instance restarted through the CLI: from the first step, with the input recorded.
    const cliRestart = await opsCli(clients.stateDir, 'flows', 'redrive', 'order-routing', 'RC-ORD-F1', '--as', 'olivia:ops-lead');
    expect(cliRestart).toMatch(/order-routing RC-ORD-F1: restarted from Route and reserve/);
    const { body: routed } = await eventually(() => api('GET', '/flows/order-routing/RC-ORD-F1'), (r) => r.body?.status === 'SUCCEEDED', 'RC-ORD-F1 to be routed');
    expect(routed.result).toMatchObject({ outcome: 'routed' });
    expect(await instanceItem('RC-ORD-F1')).not.toHaveProperty('input');
    const again = await api('POST', '/flows/order-routing/RC-ORD-F1/redrive');
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/RC-ORD-F1 cannot be restarted: it is SUCCEEDED/);
    expect((await api('POST', '/flows/order-routing/RC-ORD-NONE/redrive')).status).toBe(404);
    expect(await auditOfToday()).toEqual(
      expect.arrayContaining([
        { actor: 'olivia', action: 'flow.redrive', target: 'order-routing/RC-ORD-F1', outcome: 'done' },
        { actor: 'olivia', action: 'flow.redrive', target: 'order-routing/RC-ORD-F1', outcome: 'refused' },
        { actor: 'olivia', action: 'flows.redrive', target: 'order-routing FAILED (dry run)', outcome: 'done' },
      ]),
    );

    // The other restarted in bulk while its OrderPlaced (and RC-ORD-F1's), which the timed-out intake left in the
    // dead-letter queue, comes back: the intake's claim and the restart's are one conditional write, so it starts once.
    const [bulk, redriven] = await Promise.all([api('POST', '/flows/order-routing/redrive', { status: 'FAILED' }), api('POST', '/quarantine/dead-letters/redrive')]);
    expect(bulk.status).toBe(200);
    expect(redriven.body.redriven).toBeGreaterThan(0);
    expect(bulk.body.redriven + bulk.body.notRedrivable).toBeLessThanOrEqual(1);
    await platform.clock.settle();
    await eventually(() => api('GET', '/flows/order-routing/RC-ORD-F2'), (r) => r.body?.status === 'SUCCEEDED', 'RC-ORD-F2 to be routed');
    await platform.clock.settle();
    expect((await api('GET', '/flows?flow=order-routing&status=FAILED')).body.items).toEqual([]);
    // Route ran again on each (their timed-out runs reserved already): 3 units reserved once; one confirmation each.
    expect(await stock()).toEqual({ reserved: before.reserved + 3, available: before.available - 3 });
    expect(await confirmations('RC-ORD-F1')).toEqual(['sent']);
    expect(await confirmations('RC-ORD-F2')).toEqual(['sent']);
    for (const printed of [JSON.stringify(seen), cliList, cliDryRun, cliRestart]) {
      expect(printed).not.toContain(orderPlaced.phone);
      expect(printed).not.toContain(addresses.shanghai.district);
    }
  });

  it('an order whose intake succeeded but whose confirmation step failed (no dead letter to send back) is restarted by ops: reserved once, confirmed once', async () => {
    const before = await stock();
    const waitingBefore = (await opsApi(platform, 'GET', '/quarantine/dead-letters', olivia)).body.waiting;
    // Only the confirmation step fails: it runs (its effects happen) and times out, four times with its retries.
    expect((await faults({ lambdaTimeoutRate: 1, functions: ['order-routing/confirm'], seed: 3 })).status).toBe(200);
    await put(order('RC-ORD-F3', 1));
    const { body: failed } = await eventually(() => opsApi(platform, 'GET', '/flows/order-routing/RC-ORD-F3', olivia), (r) => r.body?.status === 'FAILED', 'RC-ORD-F3 to fail');
    expect(failed.error).toBe('Sandbox.Timedout');
    expect((await opsApi(platform, 'GET', '/flows?flow=order-routing&status=FAILED', olivia)).body.items).toEqual([
      expect.objectContaining({ businessKey: 'RC-ORD-F3', step: 'Confirm to the customer', redrivable: true }),
    ]);
    expect((await faults()).body).toMatchObject({ active: false, injected: { lambdaTimeouts: 4 } });
    expect((await opsApi(platform, 'GET', '/quarantine/dead-letters', olivia)).body.waiting).toBe(waitingBefore);
    expect(await stock()).toEqual({ reserved: before.reserved + 1, available: before.available - 1 });
    const sentFirst = await confirmationItems('RC-ORD-F3');
    expect(sentFirst.map((item) => item.status?.S)).toEqual(['sent']);

    const restarted = await opsApi(platform, 'POST', '/flows/order-routing/RC-ORD-F3/redrive', olivia);
    expect(restarted.body).toEqual({ flow: 'order-routing', businessKey: 'RC-ORD-F3', result: 'restarted', fromStep: 'Route and reserve' });
    await eventually(() => opsApi(platform, 'GET', '/flows/order-routing/RC-ORD-F3', olivia), (r) => r.body?.status === 'SUCCEEDED', 'RC-ORD-F3 to be routed');
    // Route and Confirm ran again from the top: nothing reserved twice, the confirmation not sent again.
    expect(await stock()).toEqual({ reserved: before.reserved + 1, available: before.available - 1 });
    expect(await confirmationItems('RC-ORD-F3')).toEqual(sentFirst);
    expect((await opsApi(platform, 'POST', '/flows/order-routing/RC-ORD-F3/redrive', olivia)).status).toBe(409);
  });
});

describe('quarantine replay', () => {
  it('lists a bad event with its field errors and personal data masked; replays it corrected once, and its flow runs once', async () => {
    await put(complaint('CMP-Q-1', { filedAt: 'yesterday' }));
    const listed = await eventually(() => opsApi(platform, 'GET', '/quarantine?detailType=ComplaintFiled', olivia), (r) => r.body?.items?.length > 0, 'the event quarantined');
    const entry = listed.body.items.find((q: { detail: { complaintId?: string } }) => q.detail?.complaintId === 'CMP-Q-1');
    expect(entry).toMatchObject({ source: 'shop.aftersales', detailType: 'ComplaintFiled', flow: 'complaint', reason: 'ComplaintFiled is invalid' });
    expect(entry.errors.map((e: { field: string }) => e.field)).toEqual(['detail.filedAt']);
    expect(entry.detail.text).toBe('[redacted]');
    expect(JSON.stringify(listed.body)).not.toContain('13700001111');
    expect((await opsApi(platform, 'GET', '/quarantine', carl)).status).toBe(403);
    expect((await opsApi(platform, 'GET', `/flows/complaint/CMP-Q-1`, olivia)).status).toBe(404);

    const asStored = await opsApi(platform, 'POST', `/quarantine/${entry.id}/replay`, olivia, {});
    expect(asStored.status).toBe(400);
    expect(asStored.body.errors.map((e: { field: string }) => e.field)).toEqual(['detail.filedAt']);

    const [, , detail] = complaint('CMP-Q-1');
    const replayed = await opsApi(platform, 'POST', `/quarantine/${entry.id}/replay`, olivia, { detail });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ id: entry.id, eventId: expect.any(String) });
    const second = await opsApi(platform, 'POST', `/quarantine/${entry.id}/replay`, olivia, { detail });
    expect(second.status).toBe(409);
    const cliOut = await opsCli(clients.stateDir, 'quarantine', 'replay', entry.id, '--detail', JSON.stringify(detail), '--as', 'olivia:ops-lead').catch((error: { stderr: string }) => error.stderr);
    expect(cliOut).toMatch(/error: 409 event \S+ was replayed at .* by olivia/);

    await platform.clock.settle();
    await openTask('complaint-response', 'CMP-Q-1');
    const tasks = await opsApi(platform, 'GET', '/tasks?businessKey=CMP-Q-1&kind=complaint-response', olivia);
    expect(tasks.body.items).toHaveLength(1);
    const after = await opsApi(platform, 'GET', '/quarantine?detailType=ComplaintFiled', olivia);
    expect(after.body.items.find((q: { id: string }) => q.id === entry.id)).toMatchObject({ replayedBy: 'olivia' });
    const list = await opsCli(clients.stateDir, 'quarantine', 'list', '--detail-type', 'ComplaintFiled', '--as', 'olivia:ops-lead');
    expect(list).toMatch(/detail\.filedAt/);
    expect(list).toMatch(/replayed .* by olivia/);
    expect(await auditOfToday()).toEqual(expect.arrayContaining([{ actor: 'olivia', action: 'quarantine.replay', target: entry.id, outcome: 'done' }]));
  });
});

describe('dead letters', () => {
  it('an event whose flow trigger kept failing waits in the bus dead-letter queue; ops-lead redrives it and its flow starts once', async () => {
    await faults({ lambdaErrorRate: 1, seed: 3 });
    await put(complaint('CMP-DL-1'));
    const waiting = await eventually(() => opsApi(platform, 'GET', '/quarantine/dead-letters', olivia), (r) => r.body?.waiting > 0, 'the event in the dead-letter queue');
    await faults();
    expect(waiting.body.sample).toEqual(
      expect.arrayContaining([expect.objectContaining({ source: 'shop.aftersales', detailType: 'ComplaintFiled', error: expect.stringMatching(/TransientError/) })]),
    );
    expect(JSON.stringify(waiting.body)).not.toContain('13700001111');
    expect((await opsApi(platform, 'GET', `/flows/complaint/CMP-DL-1`, olivia)).status).toBe(404);

    // An engineer's older SQS client (query protocol, XML) reads the same queue, leaving it there.
    const { SQSClient, GetQueueUrlCommand, ReceiveMessageCommand } = await import('sqs-query-client');
    const older = new SQSClient({ endpoint: platform.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const { QueueUrl } = await older.send(new GetQueueUrlCommand({ QueueName: `${EVENT_BUS_NAME}-dlq` }));
    const { Messages = [] } = await older.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ['All'] }));
    const letter = Messages.find((m) => m.Body?.includes('CMP-DL-1'));
    expect(letter?.MessageAttributes?.ErrorMessage?.StringValue).toMatch(/TransientError/);
    older.destroy();

    const out = await opsCli(clients.stateDir, 'quarantine', 'dead-letters', '--redrive', '--as', 'olivia:ops-lead');
    expect(out).toMatch(/dead letters: [1-9]\d* redriven, 0 moved to the quarantine, 0 failed, 0 still waiting/);
    await platform.clock.settle();
    await openTask('complaint-response', 'CMP-DL-1');
    expect((await opsApi(platform, 'GET', '/tasks?businessKey=CMP-DL-1&kind=complaint-response', olivia)).body.items).toHaveLength(1);
    expect((await opsApi(platform, 'GET', '/quarantine/dead-letters', olivia)).body.waiting).toBe(0);
    expect(await auditOfToday()).toEqual(expect.arrayContaining([{ actor: 'olivia', action: 'dead-letters.redrive', target: 'the bus dead-letter queue', outcome: 'done' }]));
  });
});

describe('EventBridge inspection and archive replay', () => {
  it('lists rules, describes one, lists its targets, and tags of a state machine, as the AWS CLI asks', async () => {
    const { ListRulesCommand, DescribeRuleCommand, ListTargetsByRuleCommand } = await import('@aws-sdk/client-eventbridge');
    const { ListTagsForResourceCommand } = await import('@aws-sdk/client-sfn');
    const { Rules = [] } = await clients.events.send(new ListRulesCommand({ EventBusName: EVENT_BUS_NAME }));
    const complaintRule = Rules.find((r) => r.EventPattern?.includes('ComplaintFiled'));
    expect(complaintRule).toMatchObject({ EventBusName: EVENT_BUS_NAME, State: 'ENABLED' });
    const described = await clients.events.send(new DescribeRuleCommand({ Name: complaintRule!.Name, EventBusName: EVENT_BUS_NAME }));
    expect(JSON.parse(described.EventPattern!)).toMatchObject({ 'detail-type': ['ComplaintFiled'] });
    const { Targets = [] } = await clients.events.send(new ListTargetsByRuleCommand({ Rule: complaintRule!.Name, EventBusName: EVENT_BUS_NAME }));
    expect(Targets[0]).toMatchObject({ Arn: expect.stringContaining(':function:'), DeadLetterConfig: { Arn: expect.stringContaining(`${EVENT_BUS_NAME}-dlq`) } });
    await expect(clients.events.send(new DescribeRuleCommand({ Name: 'no-such-rule', EventBusName: EVENT_BUS_NAME }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    const machine = platform.model.stateMachines.find((m) => m.flow === 'complaint')!;
    expect((await clients.sfn.send(new ListTagsForResourceCommand({ resourceArn: machine.arn }))).tags).toEqual(machine.tags ?? []);
    await expect(clients.sfn.send(new ListTagsForResourceCommand({ resourceArn: `${machine.arn}-nope` }))).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });

  it('replays a window of the archive: a complaint whose trigger failed starts its flow, once', async () => {
    const { ListArchivesCommand, StartReplayCommand, DescribeReplayCommand } = await import('@aws-sdk/client-eventbridge');
    const { Archives = [] } = await clients.events.send(new ListArchivesCommand({}));
    const archive = Archives.find((a) => a.EventSourceArn?.endsWith(`event-bus/${EVENT_BUS_NAME}`));
    expect(archive).toMatchObject({ State: 'ENABLED', RetentionDays: 365 });
    expect(archive!.EventCount).toBeGreaterThan(0);

    const from = new Date(platform.clock.now() - 1000);
    await faults({ lambdaErrorRate: 1, seed: 4 });
    await put(complaint('CMP-AR-1'));
    await faults();
    expect((await opsApi(platform, 'GET', '/flows/complaint/CMP-AR-1', olivia)).status).toBe(404);
    await platform.clock.advance(1);
    const to = new Date(platform.clock.now());
    const archiveArn = `arn:aws:events:us-east-1:000000000000:archive/${archive!.ArchiveName}`;
    const busArn = archive!.EventSourceArn!;
    const started = await clients.events.send(new StartReplayCommand({ ReplayName: 'cmp-ar-1', EventSourceArn: archiveArn, EventStartTime: from, EventEndTime: to, Destination: { Arn: busArn } }));
    expect(started.State).toBe('STARTING');
    await eventually(() => clients.events.send(new DescribeReplayCommand({ ReplayName: 'cmp-ar-1' })), (r) => r.State === 'COMPLETED', 'the replay to complete');
    await platform.clock.settle();
    await openTask('complaint-response', 'CMP-AR-1');
    expect((await opsApi(platform, 'GET', '/tasks?businessKey=CMP-AR-1&kind=complaint-response', olivia)).body.items).toHaveLength(1);
    await expect(
      clients.events.send(new StartReplayCommand({ ReplayName: 'cmp-ar-1', EventSourceArn: archiveArn, EventStartTime: from, EventEndTime: to, Destination: { Arn: busArn } })),
    ).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
  });

  it('lists replays by name, state and archive, and cancels a running one (CANCELLING, then CANCELLED); a finished one cannot be', async () => {
    const { ListArchivesCommand, StartReplayCommand, DescribeReplayCommand, ListReplaysCommand, CancelReplayCommand, ListRulesCommand } = await import('@aws-sdk/client-eventbridge');
    const { Archives = [] } = await clients.events.send(new ListArchivesCommand({}));
    const archive = Archives.find((a) => a.EventSourceArn?.endsWith(`event-bus/${EVENT_BUS_NAME}`))!;
    const archiveArn = `arn:aws:events:us-east-1:000000000000:archive/${archive.ArchiveName}`;
    // 40 archived events no rule takes: the replay sends them ten at a time, so it is still running when cancelled.
    const from = new Date(platform.clock.now() - 1000);
    for (let i = 0; i < 4; i++) await put(...Array.from({ length: 10 }, (_, n) => ['shop.tests', 'ReplayProbe', { n: i * 10 + n }] as [string, string, unknown]));
    await platform.clock.advance(1);
    const { Rules = [] } = await clients.events.send(new ListRulesCommand({ EventBusName: EVENT_BUS_NAME }));
    const complaintRule = Rules.find((r) => r.EventPattern?.includes('ComplaintFiled'))!;
    const window = { EventSourceArn: archiveArn, EventStartTime: from, EventEndTime: new Date(platform.clock.now()), Destination: { Arn: archive.EventSourceArn!, FilterArns: [complaintRule.Arn!] } };

    await clients.events.send(new StartReplayCommand({ ReplayName: 'probes-whole', ...window }));
    await eventually(() => clients.events.send(new DescribeReplayCommand({ ReplayName: 'probes-whole' })), (r) => r.State === 'COMPLETED', 'the first replay to complete');
    await clients.events.send(new StartReplayCommand({ ReplayName: 'probes', ...window }));
    const cancelled = await clients.events.send(new CancelReplayCommand({ ReplayName: 'probes' }));
    expect(cancelled).toMatchObject({ ReplayArn: expect.stringContaining(':replay/probes'), State: 'CANCELLING' });
    await eventually(() => clients.events.send(new DescribeReplayCommand({ ReplayName: 'probes' })), (r) => r.State === 'CANCELLED', 'the replay to stop');
    await expect(clients.events.send(new CancelReplayCommand({ ReplayName: 'probes' }))).rejects.toMatchObject({ name: 'IllegalStatusException' });
    await expect(clients.events.send(new CancelReplayCommand({ ReplayName: 'probes-whole' }))).rejects.toMatchObject({ name: 'IllegalStatusException', message: expect.stringContaining('COMPLETED') });
    await expect(clients.events.send(new CancelReplayCommand({ ReplayName: 'no-such-replay' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    const names = async (input: import('@aws-sdk/client-eventbridge').ListReplaysCommandInput) => ((await clients.events.send(new ListReplaysCommand(input))).Replays ?? []).map((r) => `${r.ReplayName} ${r.State}`);
    expect(await names({})).toEqual(expect.arrayContaining(['probes-whole COMPLETED', 'probes CANCELLED']));
    expect(await names({ NamePrefix: 'probes' })).toEqual(['probes-whole COMPLETED', 'probes CANCELLED']);
    expect(await names({ State: 'CANCELLED' })).toEqual(['probes CANCELLED']);
    expect(await names({ EventSourceArn: archiveArn })).toEqual(expect.arrayContaining(['probes-whole COMPLETED', 'probes CANCELLED']));
    expect(await names({ EventSourceArn: `${archiveArn}-other` })).toEqual([]);
    await expect(clients.events.send(new ListReplaysCommand({ NamePrefix: 'probes', State: 'CANCELLED' }))).rejects.toMatchObject({ name: 'ValidationException' });
    await platform.clock.settle();
  });
});
