import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CfnStateMachine,
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { EventContract, EventPattern } from '../../events/define';
import { repoPath } from './repo-paths';
import { ruleFor } from './event-rules';
import { MEMORY_MB } from './memory-policy';
import { WorkflowFunction } from './workflow-function';
import type { HumanTaskFunctions } from './human-task';
import type { Notifications } from './notifications';

/** Flow names are part of the public contract (ops API paths, CLI). */
export type FlowName = 'listing-review' | 'order-routing' | 'stock-out' | 'refund' | 'complaint' | 'member-callback' | (string & {});

/** Template metadata key naming the flow a state machine runs. */
export const FLOW_METADATA = 'shop:flow';

/** A function of a flow's steps: it keeps the flow's records in the Records table. */
export function stepFunction(scope: Construct, id: string, entry: string, description: string, resources: FlowResources, memorySize?: number): WorkflowFunction {
  return new WorkflowFunction(scope, id, { entry: repoPath(entry), description, timeout: Duration.seconds(30), ...(memorySize ? { memorySize } : {}) }).bindTable(
    'RECORDS_TABLE',
    resources.tables.records,
  );
}

/**
 * A function that pays refunds. No real payment provider's adapter exists yet: in AWS such a
 * function refuses to pay (a visible, redrivable failure); the local platform uses its local provider.
 */
export function paying(fn: WorkflowFunction): WorkflowFunction {
  fn.addEnvironment('PAYMENT_PROVIDER', 'none');
  return fn;
}

/** A flow's state machine ARN from its fixed name, for grants that must not reference the machine. */
export function flowMachineArn(scope: Construct, flow: FlowName, stage: string): string {
  return Stack.of(scope).formatArn({ service: 'states', resource: 'stateMachine', resourceName: `${flow}-${stage}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** What every flow construct receives from the stacks. */
export interface FlowResources {
  stage: string;
  bus: IEventBus;
  deadLetters: IQueue;
  tables: { tasks: ITable; records: ITable; quarantine: ITable };
  buckets: { listingImages: IBucket };
  /** The functions behind every human step (see HumanTask). */
  humanTasks: HumanTaskFunctions;
  /** Customer notifications (SNS in AWS); `bind` a function that sends any. */
  notifications: Notifications;
}

export interface FlowStateMachineProps {
  flow: FlowName;
  definition: IChainable;
  /** Upper bound for one instance; the flow's longest wait plus its SLAs. */
  timeout: Duration;
  /**
   * STANDARD for flows with human waits or waits longer than 5 minutes, exactly-once steps and
   * history worth looking at; EXPRESS only for short, high-volume, idempotent work.
   */
  type?: StateMachineType;
  stage: string;
}

/**
 * A flow's state machine: JSONPath only (the local engine runs nothing else), logged without
 * execution data (inputs may hold order details), traced, and named after the flow.
 */
export class FlowStateMachine extends StateMachine {
  readonly flow: FlowName;
  /** The fixed name (`<flow>-<stage>`), so other stacks can name it without a reference. */
  readonly name: string;
  readonly type: StateMachineType;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: FlowStateMachineProps) {
    const logs = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      stateMachineName: `${props.flow}-${props.stage}`,
      stateMachineType: props.type ?? StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(props.definition),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    this.flow = props.flow;
    this.name = `${props.flow}-${props.stage}`;
    this.type = props.type ?? StateMachineType.STANDARD;
    this.timeout = props.timeout;
    (this.node.defaultChild as CfnStateMachine).addMetadata(FLOW_METADATA, props.flow);
  }
}

export interface FlowTriggerProps {
  flow: FlowName;
  stateMachine: StateMachine;
  /** The event that starts the flow. */
  event: Pick<EventContract<never>, 'pattern' | 'detailType'>;
  /** The detail field holding the business key; executions are named after it. */
  businessKey: string;
  resources: FlowResources;
  /** Narrows the event's rule pattern (EventBridge syntax on the detail), e.g. `{ totalFen: [{ numeric: ['>', 50000] }] }`. */
  filter?: EventPattern;
  /**
   * For a flow keyed by something derived from the event: the business key is this prefix and
   * the `businessKey` field's value, and reaches the flow in the field `as` (`purchase-<orderId>` as `callbackId`).
   */
  derivedKey?: { prefix: string; as: string };
  /** Only these detail fields go into the execution (the flow needs no more, and holds no more). */
  inputFields?: readonly string[];
}

/**
 * Starts a flow from a platform event, once per business key, through the intake function:
 * it validates the event against its contract (quarantining what fails, with the reason), keeps
 * personal data out of the execution input, and names the execution after the business key.
 * Delivery failures are retried by EventBridge and then land in the bus's dead-letter queue.
 */
export class FlowTrigger extends Construct {
  readonly rule: Rule;
  readonly intake: WorkflowFunction;

  constructor(scope: Construct, id: string, props: FlowTriggerProps) {
    super(scope, id);
    const { tables } = props.resources;
    this.intake = new WorkflowFunction(this, 'Intake', {
      entry: repoPath('functions/intake/handler.ts'),
      description: `Starts ${props.flow} from ${props.event.detailType}, once per ${props.businessKey}`,
      memorySize: MEMORY_MB.waitingOnServices,
      environment: {
        FLOW: props.flow,
        BUSINESS_KEY: props.businessKey,
        ...(props.derivedKey ? { BUSINESS_KEY_PREFIX: props.derivedKey.prefix, BUSINESS_KEY_FIELD: props.derivedKey.as } : {}),
        ...(props.inputFields ? { INPUT_FIELDS: props.inputFields.join(',') } : {}),
      },
    })
      .bindStateMachine('STATE_MACHINE_ARN', props.stateMachine)
      .bindTable('QUARANTINE_TABLE', tables.quarantine)
      .bindTable('RECORDS_TABLE', tables.records);
    // Express does not deduplicate execution names: the intake claims each start (see FlowInstances).
    if (props.stateMachine instanceof FlowStateMachine && props.stateMachine.type === StateMachineType.EXPRESS) {
      this.intake.addEnvironment('CLAIM_STARTS_SECONDS', String(props.stateMachine.timeout.toSeconds()));
    }

    const event = props.filter ? { ...props.event, pattern: () => props.event.pattern(props.filter) } : props.event;
    this.rule = ruleFor(this, 'Rule', event, this.intake, props.resources, `${props.event.detailType} starts ${props.flow}`);
  }
}
