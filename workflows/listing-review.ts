import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Choice, Condition, IntegrationPattern, JsonPath, Map as MapState, Pass, TaskInput, Timeout, Wait, WaitTime, Errors, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as z from 'zod';
import { ListingPublished } from '../events/listing-published';
import { ListingSubmitted } from '../events/listing-submitted';
import { OrderPlaced } from '../events/order-placed';
import { SkuSlowMoving } from '../events/sku-slow-moving';
import { listingReviewPolicy as policy } from '../functions/listing-review/policy';
import { ruleFor } from './constructs/event-rules';
import { FlowStateMachine, FlowTrigger, flowMachineArn, stepFunction, type FlowResources } from './constructs/flow';
import { HumanTask, activeCatalogSku } from './constructs/human-task';
import type { WorkflowFunction } from './constructs/workflow-function';

export const LISTING_REVIEW_FLOW = 'listing-review';

/**
 * Listing review (business rules §1): every automatic check on the listing and its measured
 * images; a rejected revision goes back to the seller with every reason and the flow waits for the
 * next one (then checks it from the start); a compliance review, then an inventory review where
 * stock is large or presale; publishing now or at `publishAt`, which puts every SKU in the catalog.
 */
export class ListingReviewFlow extends Construct {
  readonly stateMachine: FlowStateMachine;

  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const fn = (name: string, entry: string, description: string) => stepFunction(this, name, entry, description, resources);
    const step = (stateId: string, lambdaFunction: WorkflowFunction, resultPath: string) =>
      new LambdaInvoke(this, stateId, { lambdaFunction, payloadResponseOnly: true, resultPath }).addRetry({ errors: ['TransientError'], maxAttempts: 4, interval: Duration.seconds(2) });
    const announce = (stateId: string, detailType: string, path: string) =>
      new EventBridgePutEvents(this, stateId, {
        entries: [{ eventBus: resources.bus, source: ListingPublished.source, detailType, detail: TaskInput.fromJsonPathAt(path) }],
        resultPath: JsonPath.DISCARD,
      });
    // Lets a function resume this flow's waits; by name, since the machine depends on the function.
    const resumesTheFlow = (f: WorkflowFunction) => {
      f.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [flowMachineArn(this, LISTING_REVIEW_FLOW, resources.stage)] }));
      return f;
    };
    const review = (stateId: string, kind: string, role: 'reviewer' | 'merchandiser', what: string, resultPath: string) =>
      new HumanTask(this, stateId, {
        functions: resources.humanTasks,
        flow: LISTING_REVIEW_FLOW,
        kind,
        role,
        businessKeyPath: '$.listingId',
        summary: JsonPath.format(`Listing {} revision {}: ${what}`, JsonPath.stringAt('$.listingId'), JsonPath.stringAt('$.revision')),
        outcomes: { approve: {}, reject: { reasonRequired: true } },
        sla: Duration.hours(policy.reviewSlaHours),
        escalation: { role: policy.reviewEscalationRole, maxLevels: 1 },
        defaultDecision: { outcome: 'reject', reason: `not reviewed within ${2 * policy.reviewSlaHours} hours; the seller may resubmit` },
        // Each revision is reviewed afresh.
        repeatKeyPath: '$.revision',
        resultPath,
      });

    const checkFunction = fn('CheckListing', 'functions/listing-review/check/handler.ts', 'Runs every automatic check on a listing revision and measures its images').bindBucketForReading(
      'LISTING_IMAGES_BUCKET',
      resources.buckets.listingImages,
    );
    const check = step('Check the listing', checkFunction, '$.check');
    const reject = step('Reject the revision', fn('RejectRevision', 'functions/listing-review/reject/handler.ts', 'Records a rejected revision with every reason'), '$.rejection');
    const approve = step('Approve the revision', fn('ApproveRevision', 'functions/listing-review/approve/handler.ts', 'Records an approved revision and whether it waits for its publishing time'), '$.approval');
    const publish = step('Publish', fn('PublishListing', 'functions/listing-review/publish/handler.ts', 'Publishes the approved revision: its SKUs enter the catalog'), '$.publication');
    const abandon = step('Abandon the review', fn('AbandonReview', 'functions/listing-review/abandon/handler.ts', 'Ends a review whose seller sent no new revision in time'), '$.result');

    const awaitRevision = new LambdaInvoke(this, 'Wait for the next revision', {
      lambdaFunction: resumesTheFlow(fn('AwaitRevision', 'functions/listing-review/await-revision/handler.ts', "Waits for the seller's next revision (or finds it already received)")),
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ taskToken: JsonPath.taskToken, 'listingId.$': '$.listingId', 'after.$': '$.revision' }),
      taskTimeout: Timeout.duration(Duration.days(policy.resubmissionWaitDays)),
      // The new revision is the new state: it is checked from the start.
      resultPath: '$',
    });
    awaitRevision.addCatch(abandon.next(new Pass(this, 'Abandoned', { outputPath: '$.result' })), { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    reject.next(announce('Announce ListingRejected', 'ListingRejected', '$.rejection.announcement')).next(awaitRevision);
    awaitRevision.next(check);

    const compliance = review('Compliance review', 'listing-compliance-review', 'reviewer', 'check the listing for compliance (qualifications, claims, images)', '$.compliance');
    const inventory = review('Inventory review', 'listing-inventory-review', 'merchandiser', 'check that the stock and presale dates are credible', '$.inventory');
    publish.next(announce('Announce ListingPublished', ListingPublished.detailType, '$.publication.announcement')).next(this.slowMovingCheck(resources, fn, step));
    const schedule = approve.next(
      new Choice(this, 'Scheduled?')
        .when(Condition.booleanEquals('$.approval.scheduled', true), new Wait(this, 'Wait for the publishing time', { time: WaitTime.timestampPath('$.publishAt') }).next(publish))
        .otherwise(publish),
    );
    const afterInventory = new Choice(this, 'Inventory approved?').when(Condition.stringEquals('$.inventory.outcome', 'approve'), schedule).otherwise(reject);
    const afterCompliance = new Choice(this, 'Compliance approved?')
      .when(
        Condition.and(Condition.stringEquals('$.compliance.outcome', 'approve'), Condition.booleanEquals('$.check.needsInventoryReview', true)),
        inventory.next(afterInventory),
      )
      .when(Condition.stringEquals('$.compliance.outcome', 'approve'), schedule)
      .otherwise(reject);
    const definition = check.next(new Choice(this, 'Checks passed?').when(Condition.booleanEquals('$.check.passed', true), compliance.next(afterCompliance)).otherwise(reject));

    this.stateMachine = new FlowStateMachine(this, 'StateMachine', {
      flow: LISTING_REVIEW_FLOW,
      definition,
      // Revisions can go back and forth; each wait is bounded (14 days), so is the whole review.
      timeout: Duration.days(90),
      stage: resources.stage,
    });
    new FlowTrigger(this, 'Trigger', { flow: LISTING_REVIEW_FLOW, stateMachine: this.stateMachine, event: ListingSubmitted, businessKey: 'listingId', resources });
    const receive = resumesTheFlow(fn('ReceiveRevision', 'functions/listing-review/receive-revision/handler.ts', 'Keeps every submitted revision and resumes a review waiting for it'));
    ruleFor(this, 'RevisionRule', ListingSubmitted, receive, resources, 'ListingSubmitted: a new revision for a review waiting on the seller');
  }

  /**
   * Days after publishing, every SKU with no sale is flagged; a merchandiser decides per SKU
   * (discount, bundle, delist or keep; keep when nobody decides), all SKUs at once.
   */
  private slowMovingCheck(resources: FlowResources, fn: (name: string, entry: string, description: string) => WorkflowFunction, step: (stateId: string, f: WorkflowFunction, resultPath: string) => TaskStateBase) {
    const find = step('Find slow-moving SKUs', fn('FindSlowMoving', 'functions/listing-review/find-slow-moving/handler.ts', 'Flags the SKUs of a listing that did not sell after publishing'), '$.slowMoving');
    const decide = new HumanTask(this, 'Decide on the slow-moving SKU', {
      functions: resources.humanTasks,
      flow: LISTING_REVIEW_FLOW,
      kind: 'slow-moving-sku',
      role: 'merchandiser',
      businessKeyPath: '$.listingId',
      summary: JsonPath.format('SKU {} of listing {} has not sold in {} days: discount, bundle, delist or keep', JsonPath.stringAt('$.skuId'), JsonPath.stringAt('$.listingId'), JsonPath.stringAt('$.daysWithoutSale')),
      outcomes: {
        discount: { data: z.object({ percentOff: z.number().int().min(policy.discountPercentMin).max(policy.discountPercentMax) }) },
        bundle: { data: z.object({ withSkuId: activeCatalogSku() }) },
        delist: {},
        keep: {},
      },
      sla: Duration.days(policy.slowMovingDecisionDays),
      defaultDecision: { outcome: policy.slowMovingDefaultDecision, reason: `no decision within ${policy.slowMovingDecisionDays} days` },
      // One task per SKU of the listing.
      repeatKeyPath: '$.skuId',
      resultPath: '$.decision',
    });
    const apply = new LambdaInvoke(this, 'Apply the decision', {
      lambdaFunction: fn('ApplySlowMoving', 'functions/listing-review/apply-slow-moving/handler.ts', "Changes the catalog as the merchandiser decided for a slow-moving SKU"),
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({ 'skuId.$': '$.skuId', 'decision.$': '$.decision' }),
    }).addRetry({ errors: ['TransientError'], maxAttempts: 4, interval: Duration.seconds(2) });
    const perSku = new MapState(this, 'Each slow-moving SKU', { itemsPath: '$.slowMoving.skus', resultPath: '$.slowMoving.decisions', maxConcurrency: 0 }).itemProcessor(
      new EventBridgePutEvents(this, 'Announce SkuSlowMoving', {
        entries: [{ eventBus: resources.bus, source: SkuSlowMoving.source, detailType: SkuSlowMoving.detailType, detail: TaskInput.fromJsonPathAt('$.announcement') }],
        resultPath: JsonPath.DISCARD,
      })
        .next(decide)
        .next(apply),
    );
    const finish = step('Finish the review', fn('FinishReview', 'functions/listing-review/finish/handler.ts', "The review's result, with what became of each slow-moving SKU"), '$.result').next(
      new Pass(this, 'Reviewed', { outputPath: '$.result' }),
    );
    const sales = fn('RecordSales', 'functions/listing-review/record-sales/handler.ts', 'Records when each SKU last sold, from OrderPlaced');
    ruleFor(this, 'SalesRule', OrderPlaced, sales, resources, 'OrderPlaced: when each catalog SKU last sold (the slow-moving check)');
    return new Wait(this, 'Wait for the first sales', { time: WaitTime.duration(Duration.days(policy.slowMovingAfterDays)) })
      .next(find)
      .next(new Choice(this, 'Any slow-moving SKU?').when(Condition.isPresent('$.slowMoving.skus[0]'), perSku.next(finish)).otherwise(finish));
  }
}

export const listingReviewFlow = (scope: Construct, resources: FlowResources) => new ListingReviewFlow(scope, 'ListingReview', resources);
