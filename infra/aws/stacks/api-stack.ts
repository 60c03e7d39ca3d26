import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ArnFormat, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { repoPath } from '../../../workflows/constructs/repo-paths';
import { OpsApi } from '../ops-api';
import { OpsConsole } from '../ops-console';
import { WorkflowFunction } from '../../../workflows/constructs/workflow-function';

export interface ApiStackProps extends StackProps {
  stage: string;
  tables: { tasks: ITable; records: ITable; quarantine: ITable };
  /** The flows the API answers for: flow name → state machine name. */
  stateMachineNames: Map<string, string>;
  /**
   * The flows of those that run on EXPRESS machines: Step Functions cannot redrive them, so the
   * recovery routes restart their FAILED instances with StartExecution (on those machines only).
   */
  expressFlows?: readonly string[];
  /** The bus quarantine replays put events back on. */
  bus?: IEventBus;
  /** Host the ops console on CloudFront (AWS); the local platform serves it itself. */
  console?: boolean;
  /** The bus's dead-letter queue, whose events the recovery routes redrive. */
  deadLetters?: IQueue;
}

/** The ops API and its handlers: the human-task inbox, flow lookups, reports. */
export class ApiStack extends Stack {
  readonly opsApi: OpsApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.opsApi = new OpsApi(this, 'OpsApi', { stage: props.stage });
    // In this stack: the console's address is the API client's callback and the API's allowed origin.
    if (props.console !== false) new OpsConsole(this, 'OpsConsole', { stage: props.stage, opsApi: this.opsApi });
    // ARNs from the machines' fixed names, not cross-stack references: the grants stay exact and
    // readable, and deploying the API never waits on an export of the workflows stack.
    const arn = (resource: string, resourceName: string) =>
      this.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const machines = [...props.stateMachineNames];
    const flowArns = this.toJsonString(Object.fromEntries(machines.map(([flow, name]) => [flow, arn('stateMachine', name)])));
    const handler = (id: string, entry: string, description: string) =>
      new WorkflowFunction(this, id, {
        entry: repoPath(entry),
        description,
        environment: { FLOW_STATE_MACHINES: flowArns },
      })
        .bindTable('TASKS_TABLE', props.tables.tasks)
        .bindTable('RECORDS_TABLE', props.tables.records, 'read')
        .bindTable('QUARANTINE_TABLE', props.tables.quarantine, 'read');

    const whoami = new WorkflowFunction(this, 'WhoAmI', {
      entry: repoPath('functions/ops-api/whoami/handler.ts'),
      description: 'GET /me: the caller and their roles',
    });
    this.opsApi.addRoute('GET /me', whoami);

    const tasks = handler('TasksApi', 'functions/ops-api/tasks/handler.ts', 'The human-task inbox: list, show, claim, release, complete');
    if (machines.length > 0) {
      tasks.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: machines.map(([, name]) => arn('stateMachine', name)),
        }),
      );
    }
    for (const route of ['GET /tasks', 'GET /tasks/{taskId}', 'POST /tasks/{taskId}/claim', 'POST /tasks/{taskId}/release', 'POST /tasks/{taskId}/complete'] as const) {
      this.opsApi.addRoute(route, tasks);
    }

    const flows = handler('FlowsApi', 'functions/ops-api/flows/handler.ts', 'GET /flows/{flow}/{businessKey}: where a flow instance stands; GET /flows/{flow}: its definition');
    if (machines.length > 0) {
      const executions = machines.map(([, name]) => arn('execution', `${name}:*`));
      flows.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:GetExecutionHistory'], resources: executions }));
      flows.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeStateMachine'], resources: machines.map(([, name]) => arn('stateMachine', name)) }));
      for (const [, name] of machines) {
        Validations.of(flows).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*]`,
          reason: 'Reads the executions of one flow; execution ARNs are only known as the machine name plus the execution name.',
        });
      }
    }
    this.opsApi.addRoute('GET /flows/{flow}/{businessKey}', flows);
    this.opsApi.addRoute('GET /flows/{flow}', flows);

    const reports = handler('ReportsApi', 'functions/ops-api/reports/handler.ts', 'GET /reports/{name}: SLA breaches, quarantined events');
    this.opsApi.addRoute('GET /reports/{name}', reports);

    const catalog = handler('CatalogApi', 'functions/ops-api/catalog/handler.ts', 'GET /listings/{listingId}, GET /skus/{skuId}: listing reviews and the catalog');
    this.opsApi.addRoute('GET /listings/{listingId}', catalog);
    this.opsApi.addRoute('GET /skus/{skuId}', catalog);

    this.addRecoveryRoutes(props, machines, arn, flowArns);

    const members = handler('MembersApi', 'functions/ops-api/members/handler.ts', 'GET /members/{memberId}: tier, 12-month figures, coupons');
    this.opsApi.addRoute('GET /members/{memberId}', members);
  }

  /** Flow instances by status and their redrive; quarantined events and their replay (ops-lead, audited). */
  private addRecoveryRoutes(
    props: ApiStackProps,
    machines: Array<[string, string]>,
    arn: (resource: string, resourceName: string) => string,
    flowArns: string,
  ): void {
    const recovery = new WorkflowFunction(this, 'RecoveryApi', {
      entry: repoPath('functions/ops-api/recovery/handler.ts'),
      description: 'GET /flows, redrive, GET /quarantine, replay: recovery for ops, audited',
      environment: { FLOW_STATE_MACHINES: flowArns },
      // A bulk redrive handles up to 100 instances; API Gateway answers within 30 s.
      timeout: Duration.seconds(29),
    })
      .bindTable('TASKS_TABLE', props.tables.tasks, 'read')
      .bindTable('RECORDS_TABLE', props.tables.records)
      .bindTable('QUARANTINE_TABLE', props.tables.quarantine);
    if (props.bus) recovery.bindEventBus('EVENT_BUS_NAME', props.bus);
    if (props.deadLetters) {
      recovery.addEnvironment('DEAD_LETTER_QUEUE_URL', props.deadLetters.queueUrl);
      props.deadLetters.grantConsumeMessages(recovery);
    }
    if (machines.length > 0) {
      recovery.addToRolePolicy(
        new PolicyStatement({ actions: ['states:ListExecutions', 'states:DescribeStateMachine'], resources: machines.map(([, name]) => arn('stateMachine', name)) }),
      );
      recovery.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution'],
          resources: machines.map(([, name]) => arn('execution', `${name}:*`)),
        }),
      );
      const express = machines.filter(([flow]) => props.expressFlows?.includes(flow));
      if (express.length > 0) {
        recovery.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: express.map(([, name]) => arn('stateMachine', name)) }));
      }
      for (const [, name] of machines) {
        Validations.of(recovery).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*]`,
          reason: 'Lists and redrives the executions of one flow; execution ARNs are only known as the machine name plus the execution name.',
        });
      }
    }
    for (const route of ['GET /flows', 'POST /flows/{flow}/{businessKey}/redrive', 'POST /flows/{flow}/redrive', 'GET /quarantine', 'POST /quarantine/{id}/replay', 'GET /quarantine/dead-letters', 'POST /quarantine/dead-letters/redrive'] as const) {
      this.opsApi.addRoute(route, recovery);
    }
  }
}
