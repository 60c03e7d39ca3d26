import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export const EVENT_BUS_NAME = 'shop-platform';

/**
 * The custom bus every platform event goes through, an archive so any day can be replayed,
 * and the dead-letter queue where rule targets put what they could not deliver.
 */
export class BusStack extends Stack {
  readonly bus: EventBus;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.bus = new EventBus(this, 'Bus', { eventBusName: EVENT_BUS_NAME });
    this.bus.archive('Archive', {
      description: 'Every platform event, for replay after a fix',
      eventPattern: { account: [this.account] },
      retention: Duration.days(365),
    });
    this.deadLetters = new Queue(this, 'DeadLetters', {
      queueName: `${EVENT_BUS_NAME}-dlq`,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the bus targets; it has no DLQ of its own by design.',
    });
    // Granted once for every rule on the bus: a per-rule grant from the workflows stack would
    // make this stack depend on that one and the other way round.
    this.deadLetters.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetters.queueArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:events:${this.region}:${this.account}:rule/${EVENT_BUS_NAME}/*` },
        },
      }),
    );
  }
}
