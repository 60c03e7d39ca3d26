import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Choice, Condition, Errors, Fail, JsonPath, Pass, Result, StateMachineType, TaskInput, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoUpdateItem, EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { OrderDelivered } from '../events/order-delivered';
import { OrderPlaced } from '../events/order-placed';
import { OrderRouted } from '../events/order-routed';
import { OrderShipped } from '../events/order-shipped';
import { StockOutDetected } from '../events/stock-out-detected';
import { StockReceived } from '../events/stock-received';
import { MEMORY_MB } from './constructs/memory-policy';
import { WorkflowFunction } from './constructs/workflow-function';
import { ruleFor } from './constructs/event-rules';
import { FlowStateMachine, FlowTrigger, stepFunction, type FlowResources } from './constructs/flow';
import { stockOutMachineArn } from './stock-out';
import { failedInstancesPartition, flowInstanceKey } from '../shared/records/flow-instances';
import { ROUTING_RESULT } from '../shared/records/orders';

export const ORDER_ROUTING_FLOW = 'order-routing';

/**
 * Order routing (business rules §2): choose where an order ships from, reserve its stock in one
 * transaction, handle high-value orders, confirm to the customer; hand stock-outs to the
 * stock-out flow. Also keeps the shared inventory: StockReceived is applied once per event, and
 * restocked units go to orders waiting for them first.
 *
 * EXPRESS: no person is involved and an order takes well under a second, so the order path pays
 * per request and duration instead of about five Standard state transitions (`npm run bench`
 * measures both). Express neither deduplicates execution names nor keeps a history, so the intake
 * claims each order's instance before starting it (a duplicate OrderPlaced starts nothing), every
 * step is idempotent already (the reservation, the outbox, the announcement's consumers), and the
 * flow records its end on the instance's record, which `GET /flows/order-routing/{orderId}` serves.
 * An Express execution cannot be redriven (AWS refuses it): a failed order is recorded as FAILED
 * with its step, error and input, listed by `GET /flows?flow=order-routing&status=FAILED`, and
 * started again from the top with that input by the ops API's redrive, or by its event sent again
 * (both take the FAILED instance with the intake's claim, so the two racing start it once).
 */
export class OrderRoutingFlow extends Construct {
  readonly stateMachine: FlowStateMachine;

  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const fn = (name: string, entry: string, description: string, memorySize?: number) => stepFunction(this, name, entry, description, resources, memorySize);

    // Both wait on DynamoDB and the provider nearly all their time (workflows/constructs/memory-policy.ts).
    const route = fn('Route', 'functions/order-routing/route/handler.ts', 'Chooses the fulfilment location and reserves the stock of an order', MEMORY_MB.waitingOnServices);
    const notifying = (f: WorkflowFunction) => resources.notifications.bind(f);
    const confirm = notifying(fn('Confirm', 'functions/order-routing/confirm/handler.ts', 'Queues and sends the order confirmation', MEMORY_MB.waitingOnServices));

    const instance = flowInstanceKey(ORDER_ROUTING_FLOW, '');
    const instanceKey = {
      pk: DynamoAttributeValue.fromString(JsonPath.format(`${instance.pk}{}`, JsonPath.stringAt('$.orderId'))),
      sk: DynamoAttributeValue.fromString(instance.sk),
    };
    // A failure is recorded on the instance (status, the step, the error and its cause, the
    // execution's input, and the index of failed instances that GET /flows lists), then the
    // execution fails: Express keeps no history to find it by, and cannot be redriven, so the
    // input kept is what the ops API restarts it with (it holds no personal data: the intake put
    // a `personalDataRef` in their place). Each step's Catch goes through a Pass naming the step.
    const failed = new Fail(this, 'Failed', { error: 'OrderRoutingFailed', cause: 'a step failed after its retries (see the instance record)' });
    const recordFailure = new DynamoUpdateItem(this, 'Record the failure', {
      table: resources.tables.records,
      key: instanceKey,
      updateExpression: 'SET #status = :failed, #error = :error, failure = :failure, failedStep = :step, #input = :input, gsi1pk = :index, gsi1sk = startedAt',
      expressionAttributeNames: { '#status': 'status', '#error': 'error', '#input': 'input' },
      expressionAttributeValues: {
        ':failed': DynamoAttributeValue.fromString('FAILED'),
        ':error': DynamoAttributeValue.fromString(JsonPath.stringAt('$.failure.Error')),
        ':failure': DynamoAttributeValue.fromString(JsonPath.jsonToString(JsonPath.objectAt('$.failure'))),
        ':step': DynamoAttributeValue.fromString(JsonPath.stringAt('$.failedAt.step')),
        ':input': DynamoAttributeValue.fromString(JsonPath.jsonToString(JsonPath.objectAt('$$.Execution.Input'))),
        ':index': DynamoAttributeValue.fromString(failedInstancesPartition(ORDER_ROUTING_FLOW)),
      },
      resultPath: JsonPath.DISCARD,
    })
      .addRetry({ errors: [Errors.ALL], maxAttempts: 3 })
      .next(failed);
    const catchFailureOf = <T extends TaskStateBase>(step: T): T => {
      step.addCatch(new Pass(this, `${step.stateId} failed`, { result: Result.fromObject({ step: step.stateId }), resultPath: '$.failedAt' }).next(recordFailure), {
        errors: [Errors.ALL],
        resultPath: '$.failure',
      });
      return step;
    };
    /** The end, on the instance's record: what Express keeps nowhere else. The execution's output is the routing result. */
    const recordEnd = (stateId: string) =>
      catchFailureOf(new DynamoUpdateItem(this, stateId, {
        table: resources.tables.records,
        key: instanceKey,
        updateExpression: 'SET #status = :succeeded, stoppedAt = :at, resultFrom = :resultFrom, steps = :steps',
        expressionAttributeNames: { '#status': 'status' },
        expressionAttributeValues: {
          ':succeeded': DynamoAttributeValue.fromString('SUCCEEDED'),
          ':at': DynamoAttributeValue.fromString(JsonPath.stringAt('$.routing.decidedAt')),
          // The result is on the order's record already (the Route step wrote it): pointed at, not copied.
          ':resultFrom': DynamoAttributeValue.fromMap({
            pk: DynamoAttributeValue.fromString(JsonPath.format(`${ROUTING_RESULT.pkPrefix}{}`, JsonPath.stringAt('$.orderId'))),
            sk: DynamoAttributeValue.fromString(ROUTING_RESULT.sk),
            path: DynamoAttributeValue.fromString(ROUTING_RESULT.path),
          }),
          ':steps': DynamoAttributeValue.fromList([
            DynamoAttributeValue.fromMap({
              name: DynamoAttributeValue.fromString('Route and reserve'),
              enteredAt: DynamoAttributeValue.fromString(JsonPath.stringAt('$$.Execution.StartTime')),
              exitedAt: DynamoAttributeValue.fromString(JsonPath.stringAt('$.routing.decidedAt')),
            }),
            DynamoAttributeValue.fromMap({
              name: DynamoAttributeValue.fromString(stateId),
              enteredAt: DynamoAttributeValue.fromString(JsonPath.stringAt('$.routing.decidedAt')),
              exitedAt: DynamoAttributeValue.fromString(JsonPath.stringAt('$.routing.decidedAt')),
            }),
          ]),
        },
        resultPath: JsonPath.DISCARD,
        outputPath: '$.routing.result',
      }));

    const routeOrder = catchFailureOf(
      new LambdaInvoke(this, 'Route and reserve', {
        lambdaFunction: route,
        payloadResponseOnly: true,
        resultPath: '$.routing',
      }).addRetry({ errors: ['TransientError', 'InsufficientStockError'], maxAttempts: 3, interval: Duration.seconds(1) }),
    );
    const announce = (stateId: string, detailType: string) =>
      catchFailureOf(
        new EventBridgePutEvents(this, stateId, {
          entries: [{ eventBus: resources.bus, source: OrderRouted.source, detailType, detail: TaskInput.fromJsonPathAt('$.routing.announcement') }],
          resultPath: JsonPath.DISCARD,
        }),
      );

    const routed = catchFailureOf(
      new LambdaInvoke(this, 'Confirm to the customer', {
        lambdaFunction: confirm,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject({ 'orderId.$': '$.orderId', 'memberId.$': '$.memberId', 'routing.$': '$.routing.result', 'lines.$': '$.lines' }),
        resultPath: JsonPath.DISCARD,
      }).addRetry({ errors: [Errors.ALL], maxAttempts: 3 }),
    )
      .next(announce('Announce OrderRouted', OrderRouted.detailType))
      .next(recordEnd('Routed'));
    const stockOut = announce('Announce StockOutDetected', StockOutDetected.detailType).next(recordEnd('Stock-out'));

    const definition = routeOrder.next(
      new Choice(this, 'Reserved?')
        .when(Condition.stringEquals('$.routing.result.outcome', 'routed'), routed)
        .when(Condition.stringEquals('$.routing.result.outcome', 'refused'), recordEnd('Refused'))
        .otherwise(stockOut),
    );
    this.stateMachine = new FlowStateMachine(this, 'StateMachine', {
      flow: ORDER_ROUTING_FLOW,
      definition,
      // Express runs at most 5 minutes; an order takes well under a second, retries included.
      timeout: Duration.minutes(5),
      type: StateMachineType.EXPRESS,
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
