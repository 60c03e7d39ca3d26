import { Duration } from 'aws-cdk-lib';
import { Rule, type EventPattern, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EventContract } from '../../events/define';

/** How long and how often EventBridge retries a target before the event goes to the dead-letter queue. */
const DELIVERY = { retryAttempts: 8, maxEventAge: Duration.hours(24) };

/**
 * A rule on the platform bus that hands one event of the catalog to a Lambda. The pattern comes
 * from the event's contract, so a rule cannot drift from the event it is named after. Nothing is
 * dropped: EventBridge retries a delivery for a day, then keeps the event in the bus's dead-letter
 * queue; and since EventBridge invokes Lambda asynchronously (a failing handler is not a failed
 * delivery), Lambda sends an event its handler still fails on after its own retries there too.
 */
export function ruleFor(
  scope: Construct,
  id: string,
  event: Pick<EventContract<never>, 'pattern' | 'detailType'>,
  target: IFunction,
  resources: { bus: IEventBus; deadLetters: IQueue },
  description?: string,
): Rule {
  const rule = new Rule(scope, id, {
    eventBus: resources.bus,
    // The contract spells the pattern as EventBridge does (`detail-type`); CDK passes it through.
    eventPattern: event.pattern() as EventPattern,
    ...(description ? { description } : {}),
  });
  rule.addTarget(new LambdaFunction(target, { deadLetterQueue: resources.deadLetters, ...DELIVERY }));
  target.configureAsyncInvoke({ onFailure: new SqsDestination(resources.deadLetters) });
  return rule;
}
