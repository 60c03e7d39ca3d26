import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { repoPath } from './repo-paths';
import { WorkflowFunction } from './workflow-function';

export interface NotificationsProps {
  /** The Records table, which holds the outbox and the members' contacts. */
  records: ITable;
}

/**
 * Where customer notifications leave the platform in AWS: an SNS topic the SMS gateway subscribes
 * to (the phone travels as a message attribute, resolved server-side from the outbox). The local
 * platform has no SNS: there the functions log each send without the number or the text.
 *
 * Flows send right away when they notify; an hourly sweep, one for the whole platform, retries
 * what a provider refused.
 */
export class Notifications extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Customer notifications',
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });

    const sweep = this.bind(
      new WorkflowFunction(this, 'DeliverNotifications', {
        entry: repoPath('functions/notifications/deliver-pending/handler.ts'),
        description: 'Retries notifications still pending in the outbox',
        timeout: Duration.seconds(30),
      }).bindTable('RECORDS_TABLE', props.records),
    );
    new Rule(this, 'NotificationSweep', { schedule: Schedule.rate(Duration.hours(1)), description: 'Retry pending notifications (first sends are immediate)' }).addTarget(
      new LambdaFunction(sweep, { retryAttempts: 2 }),
    );
  }

  /** A function that queues and sends notifications through the outbox. */
  bind(fn: WorkflowFunction): WorkflowFunction {
    fn.addEnvironment('NOTIFICATION_PROVIDER', 'sns');
    fn.addEnvironment('NOTIFICATION_TOPIC_ARN', this.topic.topicArn);
    this.topic.grantPublish(fn);
    return fn;
  }
}
