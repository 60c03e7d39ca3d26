import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, JsonPath, Pass, Succeed, TaskInput, Wait, WaitTime } from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as z from 'zod';
import { AftersalesCompleted } from '../events/aftersales-completed';
import { CallbackCompleted } from '../events/callback-completed';
import { OrderPlaced } from '../events/order-placed';
import { callbackPolicy } from '../functions/member-callback/policy';
import { CALLBACK_ID_PREFIX } from '../functions/member-callback/rules';
import { FlowStateMachine, FlowTrigger, stepFunction, type FlowResources } from './constructs/flow';
import { HumanTask } from './constructs/human-task';

export const MEMBER_CALLBACK_FLOW = 'member-callback';

/**
 * Member callbacks (business rules §5): a call to the member 3 days after an order above 500 yuan,
 * a week after an after-sales case completes, and after a complaint's fix shipped. The call waits
 * for callback hours (the business calendar), is a task for customer service due by the end of
 * that day's hours, is tried again the next day with hours when nobody answers (3 attempts), and
 * a bad review found in it gets a follow-up that asks, never presses, for a revision.
 */
export class MemberCallbackFlow extends Construct {
  readonly stateMachine: FlowStateMachine;

  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const step = (stateId: string, name: string, entry: string, description: string) =>
      new LambdaInvoke(this, stateId, { lambdaFunction: stepFunction(this, name, entry, description, resources), payloadResponseOnly: true, resultPath: '$' });

    const plan = step('Plan the callback', 'PlanFunction', 'functions/member-callback/plan/handler.ts', 'Plans a callback in callback hours from its cause');
    const waitForHours = new Wait(this, 'Wait for callback hours', { time: WaitTime.timestampPath('$.callback.opensAt') });
    const call = new HumanTask(this, 'Call the member', {
      functions: resources.humanTasks,
      flow: MEMBER_CALLBACK_FLOW,
      kind: 'member-callback',
      role: 'cs-agent',
      businessKeyPath: '$.callback.callbackId',
      summary: JsonPath.stringAt('$.callback.summary'),
      outcomes: {
        reached: {
          data: z.object({
            satisfaction: z.number().int().min(1).max(5).describe('How satisfied the member is, 1 (not at all) to 5 (very)'),
            badReview: z.boolean().optional().describe('The member left, or means to leave, a bad review'),
            note: z.string().max(500).optional(),
          }),
        },
        unreachable: {},
        declined: {},
      },
      // Due by the end of the day's callback hours; then the attempt counts as unreachable.
      sla: { secondsPath: '$.callback.slaSeconds' },
      defaultDecision: { outcome: 'unreachable', reason: 'no answer recorded by the end of callback hours' },
      repeatKeyPath: '$.callback.attempt',
      resultPath: '$.call',
    });
    const afterCall = step('Record the call', 'AfterCallFunction', 'functions/member-callback/after-call/handler.ts', 'Counts a call attempt and plans what follows it');
    const followUp = new HumanTask(this, 'Follow up the bad review', {
      functions: resources.humanTasks,
      flow: MEMBER_CALLBACK_FLOW,
      kind: 'review-follow-up',
      role: 'cs-agent',
      businessKeyPath: '$.callback.callbackId',
      summary: JsonPath.stringAt('$.followUpSummary'),
      outcomes: { 'asked-to-revise': {}, 'resolved-no-ask': {} },
      sla: Duration.hours(callbackPolicy.reviewFollowUpHours),
      escalation: { role: 'ops-lead', maxLevels: 1 },
      defaultDecision: { outcome: 'resolved-no-ask', reason: `no follow-up recorded within ${2 * callbackPolicy.reviewFollowUpHours} hours` },
      resultPath: '$.followUp',
    });
    const finish = step('Finish the callback', 'FinishFunction', 'functions/member-callback/finish/handler.ts', 'Closes a callback with its outcome');
    const announce = new EventBridgePutEvents(this, 'Announce CallbackCompleted', {
      entries: [{ eventBus: resources.bus, source: CallbackCompleted.source, detailType: CallbackCompleted.detailType, detail: TaskInput.fromJsonPathAt('$.completed') }],
      resultPath: JsonPath.DISCARD,
    });
    finish.next(announce).next(new Pass(this, 'Callback ended', { outputPath: '$.result' }));

    const definition = plan.next(
      new Choice(this, 'Callback due?')
        .when(Condition.isPresent('$.skipped'), new Succeed(this, 'No callback due'))
        .otherwise(
          waitForHours
            .next(call)
            .next(afterCall)
            .next(
              new Choice(this, 'What next?')
                .when(Condition.stringEquals('$.next', 'retry'), waitForHours)
                .when(Condition.stringEquals('$.next', 'follow-up'), followUp.next(finish))
                .otherwise(finish),
            ),
        ),
    );
    // The longest path: a week's wait, three attempts across a holiday week, and the follow-up.
    this.stateMachine = new FlowStateMachine(this, 'StateMachine', { flow: MEMBER_CALLBACK_FLOW, definition, timeout: Duration.days(30), stage: resources.stage });

    const trigger = (name: string, props: Omit<ConstructorParameters<typeof FlowTrigger>[2], 'flow' | 'stateMachine' | 'resources'>) =>
      new FlowTrigger(this, name, { flow: MEMBER_CALLBACK_FLOW, stateMachine: this.stateMachine, resources, ...props });
    trigger('PurchaseTrigger', {
      event: OrderPlaced,
      businessKey: 'orderId',
      filter: { totalFen: [{ numeric: ['>', callbackPolicy.highValueAboveFen] }] },
      derivedKey: { prefix: CALLBACK_ID_PREFIX.purchase, as: 'callbackId' },
      inputFields: ['orderId', 'memberId', 'placedAt', 'totalFen'],
    });
    const caseFields = ['caseId', 'kind', 'orderId', 'memberId', 'outcome', 'completedAt'];
    trigger('AftersalesTrigger', {
      event: AftersalesCompleted,
      businessKey: 'caseId',
      filter: { kind: ['refund'] },
      derivedKey: { prefix: CALLBACK_ID_PREFIX.aftersales, as: 'callbackId' },
      inputFields: caseFields,
    });
    // A complaint resolved by a refund is called back through the refund's own case.
    trigger('ComplaintTrigger', {
      event: AftersalesCompleted,
      businessKey: 'caseId',
      filter: { kind: ['complaint'], outcome: [{ 'anything-but': ['refund'] }] },
      derivedKey: { prefix: CALLBACK_ID_PREFIX.complaint, as: 'callbackId' },
      inputFields: caseFields,
    });
  }
}

export const memberCallbackFlow = (scope: Construct, resources: FlowResources) => new MemberCallbackFlow(scope, 'MemberCallback', resources);
