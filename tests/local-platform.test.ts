import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionArnFor } from '../shared/executions';
import { orderDelivered } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import { formatReport, runDemo } from '../infra/local/shop/demo/run-demo';
import type { DemoScenario } from '../infra/local/shop/demo/scenario';
import type { Platform } from '../infra/local/engine/platform';
import { DynamoTable } from '../shared/dynamo';
import { MemberContacts } from '../shared/records/contacts';
import { NotificationOutbox } from '../shared/records/outbox';
import { eventually, opsCli, startFixturePlatform, tableName } from './support';

let platform: Platform;
let stateDir: string;
let sfn: SFNClient;
let events: EventBridgeClient;
let dynamo: DynamoDBClient;
let sqs: SQSClient;
let s3: S3Client;

beforeAll(async () => {
  // Real SDK clients, nothing but the endpoint changed (and S3 path-style).
  ({ platform, stateDir, sfn, events, dynamo, sqs, s3 } = await startFixturePlatform());
});

afterAll(async () => {
  await platform?.stop();
});

const machineArn = (flow: string) => platform.model.stateMachines.find((m) => m.flow === flow)!.arn;
const recordsTable = () => tableName(platform, 'RecordsTable');

async function advance(seconds: number) {
  const response = await fetch(`${platform.awsEndpoint}/_local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { now: string };
}

async function status(executionArn: string) {
  return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
}

/** The token the fixture parked for one wait of one execution (as the task inbox would). */
async function parkedToken(executionName: string, step: string): Promise<string> {
  const item = await eventually(
    () => dynamo.send(new GetItemCommand({ TableName: recordsTable(), Key: { pk: { S: `FIXTURE-TOKEN#${executionName}` }, sk: { S: step } } })),
    (result) => result.Item !== undefined,
    `the ${step} token of ${executionName}`,
  );
  return item.Item!.token.S!;
}

describe('the local platform, through real AWS SDK clients', () => {
  it('lists the synthesized state machines and serves DynamoDB through the proxy', async () => {
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines?.map((m) => m.name).sort()).toEqual([
      'fixture-approval-fixture',
      'fixture-direct-fixture',
      'fixture-heartbeat-fixture',
      'fixture-review-fixture',
      'fixture-waits-fixture',
    ]);
    const tables = await dynamo.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual(expect.arrayContaining(platform.model.tables.map((t) => t.tableName)));
  });

  it('starts a flow from an event through its rule, once per business key', async () => {
    const detail = { ...orderDelivered, orderId: 'ORD-RULE-1' };
    const put = await events.send(
      new PutEventsCommand({
        Entries: [0, 1].map(() => ({ EventBusName: EVENT_BUS_NAME, Source: 'shop.orders', DetailType: 'OrderDelivered', Detail: JSON.stringify(detail) })),
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const executionArn = executionArnFor(machineArn('fixture-approval'), 'ORD-RULE-1');
    await eventually(() => status(executionArn).catch(() => undefined), (s) => s === 'RUNNING', 'the execution to start');
    await platform.clock.settle();
    const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn('fixture-approval') }));
    expect(executions.executions!.filter((e) => e.name === 'ORD-RULE-1')).toHaveLength(1);
  });

  it('treats a duplicate StartExecution as AWS does: same input returns it, other input is refused', async () => {
    const request = { stateMachineArn: machineArn('fixture-approval'), name: 'dup-1', input: '{"orderId":"dup-1"}' };
    const first = await sfn.send(new StartExecutionCommand(request));
    const again = await sfn.send(new StartExecutionCommand(request));
    expect(again.executionArn).toBe(first.executionArn);
    await expect(sfn.send(new StartExecutionCommand({ ...request, input: '{"orderId":"other"}' }))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('continues a waitForTaskToken state on SendTaskSuccess, with a fresh token for every wait', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('fixture-approval'), name: 'approve-all', input: '{}' }));
    const first = await parkedToken('approve-all', 'first');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: first, output: JSON.stringify({ by: 'alice' }) }));
    const second = await parkedToken('approve-all', 'second');
    expect(second).not.toBe(first);
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: first, output: '{}' }))).rejects.toThrow();
    await sfn.send(new SendTaskSuccessCommand({ taskToken: second, output: JSON.stringify({ by: 'bob' }) }));
    const [a, b] = await Promise.all([parkedToken('approve-all', 'branch-a'), parkedToken('approve-all', 'branch-b')]);
    expect(new Set([first, second, a, b]).size).toBe(4);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: b, output: '{"branch":"b"}' }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: a, output: '{"branch":"a"}' }));
    await eventually(() => status(executionArn!), (s) => s === 'SUCCEEDED', 'the execution to succeed');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(described.output!)).toMatchObject({
      first: { by: 'alice' },
      second: { by: 'bob' },
      branches: [{ brancha: { branch: 'a' } }, { branchb: { branch: 'b' } }],
    });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = history.events!.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types).toContain('TaskSubmitted');
    expect(types.indexOf('TaskStateEntered')).toBeLessThan(types.indexOf('TaskScheduled'));
  });

  it('fails the execution on SendTaskFailure with the given error', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('fixture-approval'), name: 'reject-1', input: '{}' }));
    const token = await parkedToken('reject-1', 'first');
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'not compliant' }));
    await eventually(() => status(executionArn!), (s) => s === 'FAILED', 'the execution to fail');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ error: 'Rejected', cause: 'not compliant' });
  });

  it('times a waiting task out by the virtual clock, takes the Catch branch and refuses the late token', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('fixture-approval'), name: 'expire-1', input: '{}' }));
    const token = await parkedToken('expire-1', 'first');
    // Real time passes too while the test runs: stay well inside the hour, then cross it.
    await advance(3500);
    expect(await status(executionArn!)).toBe('RUNNING');
    await advance(100);
    await eventually(() => status(executionArn!), (s) => s === 'SUCCEEDED', 'the Catch branch to end the execution');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(described.output!)).toMatchObject({ outcome: 'expired', timeout: { Error: 'States.Timeout' } });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events!.some((e) => e.type === 'TaskTimedOut' && e.taskTimedOutEventDetails?.error === 'States.Timeout')).toBe(true);
  });

  it('keeps a task alive while heartbeats arrive and fails it when they stop', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('fixture-heartbeat'), name: 'beat-1', input: '{}' }));
    const token = await parkedToken('beat-1', 'heartbeat');
    for (let i = 0; i < 3; i++) {
      await advance(45);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    expect(await status(executionArn!)).toBe('RUNNING');
    await advance(75);
    await eventually(() => status(executionArn!), (s) => s === 'FAILED', 'the heartbeat timeout');
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ error: 'States.HeartbeatTimeout' });
  });

  it('completes a Wait of 3 days after advanceSeconds: 259200, and a TimestampPath wait at its time', async () => {
    const start = Date.parse((await advance(0)).now);
    const until = new Date(start + 4 * 86_400_000).toISOString();
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('fixture-waits'), input: JSON.stringify({ until }) }));
    await advance(259_100);
    expect(await status(executionArn!)).toBe('RUNNING');
    await advance(100);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events!.map((e) => e.type)).toContain('WaitStateExited');
    expect(await status(executionArn!)).toBe('RUNNING');
    await advance(86_400);
    await eventually(() => status(executionArn!), (s) => s === 'SUCCEEDED', 'the waits to finish');
  });

  it('runs direct DynamoDB and EventBridge integrations, and routes the event to its rule target', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('fixture-direct'), input: '{"id":"42","value":"hello"}' }));
    await eventually(() => status(executionArn!), (s) => s !== 'RUNNING', 'the direct flow to finish');
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'SUCCEEDED' });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'fixture-observed' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(JSON.parse(received.Messages![0].Body!)).toMatchObject({ source: 'fixture.direct', 'detail-type': 'ItemStored', detail: { value: 'hello' } });
  });

  it('puts an event it cannot deliver in the dead-letter queue', async () => {
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: 'fixture.dlq', DetailType: 'Anything', Detail: '{"n":1}' }] }));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `${EVENT_BUS_NAME}-dlq` }));
    const received = await eventually(
      () => sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] })),
      (r) => (r.Messages ?? []).length > 0,
      'a dead letter',
    );
    const message = received.Messages![0];
    expect(JSON.parse(message.Body!)).toMatchObject({ source: 'fixture.dlq', detail: { n: 1 } });
    expect(message.MessageAttributes?.ERROR_CODE?.StringValue).toBe('NO_RESOURCE');
  });

  it('quarantines an event that fails its contract, with the reason', async () => {
    const put = await events.send(
      new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: 'shop.orders', DetailType: 'OrderDelivered', Detail: '{"orderId":"ORD-BAD"}' }] }),
    );
    const quarantine = tableName(platform, 'QuarantineTable');
    const item = await eventually(
      () => dynamo.send(new GetItemCommand({ TableName: quarantine, Key: { id: { S: put.Entries![0].EventId! } } })),
      (r) => r.Item !== undefined,
      'the quarantined event',
    );
    expect(item.Item!.reason.S).toBe('OrderDelivered is invalid');
    expect(JSON.stringify(item.Item!.errors)).toContain('detail.deliveredAt');
  });
});

describe('S3, through the real S3 client', () => {
  const bucket = () => platform.model.buckets.find((b) => b.logicalId.startsWith('Images'))!.name;
  const fails = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected the call to fail'), (error: Error) => error);

  it('serves exactly the buckets the template declares: a named one under its name, another under a generated local name', async () => {
    expect(platform.model.buckets.map((b) => b.logicalId.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['Images', 'ListingImages']);
    expect(bucket()).toMatch(/^shop-fixture-workflows-images[0-9a-f]{8}$/);
    const listingImages = platform.model.buckets.find((b) => b.logicalId.startsWith('ListingImages'))!.name;
    expect(listingImages).toBe('shop-listing-images-000000000000-us-east-1-fixture');
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets!.map((b) => b.Name).sort()).toEqual([bucket(), listingImages].sort());
  });

  it('puts, lists, heads, gets and deletes an object', async () => {
    const key = 'listings/L-1/主图 1.png';
    const image = randomBytes(20_000);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: image, ContentType: 'image/png', Metadata: { seller: 'S-7' } }));
    expect(put.ETag).toBe(`"${createHash('md5').update(image).digest('hex')}"`);

    const top = await s3.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: 'listings/', Delimiter: '/' }));
    expect(top).toMatchObject({ KeyCount: 1, IsTruncated: false, CommonPrefixes: [{ Prefix: 'listings/L-1/' }] });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: 'listings/L-1/' }));
    expect(listed.Contents!.map((c) => [c.Key, c.Size, c.ETag])).toEqual([[key, image.length, put.ETag]]);

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    expect(head).toMatchObject({ ContentLength: image.length, ContentType: 'image/png', ETag: put.ETag, Metadata: { seller: 'S-7' } });
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(image)).toBe(true);

    await s3.send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
    expect(await fails(s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key })))).toBeInstanceOf(NoSuchKey);
  });

  it('answers NoSuchBucket for a bucket the template does not declare', async () => {
    expect(await fails(s3.send(new ListObjectsV2Command({ Bucket: 'not-declared' })))).toBeInstanceOf(NoSuchBucket);
    expect(await fails(s3.send(new PutObjectCommand({ Bucket: 'not-declared', Key: 'k', Body: 'x' })))).toMatchObject({ name: 'NoSuchBucket' });
  });

  it('gives a function the bucket name through the Ref in its environment, and it reads the object', async () => {
    const reader = platform.model.functions.find((fn) => fn.logicalId.startsWith('ReadObject'))!;
    expect(reader.environment.IMAGES_BUCKET).toBe(bucket());
    const image = randomBytes(4096);
    await s3.send(new PutObjectCommand({ Bucket: bucket(), Key: 'listings/L-2/main.jpg', Body: image, ContentType: 'image/jpeg', Metadata: { seller: 'S-8' } }));
    expect(await platform.lambdas.invoke(reader.functionName, { key: 'listings/L-2/main.jpg' })).toEqual({
      bucket: bucket(),
      contentType: 'image/jpeg',
      size: 4096,
      sha256: createHash('sha256').update(image).digest('hex'),
      metadata: { seller: 'S-8' },
    });
    await expect(platform.lambdas.invoke(reader.functionName, { key: 'listings/L-2/missing.jpg' })).rejects.toMatchObject({ errorType: 'NoSuchKey' });
  });
});

describe('the ops API emulation', () => {
  const me = (token?: string) => fetch(`${platform.apiEndpoint}/me`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('refuses requests without a valid token like the JWT authorizer', async () => {
    expect((await me()).status).toBe(401);
    expect((await me('not-a-jwt')).status).toBe(401);
    const valid = await platform.issuer.mint({ user: 'mallory', groups: ['finance'] });
    const [header, payload] = valid.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), 'cognito:groups': ['ops-lead'] })).toString('base64url');
    expect((await me(`${header}.${forgedPayload}.${valid.split('.')[2]}`)).status).toBe(401);
  });

  it('passes the verified user and roles to the handler, until the token expires on the virtual clock', async () => {
    const token = await platform.issuer.mint({ user: 'alice', groups: ['aftersales', 'finance'], expiresInSeconds: 3600, now: new Date(platform.clock.now()) });
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user: 'alice', roles: [{ role: 'aftersales' }, { role: 'finance' }] });
    await advance(3601);
    expect((await me(token)).status).toBe(401);
  });
});

describe('the ops CLI', () => {
  const ops = (...args: string[]) => opsCli(stateDir, ...args).then((stdout) => stdout.trim().split('\n'));

  it('mints a token the running platform accepts, and moves its clock', async () => {
    const token = (await ops('token', '--user', 'carol', '--groups', 'cs-agent')).at(-1)!;
    const response = await fetch(`${platform.apiEndpoint}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await response.json()).toMatchObject({ user: 'carol', roles: [{ role: 'cs-agent' }] });
    const before = platform.clock.now();
    const [line] = await ops('clock', 'advance', '2h');
    expect(line).toMatch(/^now \S+ \(moved 2h\)$/);
    expect(platform.clock.now() - before).toBeGreaterThanOrEqual(2 * 3600_000);
  });
});

describe('the demo runner', () => {
  const approvals: DemoScenario = {
    flow: 'fixture-approval',
    title: 'one order approved at every step, one left to expire',
    steps: 3,
    async run(demo) {
      await demo.putEvent('shop.orders', 'OrderDelivered', { ...orderDelivered, orderId: 'ORD-DEMO-1' });
      await demo.putEvent('shop.orders', 'OrderDelivered', { ...orderDelivered, orderId: 'ORD-DEMO-2' });
      demo.step('two deliveries');
      for (const step of ['first', 'second', 'branch-a', 'branch-b']) {
        await sfn.send(new SendTaskSuccessCommand({ taskToken: await parkedToken('ORD-DEMO-1', step), output: '{"ok":true}' }));
      }
      demo.step('approved ORD-DEMO-1');
      await parkedToken('ORD-DEMO-2', 'first');
      await demo.advance(2 * 3600);
      demo.step('two hours later');
      return [
        { flow: 'fixture-approval', businessKey: 'ORD-DEMO-1', story: 'approved at every step', expected: { status: 'SUCCEEDED' } },
        { flow: 'fixture-approval', businessKey: 'ORD-DEMO-2', story: 'nobody answered', expected: { status: 'SUCCEEDED', result: { outcome: 'expired' } } },
      ];
    },
  };

  it('plays scenarios, counts their steps and passes when every instance ends as expected', async () => {
    const steps: string[] = [];
    const report = await runDemo(platform, [approvals], (label) => steps.push(label));
    expect(formatReport(report)).toContain('2 of 2 flow instances reached their expected end state');
    expect(report.ok).toBe(true);
    expect(steps).toEqual(['two deliveries', 'approved ORD-DEMO-1', 'two hours later']);
  });

  it('fails, naming the instance and the difference, when an instance ends elsewhere', async () => {
    const wrong: DemoScenario = {
      ...approvals,
      steps: 0,
      run: async () => [{ flow: 'fixture-approval', businessKey: 'ORD-DEMO-2', story: 'claims approval', expected: { status: 'SUCCEEDED', result: { outcome: 'approved' } } }],
    };
    const report = await runDemo(platform, [wrong]);
    expect(report.ok).toBe(false);
    expect(formatReport(report)).toMatch(/ORD-DEMO-2 .*FAIL: outcome is "expired", expected "approved"/);
  });
});

describe('the notification sweep', () => {
  it('runs hourly for the whole platform, flows or not, and sends what is still pending', async () => {
    const records = new DynamoTable(recordsTable(), 'pk', DynamoDBDocumentClient.from(dynamo));
    const outbox = new NotificationOutbox(records);
    await new MemberContacts(records).savePhone('M-SWEEP', '13700000000');
    const now = new Date(platform.clock.now()).toISOString();
    const notification = { key: 'C-SWEEP', type: 'apology', recipient: { memberId: 'M-SWEEP' } };
    expect(await outbox.enqueue(notification, now)).toBe('queued');
    // The fixture flows send no notifications: only the platform's sweep can send this one.
    await platform.clock.settle();
    expect(await outbox.get('C-SWEEP', 'apology')).toMatchObject({ status: 'pending' });

    await advance(3600 + 60);
    const sent = await eventually(() => outbox.get('C-SWEEP', 'apology'), (item) => item?.status === 'sent', 'the sweep to send C-SWEEP');
    expect(sent).toMatchObject({ attempts: 1, providerMessageId: expect.stringMatching(/^local-/) });
  });
});
