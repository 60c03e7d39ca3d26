import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Choice, Condition, IntegrationPattern, JsonPath, Pass, TaskInput, Timeout, Wait, WaitTime, Errors } from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ListingPublished } from '../events/listing-published';
import { ListingSubmitted } from '../events/listing-submitted';
import { listingReviewPolicy as policy } from '../functions/listing-review/policy';
import { ruleFor } from './constructs/event-rules';
import { FlowStateMachine, FlowTrigger, flowMachineArn, stepFunction, type FlowResources } from './constructs/flow';
import { HumanTask } from './constructs/human-task';
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
    publish.next(announce('Announce ListingPublished', ListingPublished.detailType, '$.publication.announcement')).next(new Pass(this, 'Published', { outputPath: '$.publication.result' }));
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
}

export const listingReviewFlow = (scope: Construct, resources: FlowResources) => new ListingReviewFlow(scope, 'ListingReview', resources);
