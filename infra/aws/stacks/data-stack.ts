import { Aws, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { registerIndex } from '../../../workflows/constructs/table-indexes';

/**
 * The listing-images bucket's fixed name (bucket names are global: account, region and stage make
 * it unique), so the workflows stack grants on it by name instead of a cross-stack reference.
 */
export const listingImagesBucketName = (stage: string) => `shop-listing-images-${Aws.ACCOUNT_ID}-${Aws.REGION}-${stage}`;

export interface DataStackProps extends StackProps {
  stage: string;
}

/**
 * The tables. Keys follow the access patterns of the flows:
 * - Tasks: the human-task inbox. `taskId` gets one task; `byStatus` lists open tasks by due time
 *   (inbox, SLA report); `byBusinessKey` finds every task of one order/refund/listing (four-eyes).
 * - Records: the flows' entities in one table (orders, listings, inventory per SKU and location,
 *   refunds, members, callbacks, outbox). `pk`/`sk` is the entity; `gsi1` and `gsi2` are generic
 *   secondary access paths each entity documents in its repository (e.g. member → refunds by time);
 *   one module per entity in `shared/records/`.
 * - Quarantine: events that failed their contract, kept with the reason (no TTL: nothing is lost).
 * - ListingImages (S3): the images sellers upload for their listings, measured by the review.
 * Flow instances need no table: executions are named after their business key. Effects that must
 * happen once (a payment, a reservation, a stock receipt) are conditional writes of their own
 * entity, keyed by the business key, rather than a separate idempotency store.
 */
export class DataStack extends Stack {
  readonly tasks: Table;
  readonly records: Table;
  readonly quarantine: Table;
  readonly listingImages: Bucket;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const removalPolicy = props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const table = (name: string, partitionKey: string, sortKey?: string, timeToLiveAttribute?: string) =>
      new Table(this, name, {
        partitionKey: { name: partitionKey, type: AttributeType.STRING },
        ...(sortKey ? { sortKey: { name: sortKey, type: AttributeType.STRING } } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        timeToLiveAttribute,
        removalPolicy,
      });
    const index = (target: Table, indexName: string, partitionKey: string, sortKey: string) => {
      target.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: partitionKey, type: AttributeType.STRING },
        sortKey: { name: sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
      registerIndex(target, indexName);
    };

    this.tasks = table('TasksTable', 'taskId', undefined, 'expiresAt');
    index(this.tasks, 'byStatus', 'status', 'dueAt');
    index(this.tasks, 'byBusinessKey', 'businessKey', 'createdAt');

    this.records = table('RecordsTable', 'pk', 'sk', 'expiresAt');
    index(this.records, 'gsi1', 'gsi1pk', 'gsi1sk');
    index(this.records, 'gsi2', 'gsi2pk', 'gsi2sk');

    this.quarantine = table('QuarantineTable', 'id');
    index(this.quarantine, 'byDay', 'day', 'receivedAt');

    // Sellers upload listing images here; the listing review reads and measures them. Private,
    // encrypted, TLS only, versioned so an image a review measured cannot silently change.
    this.listingImages = new Bucket(this, 'ListingImages', {
      bucketName: listingImagesBucketName(props.stage),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.listingImages).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'Sellers upload and one function reads; object-level audit belongs to CloudTrail data events, which the account enables, not to per-bucket access logs.',
    });
  }
}
