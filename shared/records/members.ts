/**
 * The member partition of the Records table: everything kept about one member lives under
 * `MEMBER#<memberId>`, each kind of item in its own module:
 * - `CONTACT`: the member's phones (`contacts.ts`);
 * - `COUPON#<cause>`: coupons and red packets given once per cause (`coupons.ts`).
 * A member's orders are found through the orders' gsi1 (`MEMBER#<memberId>` / `ORDER#<placedAt>`, `orders.ts`).
 */
export const memberPartition = (memberId: string) => `MEMBER#${memberId}`;
