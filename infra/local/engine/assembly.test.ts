import { App, CfnCondition, CfnParameter, CfnResource, Duration, Fn, Stack } from 'aws-cdk-lib';
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
import { ENTRY_METADATA, HANDLER_METADATA, WorkflowFunction } from '../../../workflows/constructs/workflow-function';
import { FLOW_METADATA } from '../../../workflows/constructs/flow';
import { readLocalModel, synthesizeForLocal } from './assembly';
import type { LocalModel } from './model';

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
    model = readLocalModel(assembly, 'test', { awsPort: 4599, apiPort: 3999 });
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
      NODE_OPTIONS: '--enable-source-maps',
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
    expect(readLocalModel(assembly, 'test', { awsPort: 4599, apiPort: 3999 })).toEqual(model);
    expect(readLocalModel(synthesizeForLocal(defineFixture), 'test', { awsPort: 4599, apiPort: 3999 })).toEqual(model);
  });

  it('restores CDK_VALIDATION after synthesizing', () => {
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'sentinel';
    try {
      let during: string | undefined;
      synthesizeForLocal(() => {
        during = process.env.CDK_VALIDATION;
      });
      expect(during).toBe('false');
      expect(process.env.CDK_VALIDATION).toBe('sentinel');
    } finally {
      if (previous === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = previous;
    }
  });
});

/** A function resource written by hand, so each intrinsic appears exactly as given. */
function handWritten(stack: Stack, id: string, properties: Record<string, unknown>, type = 'AWS::Lambda::Function') {
  const resource = new CfnResource(stack, id, { type, properties });
  resource.overrideLogicalId(id);
  if (type === 'AWS::Lambda::Function') {
    resource.addMetadata(ENTRY_METADATA, 'functions/ops-api/whoami/handler.ts');
    resource.addMetadata(HANDLER_METADATA, 'main');
  }
  return resource;
}

describe('the resolver', () => {
  it('resolves Sub, Select, Split, Join, If, conditions, parameters, pseudo parameters and NoValue', () => {
    const assembly = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Intrinsics');
      new CfnParameter(stack, 'Tier', { default: 'gold' }).overrideLogicalId('Tier');
      new CfnCondition(stack, 'IsGold', { expression: Fn.conditionEquals(Fn.ref('Tier'), 'gold') }).overrideLogicalId('IsGold');
      new CfnCondition(stack, 'IsSilver', { expression: Fn.conditionEquals(Fn.ref('Tier'), 'silver') }).overrideLogicalId('IsSilver');
      handWritten(stack, 'Jobs', { TableName: { 'Fn::Sub': '${AWS::StackName}-jobs' } }, 'AWS::DynamoDB::Table');
      handWritten(stack, 'Work', { FifoQueue: true }, 'AWS::SQS::Queue');
      handWritten(stack, 'Pool', {}, 'AWS::Cognito::UserPool');
      handWritten(stack, 'Widget', {}, 'AWS::Custom::Widget');
      handWritten(stack, 'Silver', { FunctionName: 'silver' }).cfnOptions.condition = stack.node.findChild('IsSilver') as CfnCondition;
      handWritten(stack, 'AVeryLongLogicalIdForAFunctionThatGoesOnAndOnAndOnBeyondTheLimit', {});
      handWritten(stack, 'Worker', {
        FunctionName: { 'Fn::Join': ['-', ['worker', { Ref: 'Tier' }]] },
        Timeout: { 'Fn::If': ['IsGold', 30, 5] },
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': 'Work.Arn' } },
        Environment: {
          Variables: {
            SUB_SHORT: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Tier}-${AWS::Region}-${AWS::AccountId}.${AWS::URLSuffix}/${!Literal}' },
            SUB_LONG: { 'Fn::Sub': ['${Name}/${Jobs}/${Jobs.Arn}', { Name: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] } }] },
            QUEUE: { Ref: 'Work' },
            QUEUE_NAME: { 'Fn::GetAtt': ['Work', 'QueueName'] },
            POOL_ARN: { 'Fn::GetAtt': ['Pool', 'Arn'] },
            ISSUER: { 'Fn::GetAtt': ['Pool', 'ProviderURL'] },
            WIDGET: { Ref: 'Widget' },
            WIDGET_ARN: { 'Fn::GetAtt': ['Widget', 'Arn'] },
            TIER: { 'Fn::If': ['IsSilver', 'silver', 'not-silver'] },
            GONE: { 'Fn::If': ['IsGold', { Ref: 'AWS::NoValue' }, 'kept'] },
            STACK: { Ref: 'AWS::StackName' },
          },
        },
      });
    });
    const model = readLocalModel(assembly, 'test');
    const worker = model.functions.find((fn) => fn.logicalId === 'Worker')!;
    expect(worker).toMatchObject({
      functionName: 'worker-gold',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:worker-gold',
      handlerExport: 'main',
      timeoutSeconds: 30,
      asyncRetryAttempts: 2,
      deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:Intrinsics-Work.fifo',
    });
    expect(worker.environment).toEqual({
      SUB_SHORT: 'arn:aws:s3:::gold-us-east-1-000000000000.amazonaws.com/${Literal}',
      SUB_LONG: 'b/Intrinsics-jobs/arn:aws:dynamodb:us-east-1:000000000000:table/Intrinsics-jobs',
      QUEUE: 'http://127.0.0.1:4566/000000000000/Intrinsics-Work.fifo',
      QUEUE_NAME: 'Intrinsics-Work.fifo',
      POOL_ARN: expect.stringMatching(/^arn:aws:cognito-idp:us-east-1:000000000000:userpool\/us-east-1_local[0-9a-f]{8}$/),
      ISSUER: expect.stringMatching(/^cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_local[0-9a-f]{8}$/),
      WIDGET: 'Widget',
      WIDGET_ARN: 'arn:aws:local:us-east-1:000000000000:Widget',
      TIER: 'not-silver',
      STACK: 'Intrinsics',
    });
    // A false resource condition leaves the resource out.
    expect(model.functions.map((fn) => fn.functionName)).not.toContain('silver');
    // Generated names that would pass the limit are cut and keep a hash for uniqueness.
    const long = model.functions.find((fn) => fn.logicalId.startsWith('AVeryLong'))!;
    expect(long.functionName).toHaveLength(64);
    expect(long.functionName).toMatch(/^Intrinsics-AVeryLong.*-[0-9a-f]{8}$/);
    expect(long.timeoutSeconds).toBe(3);
    expect(model.tables[0].tableName).toBe('Intrinsics-jobs');
    expect(model.eventBuses).toEqual(['default']);
  });

  it('applies DefinitionSubstitutions and reads EXPRESS machines, flows and rules on the default bus', () => {
    const assembly = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Machines');
      handWritten(stack, 'Step', {});
      const machine = handWritten(
        stack,
        'Flow',
        {
          StateMachineName: 'my-flow',
          StateMachineType: 'EXPRESS',
          DefinitionString: '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${Fn}","Comment":"${Note}","End":true}}}',
          DefinitionSubstitutions: { Fn: { 'Fn::GetAtt': ['Step', 'Arn'] }, Note: 'say "hi"' },
        },
        'AWS::StepFunctions::StateMachine',
      );
      machine.addMetadata(FLOW_METADATA, 'refund');
      handWritten(
        stack,
        'Nightly',
        { ScheduleExpression: 'rate(1 day)', State: 'DISABLED', Targets: [{ Id: 'T', Arn: { Ref: 'Flow' }, Input: '{"a":1}' }] },
        'AWS::Events::Rule',
      );
      handWritten(stack, 'OnAnything', { EventPattern: '{"source":["x"]}', Targets: [] }, 'AWS::Events::Rule');
      handWritten(stack, 'Orders', { Name: 'orders' }, 'AWS::Events::EventBus');
      // EventBusName may be the bus's ARN.
      handWritten(stack, 'OnOrders', { EventBusName: { 'Fn::GetAtt': ['Orders', 'Arn'] }, EventPattern: { source: ['y'] } }, 'AWS::Events::Rule');
    });
    const model = readLocalModel(assembly, 'test');
    expect(model.stateMachines).toEqual([
      {
        logicalId: 'Flow',
        stackName: 'Machines',
        name: 'my-flow',
        arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:my-flow',
        type: 'EXPRESS',
        flow: 'refund',
        definition: {
          StartAt: 'A',
          States: { A: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Machines-Step', Comment: 'say "hi"', End: true } },
        },
      },
    ]);
    expect(model.rules).toEqual([
      {
        logicalId: 'Nightly',
        stackName: 'Machines',
        name: 'Machines-Nightly',
        arn: 'arn:aws:events:us-east-1:000000000000:rule/Machines-Nightly',
        eventBusName: 'default',
        state: 'DISABLED',
        scheduleExpression: 'rate(1 day)',
        targets: [{ id: 'T', arn: model.stateMachines[0].arn, input: '{"a":1}' }],
      },
      expect.objectContaining({ name: 'Machines-OnAnything', eventPattern: { source: ['x'] }, state: 'ENABLED', targets: [] }),
      expect.objectContaining({
        name: 'Machines-OnOrders',
        eventBusName: 'orders',
        arn: 'arn:aws:events:us-east-1:000000000000:rule/orders/Machines-OnOrders',
      }),
    ]);
    expect(model.eventBuses).toEqual(['default', 'orders']);
  });

  it('names the stack, the resource and the intrinsic it cannot resolve', () => {
    const assembly = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Broken');
      handWritten(stack, 'Orphan', { Environment: { Variables: { X: { Ref: 'Missing' } } } });
    });
    expect(() => readLocalModel(assembly, 'test')).toThrow(
      'Cannot resolve Ref "Missing" in stack Broken, resource Orphan: no resource or parameter Missing in this stack',
    );
    const unsupported = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Broken');
      handWritten(stack, 'Orphan', { Environment: { Variables: { X: { 'Fn::Transform': {} } } } });
    });
    expect(() => readLocalModel(unsupported, 'test')).toThrow(/Fn::Transform.*stack Broken, resource Orphan: .*not supported/);
    const noExport = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Broken');
      handWritten(stack, 'Orphan', { Environment: { Variables: { X: { 'Fn::ImportValue': 'Nowhere:Thing' } } } });
    });
    expect(() => readLocalModel(noExport, 'test')).toThrow(/Fn::ImportValue "Nowhere:Thing".*no stack exports Nowhere:Thing/);
  });
});

describe('readLocalModel on the production app', () => {
  it('reads the four tables, the whoami function and the GET /me route', () => {
    const started = performance.now();
    const assembly = synthesizeForLocal((app) => {
      defineShopApp(app, { stage: 'local', flows: [], checks: false });
    });
    const synthesized = performance.now();
    const model = readLocalModel(assembly, 'local');
    const read = performance.now();
    console.info(
      `production app: synthesizeForLocal ${Math.round(synthesized - started)} ms, readLocalModel ${Math.round(read - synthesized)} ms`,
    );

    expect(model.stage).toBe('local');
    expect(model.tables).toHaveLength(4);
    expect(model.tables.map((table) => table.stackName)).toEqual(Array(4).fill('Shop-local-Data'));
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
