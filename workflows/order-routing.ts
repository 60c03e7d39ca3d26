import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Choice, Condition, JsonPath, Pass, StateMachineType, TaskInput, Errors } from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { OrderDelivered } from '../events/order-delivered';
import { OrderPlaced } from '../events/order-placed';
import { OrderRouted } from '../events/order-routed';
import { OrderShipped } from '../events/order-shipped';
import { StockOutDetected } from '../events/stock-out-detected';
import { StockReceived } from '../events/stock-received';
import { WorkflowFunction } from './constructs/workflow-function';
import { ruleFor } from './constructs/event-rules';
import { FlowStateMachine, FlowTrigger, stepFunction, type FlowResources } from './constructs/flow';
import { stockOutMachineArn } from './stock-out';

export const ORDER_ROUTING_FLOW = 'order-routing';

/**
 * Order routing (business rules §2): choose where an order ships from, reserve its stock in one
 * transaction, handle high-value orders, confirm to the customer; hand stock-outs to the
 * stock-out flow. Also keeps the shared inventory: StockReceived is applied once per event, and
 * restocked units go to orders waiting for them first.
 *
 * STANDARD, not EXPRESS, although no person is involved: an execution per order named after the
 * order id is what makes a duplicate OrderPlaced start nothing (Express does not deduplicate
 * names) and what lets ops look an order up (`GET /flows/order-routing/{orderId}`; Express keeps
 * no history). The cost is about six state transitions per order.
 */
export class OrderRoutingFlow extends Construct {
  readonly stateMachine: FlowStateMachine;

  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const fn = (name: string, entry: string, description: string) => stepFunction(this, name, entry, description, resources);

    const route = fn('Route', 'functions/order-routing/route/handler.ts', 'Chooses the fulfilment location and reserves the stock of an order');
    const notifying = (f: WorkflowFunction) => resources.notifications.bind(f);
    const confirm = notifying(fn('Confirm', 'functions/order-routing/confirm/handler.ts', 'Queues and sends the order confirmation'));

    const routeOrder = new LambdaInvoke(this, 'Route and reserve', {
      lambdaFunction: route,
      payloadResponseOnly: true,
      resultPath: '$.routing',
    }).addRetry({ errors: ['TransientError', 'InsufficientStockError'], maxAttempts: 3, interval: Duration.seconds(1) });
    const announce = (stateId: string, detailType: string) =>
      new EventBridgePutEvents(this, stateId, {
        entries: [{ eventBus: resources.bus, source: OrderRouted.source, detailType, detail: TaskInput.fromJsonPathAt('$.routing.announcement') }],
        resultPath: JsonPath.DISCARD,
      });
    const result = (stateId: string) => new Pass(this, stateId, { outputPath: '$.routing.result' });

    const routed = new LambdaInvoke(this, 'Confirm to the customer', {
      lambdaFunction: confirm,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({ 'orderId.$': '$.orderId', 'memberId.$': '$.memberId', 'routing.$': '$.routing.result', 'lines.$': '$.lines' }),
      resultPath: JsonPath.DISCARD,
    })
      .addRetry({ errors: [Errors.ALL], maxAttempts: 3 })
      .next(announce('Announce OrderRouted', OrderRouted.detailType))
      .next(result('Routed'));
    const stockOut = announce('Announce StockOutDetected', StockOutDetected.detailType).next(result('Stock-out'));

    const definition = routeOrder.next(
      new Choice(this, 'Reserved?')
        .when(Condition.stringEquals('$.routing.result.outcome', 'routed'), routed)
        .when(Condition.stringEquals('$.routing.result.outcome', 'refused'), result('Refused'))
        .otherwise(stockOut),
    );
    this.stateMachine = new FlowStateMachine(this, 'StateMachine', {
      flow: ORDER_ROUTING_FLOW,
      definition,
      timeout: Duration.minutes(15),
      type: StateMachineType.STANDARD,
      stage: resources.stage,
    });
    new FlowTrigger(this, 'Trigger', { flow: ORDER_ROUTING_FLOW, stateMachine: this.stateMachine, event: OrderPlaced, businessKey: 'orderId', resources });

    // Inventory: every StockReceived applied once; waiting stock-out orders are served first.
    const applyStock = fn('ApplyStock', 'functions/order-routing/apply-stock/handler.ts', 'Applies StockReceived once and serves orders waiting for the SKU');
    applyStock.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [stockOutMachineArn(this, resources.stage)],
      }),
    );
    ruleFor(this, 'StockReceivedRule', StockReceived, applyStock, resources);

    const delivered = fn('RecordDelivery', 'functions/order-routing/record-delivery/handler.ts', 'Records when an order was delivered (starts the no-reason return window)');
    ruleFor(this, 'OrderDeliveredRule', OrderDelivered, delivered, resources);

    // Shipping notices (the Notifications construct retries what a provider refused).
    const shipped = notifying(fn('NotifyShipped', 'functions/order-routing/notify-shipped/handler.ts', 'Queues and sends the shipping notice with the tracking number'));
    ruleFor(this, 'OrderShippedRule', OrderShipped, shipped, resources);
  }
}

export const orderRoutingFlow = (scope: Construct, resources: FlowResources) => new OrderRoutingFlow(scope, 'OrderRouting', resources);
