import { CfnCondition, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { TemplateMetadataKeys } from './app-binding';
import { readLocalModel, synthesizeForLocal } from './assembly';

/** The keys an app's binding names; the engine has none of its own. */
const METADATA: TemplateMetadataKeys = { entry: 'test:entry', handler: 'test:handler', flow: 'test:flow' };

describe('synthesizeForLocal', () => {
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
    resource.addMetadata(METADATA.entry, 'functions/ops-api/whoami/handler.ts');
    resource.addMetadata(METADATA.handler, 'main');
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
    const model = readLocalModel(assembly, 'test', { metadata: METADATA });
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
      machine.addMetadata(METADATA.flow, 'refund');
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
    const model = readLocalModel(assembly, 'test', { metadata: METADATA });
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

  it('reads S3 buckets: explicit or generated valid names, and what Ref and GetAtt return', () => {
    const assembly = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Shop-Media');
      handWritten(stack, 'Named', { BucketName: { 'Fn::Sub': 'images-${AWS::AccountId}-${AWS::Region}' } }, 'AWS::S3::Bucket');
      handWritten(stack, 'Generated', {}, 'AWS::S3::Bucket');
      handWritten(stack, 'AVeryLongLogicalIdForABucketThatGoesOnAndOnAndOnBeyondTheLimit', {}, 'AWS::S3::Bucket');
      handWritten(stack, 'Reader', {
        Environment: {
          Variables: {
            BUCKET: { Ref: 'Named' },
            BUCKET_ARN: { 'Fn::GetAtt': ['Named', 'Arn'] },
            OBJECTS: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Generated', 'Arn'] }, '/*']] },
            DOMAIN: { 'Fn::GetAtt': ['Generated', 'DomainName'] },
            REGIONAL: { 'Fn::GetAtt': ['Generated', 'RegionalDomainName'] },
          },
        },
      });
    });
    const model = readLocalModel(assembly, 'test', { metadata: METADATA });
    expect(model.buckets.slice(0, 2)).toEqual([
      { logicalId: 'Named', stackName: 'Shop-Media', name: 'images-000000000000-us-east-1', arn: 'arn:aws:s3:::images-000000000000-us-east-1' },
      { logicalId: 'Generated', stackName: 'Shop-Media', name: 'shop-media-generated', arn: 'arn:aws:s3:::shop-media-generated' },
    ]);
    const long = model.buckets[2].name;
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^shop-media-averylong[a-z-]*-[0-9a-f]{8}$/);
    expect(model.functions[0].environment).toEqual({
      BUCKET: 'images-000000000000-us-east-1',
      BUCKET_ARN: 'arn:aws:s3:::images-000000000000-us-east-1',
      OBJECTS: 'arn:aws:s3:::shop-media-generated/*',
      DOMAIN: 'shop-media-generated.s3.amazonaws.com',
      REGIONAL: 'shop-media-generated.s3.us-east-1.amazonaws.com',
    });
  });

  it('names the stack, the resource and the intrinsic it cannot resolve', () => {
    const assembly = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Broken');
      handWritten(stack, 'Orphan', { Environment: { Variables: { X: { Ref: 'Missing' } } } });
    });
    expect(() => readLocalModel(assembly, 'test', { metadata: METADATA })).toThrow(
      'Cannot resolve Ref "Missing" in stack Broken, resource Orphan: no resource or parameter Missing in this stack',
    );
    const unsupported = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Broken');
      handWritten(stack, 'Orphan', { Environment: { Variables: { X: { 'Fn::Transform': {} } } } });
    });
    expect(() => readLocalModel(unsupported, 'test', { metadata: METADATA })).toThrow(/Fn::Transform.*stack Broken, resource Orphan: .*not supported/);
    const noExport = synthesizeForLocal((app) => {
      const stack = new Stack(app, 'Broken');
      handWritten(stack, 'Orphan', { Environment: { Variables: { X: { 'Fn::ImportValue': 'Nowhere:Thing' } } } });
    });
    expect(() => readLocalModel(noExport, 'test', { metadata: METADATA })).toThrow(/Fn::ImportValue "Nowhere:Thing".*no stack exports Nowhere:Thing/);
  });
});
