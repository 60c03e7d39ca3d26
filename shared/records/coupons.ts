import type { DynamoTable } from '../dynamo';
import { memberPartition } from './members';
import { recordsTable } from './table';

/**
 * Coupons and red packets a member was given, once per cause.
 *
 * Items (pk / sk):
 * - `MEMBER#<memberId>` / `COUPON#<cause>`: `kind`, `amountFen` (the discount), `minSpendFen`
 *   (0: no minimum), `reason`, `issuedAt`, `expiresAt?`. The cause is the business key that earned
 *   it (a refund id, a complaint id, `tier-gold`), so a retried step gives nothing twice.
 */

export type CouponKind = 'quality' | 'red-packet' | 'tier' | 'recall';

export interface Coupon {
  kind: CouponKind;
  amountFen: number;
  /** The order total from which the coupon applies (满…减…); 0 for none. */
  minSpendFen?: number;
  reason: string;
  issuedAt: string;
  expiresAt?: string;
}

export interface MemberCoupon extends Coupon {
  /** The cause, which identifies the coupon among the member's. */
  couponId: string;
}

const COUPON = 'COUPON#';

const couponKey = (memberId: string, cause: string) => ({ pk: memberPartition(memberId), sk: `${COUPON}${cause}` });

export class Coupons {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  /** False when this cause already gave the member its coupon. */
  async grantOnce(memberId: string, cause: string, coupon: Coupon): Promise<boolean> {
    return this.table.putOnce({ ...couponKey(memberId, cause), ...coupon });
  }

  /** Every coupon the member was given, by cause. */
  async ofMember(memberId: string): Promise<MemberCoupon[]> {
    const items = await this.table.queryAll<Coupon & { sk: string }>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :coupon)',
      ExpressionAttributeValues: { ':pk': memberPartition(memberId), ':coupon': COUPON },
      ConsistentRead: true,
    });
    return items.map(({ sk, kind, amountFen, minSpendFen, reason, issuedAt, expiresAt }) => ({
      couponId: sk.slice(COUPON.length),
      kind,
      amountFen,
      minSpendFen: minSpendFen ?? 0,
      reason,
      issuedAt,
      ...(expiresAt ? { expiresAt } : {}),
    }));
  }
}
