import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  JavaMissingError,
  LOCAL_CLIENT_CONFIG,
  checkJava,
  createTableInputFromCloudFormation,
  createTablesFromTemplate,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from './dynamodb-local';

const JVM_TIMEOUT = 90_000;

// What CDK synthesizes for `new dynamodb.TableV2(...)` (AWS::DynamoDB::GlobalTable) with
// partitionKey pk, sortKey sk, GSI gsi1 on gsi1pk/gsi1sk and timeToLiveAttribute expiresAt.
const tableV2Properties = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
  GlobalSecondaryIndexes: [
    {
      IndexName: 'gsi1',
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  Replicas: [
    {
      GlobalSecondaryIndexes: [{ IndexName: 'gsi1' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      Region: { Ref: 'AWS::Region' },
      Tags: [{ Key: 'app', Value: 'shop' }],
    },
  ],
  SSESpecification: { SSEEnabled: true },
  StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
  TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
};

// What CDK synthesizes for `new dynamodb.Table(...)` with default (provisioned) billing.
const tableV1Properties = {
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  Tags: [{ Key: 'app', Value: 'shop' }],
};

const clientFor = (ddb: DynamoDbLocal) => new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: ddb.endpoint });

/** True while the pid exists and is not a zombie (an orphan may wait for a lazy init to reap it). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

describe('JavaMissingError', () => {
  it('tells how to install Java on each platform', () => {
    const message = new JavaMissingError().message;
    expect(message).toContain('java -version');
    expect(message).toContain('sudo apt-get install -y openjdk-17-jre-headless');
    expect(message).toContain('brew install openjdk@17');
    expect(message).toMatch(/Windows.*PATH/);
  });

  it('is thrown when the java command does not exist', async () => {
    const attempt = startDynamoDbLocal({ javaCommand: 'java-that-does-not-exist' });
    await expect(attempt).rejects.toBeInstanceOf(JavaMissingError);
    await expect(attempt).rejects.toThrow(/java-that-does-not-exist" not found.*apt-get install/);
  });
});

describe('createTableInputFromCloudFormation', () => {
  it('keeps keys, indexes and streams and drops what DynamoDB Local cannot use', () => {
    const input = createTableInputFromCloudFormation('orders', {
      ...tableV2Properties,
      LocalSecondaryIndexes: [
        {
          IndexName: 'lsi1',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'lsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
        },
      ],
      AttributeDefinitions: [...tableV2Properties.AttributeDefinitions, { AttributeName: 'lsi1sk', AttributeType: 'N' }],
      TableName: 'ignored-physical-name',
      DeletionProtectionEnabled: true,
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
    });
    expect(input).toEqual({
      TableName: 'orders',
      KeySchema: tableV2Properties.KeySchema,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
        { AttributeName: 'lsi1sk', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: tableV2Properties.GlobalSecondaryIndexes,
      LocalSecondaryIndexes: [
        {
          IndexName: 'lsi1',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'lsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('turns provisioned tables into on-demand ones', () => {
    const input = createTableInputFromCloudFormation('things', tableV1Properties);
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input).not.toHaveProperty('ProvisionedThroughput');
  });

  it('rejects key attributes without a definition', () => {
    expect(() =>
      createTableInputFromCloudFormation('broken', { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [] }),
    ).toThrow(/pk missing from AttributeDefinitions/);
  });
});

const javaAvailable = await checkJava().then(
  () => true,
  () => false,
);

describe.skipIf(!javaAvailable)('DynamoDB Local (needs Java)', { timeout: JVM_TIMEOUT }, () => {
  const running: DynamoDbLocal[] = [];
  const tempDirs: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((ddb) => ddb.stop()));
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function start(options: Parameters<typeof startDynamoDbLocal>[0] = {}) {
    const ddb = await startDynamoDbLocal(options);
    running.push(ddb);
    return ddb;
  }

  it('starts, creates tables with a GSI and TTL, and stops without leaving the JVM behind', async () => {
    const sigintListenersBefore = process.listenerCount('SIGINT');
    const logged: string[] = [];
    const ddb = await start({ log: (line) => logged.push(line) });
    console.info(`DynamoDB Local answered ${ddb.startupMs} ms after spawn`);
    expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
    expect(logged.some((line) => line.includes('answering on'))).toBe(true);
    expect(process.listenerCount('SIGINT')).toBe(sigintListenersBefore + 1);

    const client = clientFor(ddb);
    const tables = [
      { tableName: 'orders', properties: tableV2Properties },
      { tableName: 'things', properties: tableV1Properties },
    ];
    await createTablesFromTemplate(client, tables);

    await client.send(
      new PutItemCommand({
        TableName: 'orders',
        Item: {
          pk: { S: 'ORDER#1' },
          sk: { S: 'META' },
          gsi1pk: { S: 'CUSTOMER#7' },
          gsi1sk: { S: '2024-01-01' },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + 3600) },
        },
      }),
    );
    const queried = await client.send(
      new QueryCommand({
        TableName: 'orders',
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :c',
        ExpressionAttributeValues: { ':c': { S: 'CUSTOMER#7' } },
      }),
    );
    expect(queried.Items?.map((item) => item.pk?.S)).toEqual(['ORDER#1']);

    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'orders' }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    const things = await client.send(new DescribeTimeToLiveCommand({ TableName: 'things' }));
    expect(things.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');

    const described = await client.send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(described.Table?.StreamSpecification).toMatchObject({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });

    // Second run is a no-op: same table (creation time unchanged) and data kept.
    await createTablesFromTemplate(client, tables);
    const again = await client.send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(again.Table?.CreationDateTime).toEqual(described.Table?.CreationDateTime);
    expect(again.Table?.ItemCount).toBe(1);

    // A template that moved TTL to another attribute moves it on the existing table too.
    const movedTtl = { ...tableV2Properties, TimeToLiveSpecification: { AttributeName: 'purgeAt', Enabled: true } };
    await createTablesFromTemplate(client, [{ tableName: 'orders', properties: movedTtl }]);
    const moved = await client.send(new DescribeTimeToLiveCommand({ TableName: 'orders' }));
    expect(moved.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'purgeAt' });

    // Any region/credentials see the same tables (-sharedDb).
    const otherClient = new DynamoDBClient({
      endpoint: ddb.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'other', secretAccessKey: 'other' },
    });
    await expect(otherClient.send(new DescribeTableCommand({ TableName: 'orders' }))).resolves.toBeDefined();
    otherClient.destroy();
    client.destroy();

    await ddb.stop();
    expect(() => process.kill(ddb.pid, 0)).toThrow();
    await ddb.stop(); // idempotent
    expect(process.listenerCount('SIGINT')).toBe(sigintListenersBefore);
  });

  it('names the table when creating it fails', async () => {
    const ddb = await start();
    const client = clientFor(ddb);
    await expect(
      createTablesFromTemplate(client, [
        { tableName: 'bad-table', properties: { ...tableV1Properties, KeySchema: [{ AttributeName: 'id', KeyType: 'SIDEWAYS' }] } },
      ]),
    ).rejects.toThrow(/"bad-table"/);
    client.destroy();
  });

  it('keeps data in persistDir across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddb-local-test-'));
    tempDirs.push(dir);
    const persistDir = join(dir, 'nested', 'data'); // created on demand

    const first = await start({ persistDir });
    const firstClient = clientFor(first);
    await createTablesFromTemplate(firstClient, [{ tableName: 'orders', properties: tableV2Properties }]);
    await firstClient.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'A' }, sk: { S: 'B' }, note: { S: 'kept' } } }));
    firstClient.destroy();
    await first.stop();

    const second = await start({ persistDir });
    const secondClient = clientFor(second);
    // Existing table: skipped, TTL still ensured.
    await createTablesFromTemplate(secondClient, [{ tableName: 'orders', properties: tableV2Properties }]);
    const item = await secondClient.send(new GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'A' }, sk: { S: 'B' } } }));
    expect(item.Item?.note?.S).toBe('kept');
    const ttl = await secondClient.send(new DescribeTimeToLiveCommand({ TableName: 'orders' }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
    secondClient.destroy();
  });

  it('refuses a port another server already listens on', async () => {
    // Otherwise that server would answer the readiness probe in place of our JVM.
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(startDynamoDbLocal({ port })).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it.skipIf(process.platform === 'win32')('reports the output tail when the JVM exits before answering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddb-local-test-'));
    tempDirs.push(dir);
    const fakeJava = join(dir, 'fake-java');
    writeFileSync(
      fakeJava,
      [
        '#!/bin/sh',
        'if [ "$1" = "-version" ]; then echo \'openjdk version "17.0.0"\' >&2; exit 0; fi',
        'echo "Exception in thread main: boom" >&2',
        'exit 1',
      ].join('\n'),
      { mode: 0o755 },
    );
    await expect(startDynamoDbLocal({ javaCommand: fakeJava })).rejects.toThrow(/exited before answering \(code 1\)[\s\S]*boom/);
  });

  // The JVM must not outlive the Node process, however that process ends.
  it.each([
    { how: 'SIGTERM', script: `process.kill(process.pid, 'SIGTERM');`, exitCode: 143 },
    { how: 'process.exit()', script: `process.exit(3);`, exitCode: 3 },
  ])('kills the JVM when the parent ends via $how', async ({ script, exitCode }) => {
    const moduleUrl = new URL('./dynamodb-local.ts', import.meta.url).href;
    const code = `
      const { startDynamoDbLocal } = await import(${JSON.stringify(moduleUrl)});
      const ddb = await startDynamoDbLocal();
      process.stdout.write(JSON.stringify({ pid: ddb.pid }) + '\\n');
      setTimeout(() => { ${script} }, 100);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    parent.stdout.on('data', (chunk) => (stdout += chunk));
    parent.stderr.on('data', (chunk) => (stderr += chunk));
    const exit = await new Promise<number | null>((r) => parent.once('close', (c) => r(c)));
    expect(exit, stderr).toBe(exitCode);
    const { pid } = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(await waitUntilGone(pid)).toBe(true);
  });
});
