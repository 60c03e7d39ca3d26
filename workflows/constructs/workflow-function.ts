import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Architecture, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { REPO_ROOT } from './repo-paths';
import { MEMORY_MB } from './memory-policy';
import { indexesOf } from './table-indexes';

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/**
 * How every function is bundled (esbuild through NodejsFunction). `npm run bench` bundles each
 * handler with these and with CDK's defaults and compares the code a cold start loads and how long
 * loading takes: the AWS SDK is bundled, tree-shaken and minified with the handler (one file to
 * load, instead of the runtime's copy of every client's modules), and there is no source map (the
 * map of a bundled SDK outweighs the code, and `--enable-source-maps` parses it at every cold start;
 * error names, which Retry and Catch match, are set explicitly and survive minification).
 */
export const WORKFLOW_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: false,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  externalModules: [] as string[],
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;

/** Template metadata keys the local platform reads to run a function from its TypeScript source. */
export const ENTRY_METADATA = 'shop:entry';
export const HANDLER_METADATA = 'shop:handler';

export interface WorkflowFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> {
  /** Absolute path of the handler module (`functions/<flow>/<step>/handler.ts`). */
  entry: string;
}

/**
 * Every Lambda of the platform: Node 22 on ARM64, ESM bundle, minified with source maps,
 * a log group with a retention, X-Ray tracing. It records its source entry in the template so
 * the local platform runs the very handler this bundle is built from.
 */
export class WorkflowFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: WorkflowFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      memorySize: MEMORY_MB.default,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...props,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: id,
        ...props.environment,
      },
      bundling: {
        ...WORKFLOW_BUNDLING,
        mainFields: [...WORKFLOW_BUNDLING.mainFields],
        externalModules: [...WORKFLOW_BUNDLING.externalModules],
        ...props.bundling,
      },
    });
    const entry = path.relative(REPO_ROOT, props.entry).split(path.sep).join('/');
    const resource = this.node.defaultChild as CfnFunction;
    resource.addMetadata(ENTRY_METADATA, entry);
    resource.addMetadata(HANDLER_METADATA, props.handler ?? 'handler');
  }

  /** Sets `envName` to the table's name and grants the access, on the table and each of its indexes by name. */
  bindTable(envName: string, table: ITable, access: 'read' | 'readWrite' = 'readWrite'): this {
    this.addEnvironment(envName, table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access === 'read' ? TABLE_READ : [...TABLE_READ, ...TABLE_WRITE],
        resources: [table.tableArn, ...indexesOf(table).map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    return this;
  }

  /** Sets `envName` to the bucket's name and lets the function read its objects, nothing more (no listing, no writing). */
  bindBucketForReading(envName: string, bucket: IBucket): this {
    this.addEnvironment(envName, bucket.bucketName);
    this.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
    return this;
  }

  bindEventBus(envName: string, bus: IEventBus): this {
    this.addEnvironment(envName, bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  bindStateMachine(envName: string, stateMachine: IStateMachine): this {
    this.addEnvironment(envName, stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this);
    return this;
  }
}
