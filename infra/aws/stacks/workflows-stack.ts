import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FlowStateMachine, type FlowResources } from '../../../workflows/constructs/flow';
import { HumanTaskFunctions } from '../../../workflows/constructs/human-task';
import { Notifications } from '../../../workflows/constructs/notifications';
import { listingImagesBucketName, type DataStack } from './data-stack';

export interface WorkflowsStackProps extends StackProps {
  stage: string;
  data: DataStack;
  bus: IEventBus;
  deadLetters: IQueue;
}

/** A flow construct: builds its state machine and triggers from the shared resources. */
export type FlowFactory = (scope: Construct, resources: FlowResources) => void;

/** Every deployed flow, one construct each (infra/aws/flows.ts); this stack only composes them. */
export class WorkflowsStack extends Stack {
  readonly resources: FlowResources;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps, flows: FlowFactory[]) {
    super(scope, id, props);
    const { tasks, records, quarantine } = props.data;
    this.resources = {
      stage: props.stage,
      bus: props.bus,
      // Imported, so rule targets do not write the bus stack's queue policy (see BusStack).
      deadLetters: Queue.fromQueueArn(this, 'DeadLetters', props.deadLetters.queueArn),
      tables: { tasks, records, quarantine },
      // By name: the grants stay exact and deploying the workflows waits on no export of the data stack.
      buckets: { listingImages: Bucket.fromBucketName(this, 'ListingImages', listingImagesBucketName(props.stage)) },
      humanTasks: new HumanTaskFunctions(this, 'HumanTasks', { tasks, records, bus: props.bus }),
      notifications: new Notifications(this, 'Notifications', { records }),
    };
    for (const addFlow of flows) addFlow(this, this.resources);
    Validations.of(this).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::shop-listing-images-<AWS::AccountId>-<AWS::Region>-${props.stage}/*]`,
      reason: 'The listing review reads any object of the listing-images bucket (keys are whatever sellers upload); s3:GetObject only, that bucket only.',
    });
  }

  /** Every flow's state machine, by flow name: the ops API answers for these. */
  get stateMachines(): Map<string, FlowStateMachine> {
    const machines = this.node.findAll().filter((c): c is FlowStateMachine => c instanceof FlowStateMachine);
    return new Map(machines.map((m) => [m.flow, m]));
  }
}
