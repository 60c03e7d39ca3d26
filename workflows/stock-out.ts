import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Choice, Condition, Errors, IntegrationPattern, JsonPath, Pass, TaskInput, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as z from 'zod';
import { StockOutDetected } from '../events/stock-out-detected';
import { stockOutPolicy } from '../functions/stock-out/policy';
import { WorkflowFunction } from './constructs/workflow-function';
import { FlowStateMachine, FlowTrigger, flowMachineArn, paying, stepFunction, type FlowResources } from './constructs/flow';
import { HumanTask, activeCatalogSku } from './constructs/human-task';

export const STOCK_OUT_FLOW = 'stock-out';

/**
 * Stock-out handling (business rules §3): customer service contacts the customer within an hour
 * (then ops-lead), who chooses an exchange at 90 % of the replacement's price, priority shipping
 * once the stock is back, or cancelling; no decision within 48 hours cancels and refunds in full.
 */
export class StockOutFlow extends Construct {
  readonly stateMachine: FlowStateMachine;

  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const fn = (name: string, entry: string, description: string) => stepFunction(this, name, entry, description, resources);

    // By name, not by reference: the machine already depends on this function.
    const grantCallback = (f: WorkflowFunction) => {
      f.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [stockOutMachineArn(this, resources.stage)] }));
      return f;
    };
    const contact = new HumanTask(this, 'Contact the customer', {
      functions: resources.humanTasks,
      flow: STOCK_OUT_FLOW,
      kind: 'stock-out-contact',
      role: 'cs-agent',
      businessKeyPath: '$.orderId',
      summary: JsonPath.format('Order {} cannot be fully served: offer an exchange (90% price), priority shipping after restock, or cancel', JsonPath.stringAt('$.orderId')),
      outcomes: {
        // Only active SKUs of the catalog: the ops API refuses anything else before the flow sees it.
        exchange: { data: z.object({ replacementSkuId: activeCatalogSku() }) },
        'wait-restock': {},
        cancel: {},
      },
      // Contact within 1 hour; ops-lead has the rest of the 48 hours before the default applies.
      sla: Duration.hours(stockOutPolicy.contactWithinHours),
      escalation: { role: 'ops-lead', maxLevels: 1, sla: Duration.hours(stockOutPolicy.decisionWithinHours - stockOutPolicy.contactWithinHours) },
      defaultDecision: { outcome: 'cancel', reason: 'the customer chose nothing within 48 hours' },
      resultPath: '$.contact',
    });

    const exchange = new LambdaInvoke(this, 'Offer the exchange', {
      lambdaFunction: resources.notifications.bind(fn('Exchange', 'functions/stock-out/exchange/handler.ts', 'Prices and records the exchange at 90% of the replacement')),
      payloadResponseOnly: true,
      resultPath: '$.resolution',
    });
    const waitForRestock = new LambdaInvoke(this, 'Wait for the restock', {
      lambdaFunction: grantCallback(fn('WaitForRestock', 'functions/stock-out/wait-restock/handler.ts', 'Joins the restock waitlist, or reserves stock that already arrived')),
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        taskToken: JsonPath.taskToken,
        'orderId.$': '$.orderId',
        'placedAt.$': '$.placedAt',
        'unservedLines.$': '$.unservedLines',
      }),
      taskTimeout: Timeout.duration(Duration.days(stockOutPolicy.restockWaitDays)),
      resultPath: '$.restock',
    });
    const shipFirst = new LambdaInvoke(this, 'Request priority shipping', {
      lambdaFunction: fn('PriorityShipping', 'functions/stock-out/priority-shipping/handler.ts', 'Requests shipping within 24 hours of the restock'),
      payloadResponseOnly: true,
      resultPath: '$.resolution',
    });
    const cancel = new LambdaInvoke(this, 'Cancel and refund', {
      lambdaFunction: paying(resources.notifications.bind(fn('CancelAndRefund', 'functions/stock-out/cancel-refund/handler.ts', 'Cancels the unserved lines and refunds them in full, once'))),
      payloadResponseOnly: true,
      resultPath: '$.resolution',
    }).addRetry({ errors: ['TransientError'], maxAttempts: 4, interval: Duration.seconds(2) });
    const done = new Pass(this, 'Resolved', { outputPath: '$.resolution' });

    waitForRestock.addCatch(cancel, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    const definition = contact.next(
      new Choice(this, 'What did the customer choose?')
        .when(Condition.stringEquals('$.contact.outcome', 'exchange'), exchange.next(done))
        .when(Condition.stringEquals('$.contact.outcome', 'wait-restock'), waitForRestock.next(shipFirst).next(done))
        .otherwise(cancel.next(done)),
    );
    this.stateMachine = new FlowStateMachine(this, 'StateMachine', {
      flow: STOCK_OUT_FLOW,
      definition,
      timeout: Duration.days(40),
      stage: resources.stage,
    });
    new FlowTrigger(this, 'Trigger', { flow: STOCK_OUT_FLOW, stateMachine: this.stateMachine, event: StockOutDetected, businessKey: 'orderId', resources });
  }
}

/** The stock-out state machine's ARN from its fixed name, for grants that must not reference it. */
export const stockOutMachineArn = (scope: Construct, stage: string) => flowMachineArn(scope, STOCK_OUT_FLOW, stage);

export const stockOutFlow = (scope: Construct, resources: FlowResources) => new StockOutFlow(scope, 'StockOut', resources);
