import { App, Duration, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, JsonPath, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoPutItem, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../../../workflows/constructs/repo-paths';
import { defineShopApp } from '../../aws/shop-app';
import { EVENT_BUS_NAME } from '../../aws/stacks/bus-stack';
import { WorkflowFunction } from '../../../workflows/constructs/workflow-function';
import { readLocalModel, synthesizeForLocal } from '../engine/assembly';
import type { LocalModel } from '../engine/model';
import { SHOP_TEMPLATE_METADATA } from './shop-binding';

// The engine's assembly reader on what the shop's constructs (WorkflowFunction) and stacks synthesize.

/**
 * Three stacks, so names cross stacks the way the platform's do: the table and the user pool are
 * exported, the compute stack imports them.
 */
function defineFixture(app: App) {
  const data = new Stack(app, 'Fixture-Data');
  const table = new Table(data, 'Orders', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiresAt',
  });
  table.addGlobalSecondaryIndex({
    indexName: 'byStatus',
    partitionKey: { name: 'status', type: AttributeType.STRING },
    sortKey: { name: 'dueAt', type: AttributeType.STRING },
    projectionType: ProjectionType.ALL,
  });

  const auth = new Stack(app, 'Fixture-Auth');
  const userPool = new UserPool(auth, 'Users');
  const client = userPool.addClient('Client');

  const compute = new Stack(app, 'Fixture-Compute');
  // Same stack as the rule: a queue from another stack would make the stacks depend on each other.
  const deadLetters = new Queue(compute, 'DeadLetters');
  const fn = new WorkflowFunction(compute, 'WhoAmI', {
    entry: repoPath('functions/ops-api/whoami/handler.ts'),
    environment: { CLIENT_ID: client.userPoolClientId, USER_POOL_ID: userPool.userPoolId },
  }).bindTable('TABLE', table);
  fn.configureAsyncInvoke({ retryAttempts: 1, onFailure: new SqsDestination(deadLetters) });

  const bus = new EventBus(compute, 'Bus', { eventBusName: 'fixture-bus' });
  const definition = new LambdaInvoke(compute, 'Check', { lambdaFunction: fn, outputPath: '$.Payload' }).next(
    new DynamoPutItem(compute, 'Save', {
      table,
      item: { pk: DynamoAttributeValue.fromString(JsonPath.stringAt('$.orderId')), sk: DynamoAttributeValue.fromString('order') },
    }),
  );
  const machine = new StateMachine(compute, 'Machine', {
    definitionBody: DefinitionBody.fromChainable(definition),
    timeout: Duration.minutes(5),
  });
  const rule = new Rule(compute, 'OrderPlaced', {
    eventBus: bus,
    eventPattern: { source: ['shop.orders'], detailType: ['OrderPlaced'], detail: { total: [{ numeric: ['>', 0] }] } },
  });
  rule.addTarget(
    new LambdaFunction(fn, {
      event: RuleTargetInput.fromObject({ orderId: EventField.fromPath('$.detail.orderId'), kind: 'order' }),
      retryAttempts: 4,
      maxEventAge: Duration.hours(2),
      deadLetterQueue: deadLetters,
    }),
  );
  rule.addTarget(new SfnStateMachine(machine, { retryAttempts: 3, deadLetterQueue: deadLetters }));

  const issuer = `https://cognito-idp.${auth.region}.amazonaws.com/${userPool.userPoolId}`;
  const api = new HttpApi(compute, 'Api', {
    defaultAuthorizer: new HttpJwtAuthorizer('Jwt', issuer, { jwtAudience: [client.userPoolClientId] }),
  });
  api.addRoutes({ path: '/me', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('Me', fn) });
  api.addRoutes({
    path: '/health',
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration('Health', fn),
    authorizer: new HttpNoneAuthorizer(),
  });
}

/** The shop's metadata keys, and ports other than the defaults so the test sees them used. */
const READ_OPTIONS = { metadata: SHOP_TEMPLATE_METADATA, awsPort: 4599, apiPort: 3999 };

const byId = <T extends { logicalId: string }>(items: T[], prefix: string): T => {
  const found = items.find((item) => item.logicalId.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} in ${items.map((item) => item.logicalId).join(', ')}`);
  return found;
};

describe('readLocalModel on a small app', () => {
  let assembly: CloudAssembly;
  let model: LocalModel;

  beforeAll(() => {
    assembly = synthesizeForLocal(defineFixture);
    model = readLocalModel(assembly, 'test', READ_OPTIONS);
  });

  it('leaves no intrinsic or token anywhere', () => {
    const text = JSON.stringify(model);
    expect(text).not.toMatch(/Fn::|"Ref"|\$\{Token|#\{Token/);
  });

  it('imports the cross-stack exports CDK generates', () => {
    const compute = JSON.stringify(assembly.getStackByName('Fixture-Compute').template);
    expect(compute).toContain('Fn::ImportValue');
  });

  it('reads the table with its resolved properties: keys, GSI, TTL', () => {
    const table = byId(model.tables, 'Orders');
    expect(table.stackName).toBe('Fixture-Data');
    expect(table.tableName).toBe(`Fixture-Data-${table.logicalId}`);
    expect(table.arn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${table.tableName}`);
    expect(table.properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.properties.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({ IndexName: 'byStatus', Projection: { ProjectionType: 'ALL' } }),
    ]);
    expect(table.properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('reads the function: entry, handler, environment with the local table name, async invoke config', () => {
    expect(model.functions).toHaveLength(1); // CDK's own functions (none here) have no entry.
    const fn = model.functions[0];
    const table = byId(model.tables, 'Orders');
    expect(fn).toMatchObject({
      stackName: 'Fixture-Compute',
      functionName: `Fixture-Compute-${fn.logicalId}`,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:Fixture-Compute-${fn.logicalId}`,
      entry: 'functions/ops-api/whoami/handler.ts',
      handlerExport: 'handler',
      timeoutSeconds: 10,
      asyncRetryAttempts: 1,
      deadLetterArn: byId(model.queues, 'DeadLetters').arn,
    });
    expect(fn.environment).toEqual({
      POWERTOOLS_SERVICE_NAME: 'WhoAmI',
      TABLE: table.tableName,
      CLIENT_ID: expect.stringMatching(/^[a-z0-9]{26}$/),
      USER_POOL_ID: expect.stringMatching(/^us-east-1_local[0-9a-f]{8}$/),
    });
  });

  it('resolves the state machine definition to the local function ARN and table name', () => {
    const machine = byId(model.stateMachines, 'Machine');
    expect(machine).toMatchObject({
      name: `Fixture-Compute-${machine.logicalId}`,
      arn: `arn:aws:states:us-east-1:000000000000:stateMachine:Fixture-Compute-${machine.logicalId}`,
      type: 'STANDARD',
    });
    expect(machine.flow).toBeUndefined();
    expect(machine.definition.StartAt).toBe('Check');
    expect(machine.definition.TimeoutSeconds).toBe(300);
    expect(machine.definition.States.Check.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(machine.definition.States.Check.Parameters.FunctionName).toBe(model.functions[0].arn);
    expect(machine.definition.States.Save.Parameters).toEqual({
      TableName: byId(model.tables, 'Orders').tableName,
      Item: { pk: { 'S.$': '$.orderId' }, sk: { S: 'order' } },
    });
  });

  it('reads the rule: bus, pattern, input transformer, retry policy, dead letters, targets by ARN', () => {
    expect(model.eventBuses).toEqual(['default', 'fixture-bus']);
    const rule = byId(model.rules, 'OrderPlaced');
    const queue = byId(model.queues, 'DeadLetters');
    expect(rule).toMatchObject({
      name: `Fixture-Compute-${rule.logicalId}`,
      arn: `arn:aws:events:us-east-1:000000000000:rule/fixture-bus/Fixture-Compute-${rule.logicalId}`,
      eventBusName: 'fixture-bus',
      state: 'ENABLED',
      eventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>', 0] }] } },
    });
    expect(rule.targets).toEqual([
      {
        id: 'Target0',
        arn: model.functions[0].arn,
        inputTransformer: {
          InputPathsMap: { 'detail-orderId': '$.detail.orderId' },
          InputTemplate: '{"orderId":<detail-orderId>,"kind":"order"}',
        },
        retryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
        deadLetterArn: queue.arn,
      },
      { id: 'Target1', arn: byId(model.stateMachines, 'Machine').arn, retryPolicy: { MaximumRetryAttempts: 3 }, deadLetterArn: queue.arn },
    ]);
  });

  it('gives queues a local ARN and a URL on the local AWS port', () => {
    const queue = byId(model.queues, 'DeadLetters');
    expect(queue.name).toBe(`Fixture-Compute-${queue.logicalId}`);
    expect(queue.arn).toBe(`arn:aws:sqs:us-east-1:000000000000:${queue.name}`);
    expect(queue.url).toBe(`http://127.0.0.1:4599/000000000000/${queue.name}`);
  });

  it('maps the API routes to the function, with their authorization and the client id as audience', () => {
    const [api] = model.apis;
    expect(model.apis).toHaveLength(1);
    expect(api.routes).toEqual([
      { routeKey: 'GET /me', functionName: model.functions[0].functionName, authorization: 'JWT' },
      { routeKey: 'GET /health', functionName: model.functions[0].functionName, authorization: 'NONE' },
    ]);
    // The client lives in another stack: the audience and CLIENT_ID both come through an import.
    expect(api.audience).toBe(model.functions[0].environment.CLIENT_ID);
  });

  it('is deterministic: reading or synthesizing again gives the same model', () => {
    expect(readLocalModel(assembly, 'test', READ_OPTIONS)).toEqual(model);
    expect(readLocalModel(synthesizeForLocal(defineFixture), 'test', READ_OPTIONS)).toEqual(model);
  });
});

describe('readLocalModel on the production app', () => {
  it('reads the three tables, the whoami function and the GET /me route', () => {
    const started = performance.now();
    const assembly = synthesizeForLocal((app) => {
      defineShopApp(app, { stage: 'local', flows: [], checks: false, console: false });
    });
    const synthesized = performance.now();
    const model = readLocalModel(assembly, 'local', { metadata: SHOP_TEMPLATE_METADATA });
    const read = performance.now();
    console.info(
      `production app: synthesizeForLocal ${Math.round(synthesized - started)} ms, readLocalModel ${Math.round(read - synthesized)} ms`,
    );

    expect(model.stage).toBe('local');
    expect(model.tables).toHaveLength(3);
    expect(model.tables.map((table) => table.stackName)).toEqual(Array(3).fill('Shop-local-Data'));
    const whoami = model.functions.find((fn) => fn.entry === 'functions/ops-api/whoami/handler.ts');
    expect(whoami).toMatchObject({ stackName: 'Shop-local-Api', handlerExport: 'handler', timeoutSeconds: 10 });
    expect(model.apis).toHaveLength(1);
    expect(model.apis[0].routes).toContainEqual({ routeKey: 'GET /me', functionName: whoami!.functionName, authorization: 'JWT' });
    expect(model.apis[0].audience).toMatch(/^[a-z0-9]{26}$/);
    expect(model.eventBuses).toEqual(['default', EVENT_BUS_NAME]);
    expect(model.queues.map((queue) => queue.name)).toEqual([`${EVENT_BUS_NAME}-dlq`]);
    expect(JSON.stringify(model)).not.toMatch(/Fn::|"Ref"|\$\{Token/);
  });
});
