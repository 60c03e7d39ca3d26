import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Choice, Condition, IntegrationPattern, JsonPath, Pass, TaskInput, Timeout, Errors } from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { AftersalesCompleted } from '../events/aftersales-completed';
import { RefundDecided } from '../events/refund-decided';
import { RefundPaid } from '../events/refund-paid';
import { RefundRequested } from '../events/refund-requested';
import { ReturnReceived } from '../events/return-received';
import { refundPolicy } from '../functions/refund/policy';
import { WorkflowFunction } from './constructs/workflow-function';
import { ruleFor } from './constructs/event-rules';
import { FlowStateMachine, FlowTrigger, flowMachineArn, paying, stepFunction, type FlowResources } from './constructs/flow';
import { HumanTask } from './constructs/human-task';

export const REFUND_FLOW = 'refund';

/**
 * Refund, return and exchange requests (business rules §4): assessed against the order, the 7-day
 * rule and the member's history; auto-approved, auto-rejected or decided by after-sales (and
 * finance above 2,000 yuan, four eyes); returns wait for the goods and their inspection; the money
 * is paid exactly once; the case closes with AftersalesCompleted.
 */
export class RefundFlow extends Construct {
  readonly stateMachine: FlowStateMachine;

  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const fn = (name: string, entry: string, description: string) => stepFunction(this, name, entry, description, resources);
    const step = (name: string, stateId: string, entry: string, description: string, resultPath: string, f?: (w: WorkflowFunction) => WorkflowFunction) =>
      new LambdaInvoke(this, stateId, {
        lambdaFunction: (f ?? ((w) => w))(fn(name, entry, description)),
        payloadResponseOnly: true,
        resultPath,
      }).addRetry({ errors: ['TransientError'], maxAttempts: 4, interval: Duration.seconds(2) });
    const announce = (stateId: string, detailType: string, path: string) =>
      new EventBridgePutEvents(this, stateId, {
        entries: [{ eventBus: resources.bus, source: RefundDecided.source, detailType, detail: TaskInput.fromJsonPathAt(path) }],
        resultPath: JsonPath.DISCARD,
      });
    const human = (stateId: string, props: Omit<ConstructorParameters<typeof HumanTask>[2], 'functions' | 'flow' | 'businessKeyPath'>) =>
      new HumanTask(this, stateId, { functions: resources.humanTasks, flow: REFUND_FLOW, businessKeyPath: '$.refundId', ...props });

    const assess = step('Assess', 'Assess the request', 'functions/refund/assess/handler.ts', 'Applies the refund rules to the request', '$.assessment');
    const decide = step('Decide', 'Record the decision', 'functions/refund/decide/handler.ts', 'Records and announces the decision', '$.decision');
    const pay = step('Pay', 'Pay the refund once', 'functions/refund/pay/handler.ts', 'Pays the refund exactly once; gives the quality coupon', '$.payment', (w) => paying(resources.notifications.bind(w)));
    const close = step('Close', 'Close the case', 'functions/refund/close/handler.ts', 'Closes the case with its result', '$.closing');

    const summary = JsonPath.format('Refund {} for order {} (reason: {}). {}', JsonPath.stringAt('$.refundId'), JsonPath.stringAt('$.orderId'), JsonPath.stringAt('$.reason'), JsonPath.stringAt('$.assessment.explanation'));
    const approval = human('Approve the refund', {
      kind: 'refund-approval',
      role: 'aftersales',
      summary,
      outcomes: { approve: {}, reject: { reasonRequired: true } },
      sla: Duration.hours(refundPolicy.approvalWithinHours),
      escalation: { role: 'ops-lead', maxLevels: 1, sla: Duration.hours(refundPolicy.escalatedApprovalHours) },
      defaultDecision: {
        outcome: 'reject',
        reason: `not decided within ${refundPolicy.approvalWithinHours + refundPolicy.escalatedApprovalHours} hours; customer service follows up`,
      },
      resultPath: '$.approval',
    });
    const secondApproval = human('Second approval (finance)', {
      kind: 'refund-second-approval',
      role: 'finance',
      summary,
      outcomes: { approve: {}, reject: { reasonRequired: true } },
      sla: Duration.hours(refundPolicy.secondApprovalWithinHours),
      fourEyes: true,
      defaultDecision: { outcome: 'reject', reason: `finance did not approve within ${refundPolicy.secondApprovalWithinHours} hours` },
      resultPath: '$.secondApproval',
    });
    const inspection = human('Inspect the returned goods', {
      kind: 'return-inspection',
      role: 'aftersales',
      summary: JsonPath.format('Inspect the goods returned for refund {}', JsonPath.stringAt('$.refundId')),
      outcomes: { pass: {}, fail: { reasonRequired: true } },
      sla: Duration.hours(refundPolicy.inspectionWithinHours),
      escalation: { role: 'ops-lead', maxLevels: 1, sla: Duration.hours(refundPolicy.payWithinHours - refundPolicy.inspectionWithinHours) },
      // Past 48 hours from receipt the refund deadline is gone: pay rather than keep the customer waiting.
      defaultDecision: { outcome: 'pass', reason: `not inspected within ${refundPolicy.payWithinHours} hours of receipt` },
      resultPath: '$.inspection',
    });
    const awaitReturn = new LambdaInvoke(this, 'Wait for the returned goods', {
      lambdaFunction: this.callbackFunction(fn('AwaitReturn', 'functions/refund/await-return/handler.ts', 'Waits for ReturnReceived (or finds it already recorded)'), resources),
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ taskToken: JsonPath.taskToken, 'refundId.$': '$.refundId' }),
      taskTimeout: Timeout.duration(Duration.days(refundPolicy.returnWaitDays)),
      resultPath: '$.returned',
    });

    close
      .next(announce('Announce AftersalesCompleted', AftersalesCompleted.detailType, '$.closing.announcement'))
      .next(new Pass(this, 'Done', { outputPath: '$.closing.result' }));
    pay.next(announce('Announce RefundPaid', RefundPaid.detailType, '$.payment.announcement')).next(close);
    awaitReturn.addCatch(close, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    const afterInspection = new Choice(this, 'Passed inspection?')
      .when(Condition.and(Condition.stringEquals('$.inspection.outcome', 'pass'), Condition.stringEquals('$.kind', 'return')), pay)
      .otherwise(close);
    const whatNext = new Choice(this, 'Approved?')
      .when(Condition.stringEquals('$.decision.decision', 'rejected'), close)
      .when(Condition.stringEquals('$.kind', 'refund-only'), pay)
      .otherwise(awaitReturn.next(inspection).next(afterInspection));
    const decided = decide.next(announce('Announce RefundDecided', RefundDecided.detailType, '$.decision.announcement')).next(whatNext);
    const secondIfNeeded = new Choice(this, 'Needs finance?')
      .when(Condition.and(Condition.stringEquals('$.approval.outcome', 'approve'), Condition.isPresent('$.assessment.approvals[1]')), secondApproval.next(decided))
      .otherwise(decided);
    const definition = assess.next(
      new Choice(this, 'Who decides?').when(Condition.stringEquals('$.assessment.verdict', 'needs-approval'), approval.next(secondIfNeeded)).otherwise(decided),
    );

    this.stateMachine = new FlowStateMachine(this, 'StateMachine', { flow: REFUND_FLOW, definition, timeout: Duration.days(45), stage: resources.stage });
    new FlowTrigger(this, 'Trigger', { flow: REFUND_FLOW, stateMachine: this.stateMachine, event: RefundRequested, businessKey: 'refundId', resources });

    const received = this.callbackFunction(fn('ReturnReceived', 'functions/refund/return-received/handler.ts', 'Records ReturnReceived and resumes the waiting refund'), resources);
    ruleFor(this, 'ReturnReceivedRule', ReturnReceived, received, resources);
  }

  /** Lets a function resume this flow's waits; by name, since the machine depends on the function. */
  private callbackFunction(f: WorkflowFunction, resources: FlowResources): WorkflowFunction {
    f.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [flowMachineArn(this, REFUND_FLOW, resources.stage)] }));
    return f;
  }
}

export const refundFlow = (scope: Construct, resources: FlowResources) => new RefundFlow(scope, 'Refund', resources);
