import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { WorkflowFunction } from './workflow-function';

/**
 * Where customer notifications leave the platform in AWS: an SNS topic the SMS gateway subscribes
 * to (the phone travels as a message attribute, resolved server-side from the outbox). The local
 * platform has no SNS: there the functions log each send without the number or the text.
 */
export class Notifications extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Customer notifications',
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
  }

  /** A function that queues and sends notifications through the outbox. */
  bind(fn: WorkflowFunction): WorkflowFunction {
    fn.addEnvironment('NOTIFICATION_PROVIDER', 'sns');
    fn.addEnvironment('NOTIFICATION_TOPIC_ARN', this.topic.topicArn);
    this.topic.grantPublish(fn);
    return fn;
  }
}
