/**
 * What the local platform serves, read from the synthesized cloud assembly: every name, ARN,
 * definition and environment already resolved to local values.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export interface LocalTable {
  logicalId: string;
  stackName: string;
  tableName: string;
  arn: string;
  /** The resolved `Properties` of the AWS::DynamoDB::Table resource. */
  properties: Record<string, any>;
}

export interface LocalFunction {
  logicalId: string;
  stackName: string;
  functionName: string;
  arn: string;
  /** TypeScript source relative to the app's `sourceRoot` (`functions/intake/handler.ts`). */
  entry: string;
  /** Exported handler name. */
  handlerExport: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  /** MemorySize of the template (MB; Lambda's default 128). */
  memorySize: number;
  /** Where failed asynchronous invocations go (DeadLetterConfig or an OnFailure destination). */
  deadLetterArn?: string;
  /** Retries of a failed asynchronous invocation (EventInvokeConfig; AWS default 2). */
  asyncRetryAttempts: number;
}

export interface LocalStateMachine {
  logicalId: string;
  stackName: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  /** The definition with every token resolved. */
  definition: Record<string, any>;
  /** The app's name for the machine, from its flow metadata (`AppBinding.metadata.flow`), when it has one. */
  flow?: string;
  /** The template's tags on the machine (ListTagsForResource). */
  tags?: Array<{ key: string; value: string }>;
}

export interface LocalTarget {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  retryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  deadLetterArn?: string;
}

export interface LocalRule {
  logicalId: string;
  stackName: string;
  name: string;
  arn: string;
  eventBusName: string;
  state: 'ENABLED' | 'DISABLED';
  /** Event pattern, or a schedule expression (`rate(1 hour)`, `cron(...)`). */
  eventPattern?: Record<string, unknown>;
  scheduleExpression?: string;
  targets: LocalTarget[];
}

/** An EventBridge archive of the template: the events of one bus that match its pattern, for replay. */
export interface LocalArchive {
  logicalId: string;
  name: string;
  arn: string;
  eventBusName: string;
  eventPattern?: Record<string, unknown>;
  retentionDays?: number;
}

export interface LocalQueue {
  logicalId: string;
  name: string;
  arn: string;
  url: string;
}

export interface LocalBucket {
  logicalId: string;
  stackName: string;
  /** The bucket name: its `BucketName`, or a generated one (lower case, at most 63 characters). */
  name: string;
  /** `arn:aws:s3:::<name>` (bucket ARNs have neither region nor account). */
  arn: string;
}

export interface LocalRoute {
  routeKey: string;
  /** Function name the integration invokes. */
  functionName: string;
  authorization: 'JWT' | 'NONE';
}

export interface LocalApi {
  logicalId: string;
  routes: LocalRoute[];
  /** The JWT authorizer's audience (the user pool client id); the local issuer signs for it. */
  audience: string;
}

export interface LocalModel {
  stage: string;
  eventBuses: string[];
  tables: LocalTable[];
  functions: LocalFunction[];
  stateMachines: LocalStateMachine[];
  rules: LocalRule[];
  /** Archives of the buses (replayed with StartReplay); none when the template has none. */
  archives?: LocalArchive[];
  queues: LocalQueue[];
  buckets: LocalBucket[];
  apis: LocalApi[];
}

export function localArn(service: string, resource: string): string {
  return `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
}
