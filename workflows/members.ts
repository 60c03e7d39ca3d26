import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { OrderPlaced } from '../events/order-placed';
import { RefundPaid } from '../events/refund-paid';
import { recallPolicy } from '../functions/members/policy';
import { ruleFor } from './constructs/event-rules';
import { stepFunction, type FlowResources } from './constructs/flow';

/**
 * Members (business rules §5): the member record kept from the platform's events (orders and paid refunds), with its tier
 * by 12-month spend or orders; a tier change is announced (MemberTierChanged) and, going up, gives
 * that tier's coupon once. Every day at 10:00 Shanghai, lapsed members get the churn recall.
 */
export class MembersDomain extends Construct {
  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const recordPurchase = stepFunction(this, 'RecordPurchase', 'functions/members/record-purchase/handler.ts', 'Counts an order in the member record; recomputes the tier', resources).bindEventBus(
      'EVENT_BUS_NAME',
      resources.bus,
    );
    ruleFor(this, 'PurchaseRule', OrderPlaced, recordPurchase, resources, 'OrderPlaced: the member record and tier');
    const recordRefund = stepFunction(this, 'RecordRefund', 'functions/members/record-refund/handler.ts', 'Counts a paid refund in the member record', resources);
    ruleFor(this, 'RefundRule', RefundPaid, recordRefund, resources, 'RefundPaid: the member record');

    const recall = resources.notifications.bind(
      stepFunction(this, 'RecallLapsed', 'functions/members/recall-lapsed/handler.ts', 'Gives lapsed members the recall coupon and message, once in 30 days', resources),
    ).bindEventBus('EVENT_BUS_NAME', resources.bus);
    // Shanghai is UTC+8 all year (no daylight saving), so the run's UTC hour is fixed.
    const hourUtc = (recallPolicy.runsAtShanghaiHour - 8 + 24) % 24;
    new Rule(this, 'DailyRecall', {
      schedule: Schedule.cron({ minute: '0', hour: String(hourUtc) }),
      description: `Churn recall, daily at ${recallPolicy.runsAtShanghaiHour}:00 Asia/Shanghai`,
    }).addTarget(new LambdaFunction(recall, { retryAttempts: 2, maxEventAge: Duration.hours(6), deadLetterQueue: resources.deadLetters }));
  }
}

export const membersDomain = (scope: Construct, resources: FlowResources) => new MembersDomain(scope, 'Members', resources);
