import { DynamoTable } from '../../../shared/dynamo';
import { ForbiddenError, NotFoundError } from '../../../shared/errors';
import { apiHandler, json } from '../../../shared/handlers/api';
import type { Role } from '../../../shared/roles';
import { Coupons } from '../../../shared/records/coupons';
import { Members } from '../../../shared/records/members';
import { opsEnv } from '../ops-env';
import type { MemberView } from '../schemas';

const READERS: Role[] = ['cs-agent', 'ops-lead'];

/** `GET /members/{memberId}`: tier, 12-month figures, refunds, coupons, last recall. Never a phone number: those stay in the contact directory. */
export const handler = apiHandler(async (event, caller) => {
  if (!caller.roles.some((role) => READERS.includes(role))) throw new ForbiddenError(`members need one of the roles ${READERS.join(', ')}`);
  const memberId = event.pathParameters?.memberId ?? '';
  const records = new DynamoTable(opsEnv().RECORDS_TABLE, 'pk');
  const members = new Members(records);
  const [profile, coupons, refunds] = await Promise.all([members.profile(memberId), new Coupons(records).ofMember(memberId), members.refunds(memberId)]);
  if (!profile?.tier) throw new NotFoundError(`no member ${memberId}`);
  const view: MemberView = {
    memberId,
    tier: profile.tier,
    spend12mFen: profile.spend12mFen,
    orders12m: profile.orders12m,
    refunds: refunds.length,
    refundedFen: refunds.reduce((sum, refund) => sum + refund.paidFen, 0),
    ...(profile.lastPurchaseAt ? { lastPurchaseAt: profile.lastPurchaseAt } : {}),
    ...(profile.lastRecallAt ? { lastRecallAt: profile.lastRecallAt } : {}),
    coupons: coupons.map((c) => ({ couponId: c.couponId, kind: c.kind, minSpendFen: c.minSpendFen ?? 0, discountFen: c.amountFen, issuedAt: c.issuedAt, ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}) })),
  };
  return json(200, view);
});
