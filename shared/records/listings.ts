import { names, setFields, type DynamoTable } from '../dynamo';
import { recordsTable } from './table';

/**
 * Listings under review, in the Records table: where each listing stands and every revision the
 * seller submitted, with the checks' reasons and the people's reviews. Written by the
 * listing-review flow; read by `GET /listings/{listingId}`.
 *
 * Items (pk / sk):
 * - `LISTING#<listingId>` / `LISTING`: `status` (checking, rejected, in-review, scheduled,
 *   published, delisted, abandoned), `revision` (the one under review), `publishAt?`,
 *   `publishedAt?`, and while the flow waits for the seller's next revision `revisionWait`:
 *   `{taskToken, after}` (the flow's token, never logged; `after` = the rejected revision).
 * - `LISTING#<listingId>` / `REV#<revision, 6 digits>`: one submitted revision as the seller sent
 *   it (`listing`), when it arrived, its `outcome` once known (rejected, approved), the `reasons`
 *   it was rejected for and the `reviews` people made of it. Sorted by revision.
 * No index: every read is by listing id.
 */

export type ListingStatus = 'checking' | 'rejected' | 'in-review' | 'scheduled' | 'published' | 'delisted' | 'abandoned';

export interface Reason {
  code: string;
  field: string;
  message: string;
}

export interface Review {
  kind: string;
  outcome: string;
  reason?: string;
  decidedBy: string;
  decidedAt: string;
}

export interface ListingRecord {
  listingId: string;
  status: ListingStatus;
  revision: number;
  sellerId?: string;
  publishAt?: string;
  publishedAt?: string;
  updatedAt: string;
  revisionWait?: { taskToken: string; after: number };
}

export interface RevisionRecord {
  listingId: string;
  revision: number;
  receivedAt: string;
  listing: Record<string, unknown>;
  outcome?: 'rejected' | 'approved';
  reasons?: Reason[];
  reviews?: Review[];
}

const partition = (listingId: string) => `LISTING#${listingId}`;
const listingKey = (listingId: string) => ({ pk: partition(listingId), sk: 'LISTING' });
const REVISION = 'REV#';
const revisionKey = (listingId: string, revision: number) => ({ pk: partition(listingId), sk: `${REVISION}${String(revision).padStart(6, '0')}` });

export class Listings {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  async get(listingId: string): Promise<ListingRecord | undefined> {
    return this.table.get<ListingRecord>(listingKey(listingId));
  }

  /** Every revision, oldest first. */
  async revisions(listingId: string): Promise<RevisionRecord[]> {
    return this.table.queryAll<RevisionRecord>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rev)',
      ExpressionAttributeValues: { ':pk': partition(listingId), ':rev': REVISION },
      ConsistentRead: true,
    });
  }

  /** Keeps a submitted revision as the seller sent it; a redelivered event changes nothing. */
  async keepRevision(listing: { listingId: string; revision: number }, receivedAt: string): Promise<boolean> {
    return this.table.putOnce({ ...revisionKey(listing.listingId, listing.revision), listingId: listing.listingId, revision: listing.revision, receivedAt, listing });
  }

  /** The newest revision kept, if any is newer than `after`. */
  async newestAfter(listingId: string, after: number): Promise<RevisionRecord | undefined> {
    const newest = (await this.revisions(listingId)).at(-1);
    return newest && newest.revision > after ? newest : undefined;
  }

  /** The listing's state; `revision` never moves backwards (a late old revision does not win). */
  async setStatus(listingId: string, change: { status: ListingStatus; revision: number; at: string; publishAt?: string; publishedAt?: string; sellerId?: string }): Promise<ListingRecord | undefined> {
    const { at, ...fields } = change;
    return this.table.update<ListingRecord>(
      listingKey(listingId),
      setFields(
        { ...fields, listingId, updatedAt: at },
        { condition: 'attribute_not_exists(#revision) OR #revision <= :revision', names: names('revision'), values: { ':revision': change.revision } },
      ),
    );
  }

  async recordOutcome(listingId: string, revision: number, outcome: { outcome: 'rejected' | 'approved'; reasons: Reason[]; reviews: Review[] }): Promise<void> {
    await this.table.update(revisionKey(listingId, revision), {
      UpdateExpression: 'SET #outcome = :outcome, reasons = :reasons, reviews = :reviews',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: names('outcome'),
      ExpressionAttributeValues: { ':outcome': outcome.outcome, ':reasons': outcome.reasons, ':reviews': outcome.reviews },
    });
  }

  // --- Waiting for the seller's next revision: whichever of the wait and the revision comes second resumes

  async awaitRevision(listingId: string, after: number, taskToken: string): Promise<void> {
    await this.table.update(listingKey(listingId), {
      UpdateExpression: 'SET revisionWait = :wait',
      ExpressionAttributeValues: { ':wait': { taskToken, after } },
    });
  }

  /** The flow's wait, if it waits for a revision newer than the one given. */
  async revisionWaitBefore(listingId: string, revision: number): Promise<ListingRecord['revisionWait']> {
    const wait = (await this.get(listingId))?.revisionWait;
    return wait && revision > wait.after ? wait : undefined;
  }

  /** The wait is over (resumed, or timed out): no later revision resumes it again. */
  async endRevisionWait(listingId: string, taskToken: string): Promise<void> {
    await this.table.update(listingKey(listingId), {
      UpdateExpression: 'REMOVE revisionWait',
      ConditionExpression: 'revisionWait.taskToken = :token',
      ExpressionAttributeValues: { ':token': taskToken },
    });
  }
}
