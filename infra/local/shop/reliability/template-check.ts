import { App } from 'aws-cdk-lib';
import { ALL_FLOWS } from '../../../aws/flows';
import { defineShopApp } from '../../../aws/shop-app';
import type { CheckRow } from './report';

/**
 * Actions AWS grants on `Resource: "*"` only, because they have no resource-level permissions
 * (the Service Authorization Reference lists no resource type for them): X-Ray segments and
 * sampling (Lambda and Step Functions tracing), CloudWatch Logs vended-log delivery (Step
 * Functions logging), and Step Functions' task-token callbacks (a token is not a resource).
 */
const NO_RESOURCE_LEVEL = [/^xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)$/, /^logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/, /^states:SendTask(Success|Failure|Heartbeat)$/];
/** The one documented wildcard action: `states:SendTask*` (success, failure, heartbeat of a task token). */
const DOCUMENTED_WILDCARD_ACTIONS = new Set(['states:SendTask*']);
/**
 * CDK's BucketDeployment (the console's files copied to its bucket at deploy time) brings its own
 * role: CDK grants it `s3:GetObject*`, `s3:List*`… on the two buckets it copies between and
 * `cloudfront:CreateInvalidation` on `*`. It runs at deploy time only; counted apart, by name.
 */
const DEPLOY_TIME_ROLE = /^CustomCDKBucketDeployment/;

type Resource = { Type: string; Properties?: Record<string, any>; id?: string };

/**
 * The template as `cdk synth` builds it with cdk-nag's AWS Solutions checks (an unacknowledged
 * finding throws), then read for what the issue asks: every API route authorized, no IAM wildcard
 * but the documented ones, every table encrypted with point-in-time recovery, every queue encrypted.
 */
export function templateChecks(): CheckRow[] {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  defineShopApp(app, { stage: 'reliability', flows: ALL_FLOWS, checks: true });
  const resources: Resource[] = app.synth().stacks.flatMap((stack) => Object.entries<Resource>(stack.template.Resources ?? {}).map(([id, r]) => ({ ...r, id })));
  const ofType = (type: string) => resources.filter((r) => r.Type === type);

  const routes = ofType('AWS::ApiGatewayV2::Route');
  const unauthorized = routes.filter((r) => r.Properties?.AuthorizationType !== 'JWT');

  const policies = [...ofType('AWS::IAM::Policy'), ...ofType('AWS::IAM::Role')];
  const statementsOf = (r: Resource) =>
    r.Type === 'AWS::IAM::Policy' ? (r.Properties?.PolicyDocument?.Statement ?? []) : (r.Properties?.Policies ?? []).flatMap((p: any) => p.PolicyDocument?.Statement ?? []);
  const allow = (list: any[]) => list.filter((s: any) => s.Effect === 'Allow');
  const statements = allow(policies.filter((r) => !DEPLOY_TIME_ROLE.test(r.id ?? '')).flatMap(statementsOf));
  const deployTime = allow(policies.filter((r) => DEPLOY_TIME_ROLE.test(r.id ?? '')).flatMap(statementsOf));
  const actionsOf = (s: any) => [s.Action ?? []].flat().filter((a: unknown): a is string => typeof a === 'string');
  const wildcardActions = statements.flatMap(actionsOf).filter((a) => a.includes('*') && !DOCUMENTED_WILDCARD_ACTIONS.has(a));
  const starResources = statements.filter((s: any) => [s.Resource ?? []].flat().includes('*'));
  const starMisused = starResources.filter((s: any) => !actionsOf(s).every((a) => DOCUMENTED_WILDCARD_ACTIONS.has(a) || NO_RESOURCE_LEVEL.some((p) => p.test(a))));

  const tables = ofType('AWS::DynamoDB::Table');
  const weakTables = tables.filter((t) => !t.Properties?.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled || t.Properties?.SSESpecification?.SSEEnabled !== true);
  const queues = ofType('AWS::SQS::Queue');
  const plainQueues = queues.filter((q) => !q.Properties?.SqsManagedSseEnabled && !q.Properties?.KmsMasterKeyId);

  return [
    { check: 'template: cdk-nag AwsSolutions', figure: `${resources.length} resources, 0 unacknowledged findings`, pass: true },
    { check: 'template: API routes with the JWT authorizer', figure: `${routes.length - unauthorized.length} of ${routes.length}`, pass: routes.length > 0 && unauthorized.length === 0 },
    {
      check: 'template: IAM wildcards',
      figure:
        `${statements.length} runtime statements: ${wildcardActions.length} wildcard actions, ${starResources.length} on Resource * (${starResources.length - starMisused.length} X-Ray/log delivery, no resource-level permissions)` +
        (deployTime.length ? `; ${deployTime.length} in CDK's deploy-time BucketDeployment role (its own grants, counted apart)` : ''),
      pass: wildcardActions.length === 0 && starMisused.length === 0,
    },
    // Encrypted with a KMS key (AWS managed), not only the default AWS-owned key.
    { check: 'template: tables encrypted, with PITR', figure: `${tables.length - weakTables.length} of ${tables.length}`, pass: tables.length > 0 && weakTables.length === 0 },
    { check: 'template: queues encrypted', figure: `${queues.length - plainQueues.length} of ${queues.length}`, pass: queues.length > 0 && plainQueues.length === 0 },
  ];
}
