import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, JsonPath, Pass, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as z from 'zod';
import { AftersalesCompleted } from '../events/aftersales-completed';
import { ComplaintFiled } from '../events/complaint-filed';
import { RefundRequested } from '../events/refund-requested';
import { complaintPolicy } from '../functions/complaint/policy';
import { FlowStateMachine, FlowTrigger, stepFunction, type FlowResources } from './constructs/flow';
import { HumanTask } from './constructs/human-task';

export const COMPLAINT_FLOW = 'complaint';

/**
 * Complaints (business rules §4): an apology at once, a first response by customer service within
 * the hour (then ops-lead), and one of: reship with a 10-yuan red packet and a follow-up with the
 * tracking number, a refund through the refund flow, or another resolution.
 */
export class ComplaintFlow extends Construct {
  readonly stateMachine: FlowStateMachine;

  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const fn = (name: string, entry: string, description: string) => resources.notifications.bind(stepFunction(this, name, entry, description, resources));
    const apologise = new LambdaInvoke(this, 'Apologise', {
      lambdaFunction: fn('ApologiseFunction', 'functions/complaint/apologise/handler.ts', 'Sends the apology at once'),
      payloadResponseOnly: true,
      resultPath: JsonPath.DISCARD,
    });
    const respond = new HumanTask(this, 'Respond to the complaint', {
      functions: resources.humanTasks,
      flow: COMPLAINT_FLOW,
      kind: 'complaint-response',
      role: 'cs-agent',
      businessKeyPath: '$.complaintId',
      summary: JsonPath.format('Complaint {} about order {}: call the customer and resolve it', JsonPath.stringAt('$.complaintId'), JsonPath.stringAt('$.orderId')),
      outcomes: {
        reship: { data: z.object({ carrier: z.string().min(1), trackingNumber: z.string().min(4) }) },
        refund: {},
        'resolved-other': { reasonRequired: true },
      },
      sla: Duration.hours(complaintPolicy.responseWithinHours),
      escalation: { role: 'ops-lead', maxLevels: 1, sla: Duration.hours(complaintPolicy.escalatedResponseHours) },
      // Nobody answered in time: the customer gets a refund request, decided by the refund rules.
      defaultDecision: { outcome: 'refund', reason: `no response within ${complaintPolicy.responseWithinHours + complaintPolicy.escalatedResponseHours} hours` },
      resultPath: '$.response',
    });
    const resolve = new LambdaInvoke(this, 'Carry out the resolution', {
      lambdaFunction: fn('ResolveFunction', 'functions/complaint/resolve/handler.ts', 'Reships with a red packet, requests a refund, or records the resolution'),
      payloadResponseOnly: true,
      resultPath: '$.resolution',
    });
    const put = (stateId: string, source: string, detailType: string, path: string) =>
      new EventBridgePutEvents(this, stateId, {
        entries: [{ eventBus: resources.bus, source, detailType, detail: TaskInput.fromJsonPathAt(path) }],
        resultPath: JsonPath.DISCARD,
      });
    const completed = put('Announce AftersalesCompleted', AftersalesCompleted.source, AftersalesCompleted.detailType, '$.resolution.completed').next(
      new Pass(this, 'Resolved', { outputPath: '$.resolution.result' }),
    );
    const definition = apologise
      .next(respond)
      .next(resolve)
      .next(
        new Choice(this, 'Refund requested?')
          .when(Condition.isPresent('$.resolution.refundRequest'), put('Request the refund', RefundRequested.source, RefundRequested.detailType, '$.resolution.refundRequest').next(completed))
          .otherwise(completed),
      );
    this.stateMachine = new FlowStateMachine(this, 'StateMachine', { flow: COMPLAINT_FLOW, definition, timeout: Duration.days(7), stage: resources.stage });
    new FlowTrigger(this, 'Trigger', { flow: COMPLAINT_FLOW, stateMachine: this.stateMachine, event: ComplaintFiled, businessKey: 'complaintId', resources });
  }
}

export const complaintFlow = (scope: Construct, resources: FlowResources) => new ComplaintFlow(scope, 'Complaint', resources);
