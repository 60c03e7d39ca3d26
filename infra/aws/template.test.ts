import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Function as LambdaFunction, Code } from 'aws-cdk-lib/aws-lambda';
import { Pass, StateMachine, DefinitionBody, CustomState, QueryLanguage } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../shared/roles';
import { allStates, conventionViolations, inspectableDefinition } from './conventions';
import { FIXTURE_FLOWS } from '../../tests/fixtures/fixture-app';
import { ALL_FLOWS } from './flows';
import { defineShopApp } from './shop-app';
import { EVENT_BUS_NAME } from './stacks/bus-stack';
import { MEMORY_MB } from '../../workflows/constructs/memory-policy';

// Synthesized once with cdk-nag and CDK's template validation on: an unacknowledged finding throws here.
let stacks: ReturnType<typeof defineShopApp>;
let templates: Record<string, Template>;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stacks = defineShopApp(app, { stage: 'test', flows: ALL_FLOWS });
  app.synth();
  templates = Object.fromEntries(
    [stacks.data, stacks.bus, stacks.api, ...(stacks.workflows ? [stacks.workflows] : [])].map((stack) => [
      stack.stackName,
      Template.fromStack(stack),
    ]),
  );
}, 120_000);

describe('the production app', () => {
  it('synthesizes with cdk-nag AwsSolutions and no unacknowledged finding', () => {
    expect(Object.keys(templates)).toEqual(expect.arrayContaining(['Shop-test-Data', 'Shop-test-Bus', 'Shop-test-Api']));
  });

  it('keeps every convention: Node 22 on ARM64, PITR, JSONPath only, timeouts on task-token waits', () => {
    for (const [name, template] of Object.entries(templates)) {
      expect({ name, violations: conventionViolations(template.toJSON()) }).toEqual({ name, violations: [] });
    }
  });

  it('has the three tables, on demand, with the keys and indexes the flows query by', () => {
    const data = templates['Shop-test-Data'];
    data.resourceCountIs('AWS::DynamoDB::Table', 3);
    data.allResourcesProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST' });
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'taskId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'byStatus' }),
        Match.objectLike({ IndexName: 'byBusinessKey' }),
      ]),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('keeps listing images in a private, encrypted, TLS-only, versioned bucket that only the listing check reads', () => {
    const data = templates['Shop-test-Data'];
    data.resourceCountIs('AWS::S3::Bucket', 1);
    data.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['shop-listing-images-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }, '-test']] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // Every statement that names the bucket, in every stack: s3:GetObject only, on the check's role only.
    const statements = Object.values(templates).flatMap((template) =>
      Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, policy]) =>
        (policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).filter((st) => JSON.stringify(st.Resource).includes('shop-listing-images-')).map((st) => ({ id, st })),
      ),
    );
    expect(statements.map(({ st }) => st.Action)).toEqual(['s3:GetObject']);
    expect(statements[0].id).toMatch(/^ListingReviewCheckListing/);
  });

  it('lets only the recovery API start executions from the API stack, and only of the EXPRESS order-routing machine (its restart of a FAILED instance)', () => {
    const api = templates['Shop-test-Api'];
    const starting = Object.entries(api.findResources('AWS::IAM::Policy')).flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
        .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('states:StartExecution') || action === 'states:*'))
        .map((statement) => ({ id, statement })),
    );
    expect(starting).toHaveLength(1);
    expect(starting[0].id).toMatch(/^RecoveryApi/);
    expect(starting[0].statement.Action).toBe('states:StartExecution');
    expect(JSON.stringify(starting[0].statement.Resource)).toMatch(/:stateMachine:order-routing-test"/);
    expect([starting[0].statement.Resource].flat()).toHaveLength(1);
  });

  it('has the shop-platform bus with a replay archive and an encrypted dead-letter queue', () => {
    const bus = templates['Shop-test-Bus'];
    bus.hasResourceProperties('AWS::Events::EventBus', { Name: EVENT_BUS_NAME });
    bus.resourceCountIs('AWS::Events::Archive', 1);
    bus.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('protects every API route with the Cognito JWT authorizer and has a group per role', () => {
    const api = templates['Shop-test-Api'];
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: Match.anyValue(), Audience: Match.anyValue() },
    });
    const routes = api.findResources('AWS::ApiGatewayV2::Route');
    expect(Object.keys(routes).length).toBeGreaterThan(0);
    for (const route of Object.values(routes)) expect(route.Properties.AuthorizationType).toBe('JWT');
    const groups = Object.values(api.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual([...ROLES].sort());
    api.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
  });

  it('hosts the ops console in a private bucket behind CloudFront: origin access control, HTTPS only, security headers, settings written at deploy', () => {
    const api = templates['Shop-test-Api'];
    const buckets = Object.values(api.findResources('AWS::S3::Bucket'));
    expect(buckets.length).toBe(2);
    for (const bucket of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
    api.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    api.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'console/index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
        Logging: Match.anyValue(),
      }),
    });
    const policy = Object.values(api.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(JSON.stringify(policy.ContentSecurityPolicy)).toContain("script-src 'self'");
    expect(policy.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, Override: true });
    expect(policy.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(policy.ContentTypeOptions).toMatchObject({ Override: true });
    // The hosted UI sends the browser back to the console (code flow); the API lets the console's origin call it.
    api.hasResourceProperties('AWS::Cognito::UserPoolClient', { AllowedOAuthFlows: ['code'], CallbackURLs: [Match.anyValue()] });
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowHeaders: ['authorization', 'content-type'] }) });
    const deployment = Object.values(api.findResources('Custom::CDKBucketDeployment'))[0].Properties;
    expect(deployment.DestinationBucketKeyPrefix).toBe('console/');
    expect(JSON.stringify(deployment.SourceMarkers)).toContain('ApiEndpoint');
  });
});

describe('the flows', () => {
  const workflows = () => templates['Shop-test-Workflows'];

  it.each([
    ['order-routing', 'EXPRESS'],
    ['stock-out', 'STANDARD'],
    ['refund', 'STANDARD'],
    ['complaint', 'STANDARD'],
    ['member-callback', 'STANDARD'],
    ['listing-review', 'STANDARD'],
  ])('%s is a %s state machine named after the flow, logged without execution data', (flow, type) => {
    workflows().hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `${flow}-test`,
      StateMachineType: type,
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
    });
  });

  it('sizes each function from its measured work: the intakes and the order path steps wait on services (256 MB), the rest keep 512 MB', () => {
    const functions = Object.values(workflows().findResources('AWS::Lambda::Function')) as Array<{ Properties: { MemorySize: number; Description?: string } }>;
    const memoryOf = (description: RegExp) => functions.filter((f) => description.test(f.Properties.Description ?? '')).map((f) => f.Properties.MemorySize);
    expect(memoryOf(/^Starts /).length).toBeGreaterThan(3);
    expect(new Set(memoryOf(/^Starts /))).toEqual(new Set([MEMORY_MB.waitingOnServices]));
    expect(memoryOf(/reserves the stock of an order|Queues and sends the order confirmation/)).toEqual([MEMORY_MB.waitingOnServices, MEMORY_MB.waitingOnServices]);
    const rest = functions.filter((f) => !/^Starts |reserves the stock of an order|Queues and sends the order confirmation/.test(f.Properties.Description ?? ''));
    expect(rest.length).toBeGreaterThan(10);
    expect(new Set(rest.map((f) => f.Properties.MemorySize))).toEqual(new Set([MEMORY_MB.default]));
  });

  it("records a failed order routing's execution input on its instance, which the recovery API restarts it with", () => {
    const [machine] = Object.values(workflows().findResources('AWS::StepFunctions::StateMachine')).filter((m) => JSON.stringify(m).includes('order-routing-test'));
    const states = allStates(inspectableDefinition(machine.Properties));
    const record = states.find(([name]) => name === 'Record the failure')?.[1] as { Parameters: { UpdateExpression: string; ExpressionAttributeValues: Record<string, { 'S.$'?: string }> } };
    expect(record.Parameters.UpdateExpression).toContain('#input = :input');
    expect(record.Parameters.ExpressionAttributeValues[':input']).toEqual({ 'S.$': 'States.JsonToString($$.Execution.Input)' });
  });

  it('claims each start of an EXPRESS flow in its intake, for as long as the machine may run', () => {
    workflows().hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FLOW: 'order-routing', CLAIM_STARTS_SECONDS: '300' }) },
    });
  });

  it.each([
    ['shop.listings', 'ListingSubmitted'],
    ['shop.orders', 'OrderPlaced'],
    ['shop.orders', 'OrderShipped'],
    ['shop.orders', 'OrderDelivered'],
    ['shop.inventory', 'StockReceived'],
    ['shop.workflows', 'StockOutDetected'],
    ['shop.aftersales', 'RefundRequested'],
    ['shop.aftersales', 'ReturnReceived'],
    ['shop.aftersales', 'ComplaintFiled'],
  ])('a rule on the bus takes %s %s to its handler, with a dead-letter queue', (source, detailType) => {
    workflows().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [source], 'detail-type': [detailType] },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }) })],
    });
  });

  it('sends an event a rule target still fails on after Lambda retried it to the dead-letter queue', () => {
    const template = workflows();
    const targets = Object.values(template.findResources('AWS::Events::Rule'))
      .filter((rule) => rule.Properties.EventPattern)
      .map((rule) => rule.Properties.Targets[0]);
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    for (const target of targets) {
      const fn = target.Arn['Fn::GetAtt'][0] as string;
      const config = configs.find((c) => c.Properties.FunctionName.Ref === fn);
      expect(config?.Properties.DestinationConfig.OnFailure.Destination, `${fn} has no on-failure destination`).toEqual(target.DeadLetterConfig.Arn);
    }
    expect(targets.length).toBeGreaterThanOrEqual(8);
  });

  it('retries the order confirmation on every error: its outbox item waits outside the sweep index for that retry (shared/notifications/send.ts)', () => {
    const machines = workflows().findResources('AWS::StepFunctions::StateMachine');
    const routing = Object.values(machines).find((m) => m.Properties.StateMachineName === 'order-routing-test')!;
    const confirm = Object.fromEntries(allStates(inspectableDefinition(routing.Properties)))['Confirm to the customer'];
    expect(confirm.Retry).toEqual(expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: expect.any(Number) })]));
    expect(confirm.Retry.find((r: any) => r.ErrorEquals.includes('States.ALL')).MaxAttempts).toBeGreaterThan(0);
  });

  it('waits for people only with timeouts, and the stock-out contact escalates after its hour', () => {
    const machines = workflows().findResources('AWS::StepFunctions::StateMachine');
    const stockOut = Object.values(machines).find((m) => m.Properties.StateMachineName === 'stock-out-test')!;
    const states = Object.fromEntries(allStates(inspectableDefinition(stockOut.Properties)));
    expect(states['Contact the customer: open'].Result).toEqual({ slaSeconds: 3600 });
    const wait = states['Contact the customer'];
    expect(wait).toMatchObject({ Resource: expect.stringMatching(/:states:::lambda:invoke\.waitForTaskToken$/), TimeoutSecondsPath: '$.humanTask.slaSeconds' });
    expect(wait.Parameters.Payload.spec).toMatchObject({ kind: 'stock-out-contact', role: 'cs-agent', escalation: { role: 'ops-lead', maxLevels: 1, slaSeconds: 47 * 3600 } });
  });
});

describe('member callbacks and churn recall', () => {
  const workflows = () => templates['Shop-test-Workflows'];
  const intakeOf = (rule: any) => workflows().findResources('AWS::Lambda::Function')[rule.Properties.Targets[0].Arn['Fn::GetAtt'][0]].Properties.Environment.Variables;
  const rules = () => Object.values(workflows().findResources('AWS::Events::Rule'));

  it('starts a callback from each cause, the rule filtering what calls for none, the flow getting only the fields it needs', () => {
    const starts = rules().filter((rule: any) => rule.Properties.Description?.endsWith('starts member-callback'));
    const byPrefix = Object.fromEntries(starts.map((rule: any) => [intakeOf(rule).BUSINESS_KEY_PREFIX, { pattern: rule.Properties.EventPattern, env: intakeOf(rule) }]));
    expect(Object.keys(byPrefix).sort()).toEqual(['aftersales-', 'complaint-', 'purchase-']);
    expect(byPrefix['purchase-'].pattern).toEqual({ source: ['shop.orders'], 'detail-type': ['OrderPlaced'], detail: { totalFen: [{ numeric: ['>', 50_000] }] } });
    expect(byPrefix['purchase-'].env).toMatchObject({ BUSINESS_KEY: 'orderId', BUSINESS_KEY_FIELD: 'callbackId', INPUT_FIELDS: 'orderId,memberId,placedAt,totalFen' });
    expect(byPrefix['aftersales-'].pattern.detail).toEqual({ kind: ['refund'] });
    expect(byPrefix['complaint-'].pattern.detail).toEqual({ kind: ['complaint'], outcome: [{ 'anything-but': ['refund'] }] });
  });

  it('gives each call the rest of the day as its SLA, without escalation, and the follow-up 24 hours then ops-lead', () => {
    const machine = Object.values(workflows().findResources('AWS::StepFunctions::StateMachine')).find((m) => m.Properties.StateMachineName === 'member-callback-test')!;
    const states = Object.fromEntries(allStates(inspectableDefinition(machine.Properties)));
    expect(states['Call the member: open'].Parameters).toEqual({ 'slaSeconds.$': '$.callback.slaSeconds' });
    expect(states['Call the member'].Parameters.Payload.spec).toMatchObject({ kind: 'member-callback', role: 'cs-agent' });
    expect(states['Call the member'].Parameters.Payload.spec.escalation).toBeUndefined();
    expect(states['Wait for callback hours']).toMatchObject({ Type: 'Wait', TimestampPath: '$.callback.opensAt' });
    expect(states['Follow up the bad review'].Parameters.Payload.spec).toMatchObject({ kind: 'review-follow-up', escalation: { role: 'ops-lead', maxLevels: 1, slaSeconds: 24 * 3600 } });
  });

  it('runs the churn recall daily at 10:00 Shanghai (02:00 UTC), with retries and the dead-letter queue', () => {
    const recall = rules().find((rule: any) => rule.Properties.ScheduleExpression === 'cron(0 2 * * ? *)');
    expect(recall?.Properties.Targets[0]).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: expect.anything() } });
  });
});

describe('the building blocks flows are made of', () => {
  it('FlowTrigger, FlowStateMachine and HumanTask pass cdk-nag and the conventions', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const { workflows, api } = defineShopApp(app, { stage: 'blocks', flows: FIXTURE_FLOWS });
    app.synth();
    for (const stack of [workflows!, api]) expect(conventionViolations(Template.fromStack(stack).toJSON())).toEqual([]);
  }, 120_000);
});

describe('the convention check itself', () => {
  it('fails the synth on an unacknowledged cdk-nag finding', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const { bus } = defineShopApp(app, { stage: 'nag', flows: [] });
    new Queue(bus, 'PlainQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  }, 120_000);

  it('names each resource that breaks a convention', () => {
    const stack = new Stack(new App(), 'Bad');
    new LambdaFunction(stack, 'OldNode', { runtime: Runtime.NODEJS_20_X, handler: 'index.handler', code: Code.fromInline('x') });
    new Table(stack, 'NoRecovery', { partitionKey: { name: 'id', type: AttributeType.STRING } });
    const waitWithoutTimeout = new CustomState(stack, 'Approve', {
      stateJson: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: {} },
    });
    new StateMachine(stack, 'Waits', { definitionBody: DefinitionBody.fromChainable(waitWithoutTimeout), timeout: Duration.hours(1) });
    new StateMachine(stack, 'Jsonata', {
      queryLanguage: QueryLanguage.JSONATA,
      definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Noop', { queryLanguage: QueryLanguage.JSONATA })),
    });
    const violations = conventionViolations(Template.fromStack(stack).toJSON()).join('\n');
    expect(violations).toMatch(/OldNode\w*: runtime nodejs20\.x/);
    expect(violations).toMatch(/OldNode\w*: architecture x86_64/);
    expect(violations).toMatch(/NoRecovery\w*: point-in-time recovery is off/);
    expect(violations).toMatch(/Waits\w*\/Approve: waits for a task token without a timeout/);
    expect(violations).toMatch(/Jsonata\w*: uses JSONata/);
  });
});
