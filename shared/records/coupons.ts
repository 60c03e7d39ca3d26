import type { DynamoTable } from '../dynamo';
import { memberPartition } from './members';
import { recordsTable } from './table';

/**
 * Coupons and red packets a member was given, once per cause.
 *
 * Items (pk / sk):
 * - `MEMBER#<memberId>` / `COUPON#<cause>`: `amountFen`, `reason`, `issuedAt`. The cause is the
 *   business key that earned it (a refund id, a complaint id), so a retried step gives nothing twice.
 */

export interface Coupon {
  amountFen: number;
  reason: string;
  issuedAt: string;
}

const couponKey = (memberId: string, cause: string) => ({ pk: memberPartition(memberId), sk: `COUPON#${cause}` });

export class Coupons {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  /** False when this cause already gave the member its coupon. */
  async grantOnce(memberId: string, cause: string, coupon: Coupon): Promise<boolean> {
    return this.table.putOnce({ ...couponKey(memberId, cause), ...coupon });
  }

  async get(memberId: string, cause: string): Promise<Coupon | undefined> {
    return this.table.get<Coupon>(couponKey(memberId, cause));
  }
}
