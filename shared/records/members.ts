import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setFields, type DynamoTable } from '../dynamo';
import { GSI2, recordsTable } from './table';

/**
 * Members: everything kept about one member lives under the partition `MEMBER#<memberId>`, each
 * kind of item in its own module:
 * - `CONTACT`: the member's phones (`contacts.ts`);
 * - `COUPON#<cause>`: coupons and red packets given once per cause (`coupons.ts`);
 * - `PROFILE`: the member record kept from events (this module): `tier`, `spend12mFen`,
 *   `orders12m` (over the 12 months before `updatedAt`), `lastPurchaseAt`, `tierChangedAt?`,
 *   `lastRecallAt?`, `recallDueOn` (the Shanghai date from which a churn recall is due), and
 *   `purchases`, the count of purchases ever recorded, which versions the profile, and
 *   `tierAnnouncement?` (`from`, `to`, `changedAt`, `leaseUntil`), a tier change saved but not yet
 *   announced: the purchase that saved it announces it and removes it; if that one died, another
 *   takes it over once the lease has passed. Index gsi2:
 *   `RECALL#<recallDueOn>` / `<memberId>` (the members a day's recall run is for; never a scan);
 * - `PURCHASE#<placedAt>#<orderId>`: one item per order (`totalFen`), written once per order, so a
 *   duplicated OrderPlaced counts once; the profile's 12-month figures are summed from them.
 * - `REFUND#<refundId>`: one item per refund paid (`paidFen`, `paidAt`), written once per refund, so
 *   a duplicated RefundPaid counts once; the member view counts and sums them.
 * A member's orders are the `PURCHASE#` items above (order records have no index by member).
 */
export const memberPartition = (memberId: string) => `MEMBER#${memberId}`;

export type Tier = 'regular' | 'silver' | 'gold' | 'diamond';

export interface MemberProfile {
  memberId: string;
  tier: Tier;
  spend12mFen: number;
  orders12m: number;
  lastPurchaseAt?: string;
  tierChangedAt?: string;
  lastRecallAt?: string;
  recallDueOn?: string;
  updatedAt: string;
  /** Purchases recorded so far; a profile is written only against the count it was computed from. */
  purchases: number;
  tierAnnouncement?: TierAnnouncement;
}

/** A tier change saved with the profile, announced (MemberTierChanged, the coupon) after the save. */
export interface TierAnnouncement {
  from: Tier;
  to: Tier;
  changedAt: string;
  /** Until then the purchase that saved the change is announcing it; after, anyone may take it over. */
  leaseUntil: string;
}

export interface Purchase {
  orderId: string;
  placedAt: string;
  totalFen: number;
}

const profileKey = (memberId: string) => ({ pk: memberPartition(memberId), sk: 'PROFILE' });
const recallIndex = (memberId: string, day: string) => ({ gsi2pk: `RECALL#${day}`, gsi2sk: memberId });
export interface MemberRefund {
  refundId: string;
  paidFen: number;
  paidAt: string;
}

const PURCHASE = 'PURCHASE#';
const REFUND = 'REFUND#';
const purchaseKey = (memberId: string, purchase: Purchase) => ({ pk: memberPartition(memberId), sk: `${PURCHASE}${purchase.placedAt}#${purchase.orderId}` });

export class Members {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  async profile(memberId: string): Promise<MemberProfile | undefined> {
    return this.table.get<MemberProfile>(profileKey(memberId));
  }

  /** Keeps the order among the member's purchases and counts it; false when it was kept before (a duplicate event). */
  async recordPurchase(memberId: string, purchase: Purchase): Promise<boolean> {
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table.name, Item: { ...purchaseKey(memberId, purchase), ...purchase }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Update: { TableName: this.table.name, Key: profileKey(memberId), UpdateExpression: 'ADD purchases :one', ExpressionAttributeValues: { ':one': 1 } } },
          ],
        }),
      );
      return true;
    } catch (error) {
      const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /** Keeps a paid refund once; false when it was kept before (a duplicate event). */
  async recordRefund(memberId: string, refund: MemberRefund): Promise<boolean> {
    return this.table.putOnce({ pk: memberPartition(memberId), sk: `${REFUND}${refund.refundId}`, ...refund });
  }

  /** Every refund paid to the member. */
  async refunds(memberId: string): Promise<MemberRefund[]> {
    return this.table.queryAll<MemberRefund>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :refund)',
      ExpressionAttributeValues: { ':pk': memberPartition(memberId), ':refund': REFUND },
      ConsistentRead: true,
    });
  }

  /** The member's purchases placed at or after `since`, oldest first. */
  async purchasesSince(memberId: string, since: string): Promise<Purchase[]> {
    return this.table.queryAll<Purchase>({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': memberPartition(memberId), ':from': `${PURCHASE}${since}`, ':to': `${PURCHASE}\uffff` },
      ConsistentRead: true,
    });
  }

  /**
   * Writes the profile computed from `purchases` purchases and the tier it was computed from
   * (`previousTier`, absent for a first profile). False when another purchase was recorded since,
   * or another writer changed the tier meanwhile (the caller computes again): of two racing
   * purchases only one saves a tier change, and no profile is written from stale figures.
   */
  async saveProfile(profile: MemberProfile, previousTier: Tier | undefined): Promise<boolean> {
    const { purchases, ...fields } = profile;
    const index = profile.recallDueOn ? recallIndex(profile.memberId, profile.recallDueOn) : {};
    const tierUnchanged = previousTier ? '#tier = :previousTier' : 'attribute_not_exists(#tier)';
    const updated = await this.table.update(
      profileKey(profile.memberId),
      setFields({ ...fields, ...index }, { condition: `purchases = :purchases AND ${tierUnchanged}`, names: { '#tier': 'tier' }, values: { ':purchases': purchases, ...(previousTier ? { ':previousTier': previousTier } : {}) } }),
    );
    return updated !== undefined;
  }

  /** Takes over a tier announcement whose lease has passed (its saver died); false if someone else has it or it is done. */
  async takeOverTierAnnouncement(memberId: string, announcement: TierAnnouncement, leaseUntil: string, now: string): Promise<boolean> {
    const updated = await this.table.update(profileKey(memberId), {
      UpdateExpression: 'SET tierAnnouncement.leaseUntil = :lease',
      ConditionExpression: 'tierAnnouncement.changedAt = :changedAt AND tierAnnouncement.leaseUntil < :now',
      ExpressionAttributeValues: { ':lease': leaseUntil, ':changedAt': announcement.changedAt, ':now': now },
    });
    return updated !== undefined;
  }

  /** The tier change is announced: the profile no longer holds it. */
  async tierAnnounced(memberId: string, announcement: TierAnnouncement): Promise<void> {
    await this.table.update(profileKey(memberId), {
      UpdateExpression: 'REMOVE tierAnnouncement',
      ConditionExpression: 'tierAnnouncement.changedAt = :changedAt',
      ExpressionAttributeValues: { ':changedAt': announcement.changedAt },
    });
  }

  /** The members whose churn recall is due from `day` (a Shanghai date), through the recall index. */
  async dueForRecallOn(day: string): Promise<Array<Pick<MemberProfile, 'memberId'>>> {
    const items = await this.table.queryAll<{ gsi2sk: string }>({
      IndexName: GSI2,
      KeyConditionExpression: 'gsi2pk = :day',
      ExpressionAttributeValues: { ':day': `RECALL#${day}` },
      ProjectionExpression: 'gsi2sk',
    });
    return items.map((item) => ({ memberId: item.gsi2sk }));
  }

  /**
   * Records a recall and when the next one is due, only if the profile's last purchase and last
   * recall are still those the run saw: false otherwise, so two runs, or a run and a purchase,
   * never both apply.
   */
  async recordRecall(memberId: string, recall: { recalledAt: string; seen: Pick<MemberProfile, 'lastPurchaseAt' | 'lastRecallAt'>; nextDueOn: string }): Promise<boolean> {
    const updated = await this.table.update(
      profileKey(memberId),
      setFields(
        { lastRecallAt: recall.recalledAt, recallDueOn: recall.nextDueOn, ...recallIndex(memberId, recall.nextDueOn) },
        {
          condition: `lastPurchaseAt = :purchase AND ${recall.seen.lastRecallAt ? 'lastRecallAt = :recall' : 'attribute_not_exists(lastRecallAt)'}`,
          values: { ':purchase': recall.seen.lastPurchaseAt, ...(recall.seen.lastRecallAt ? { ':recall': recall.seen.lastRecallAt } : {}) },
        },
      ),
    );
    return updated !== undefined;
  }
}
