import * as z from 'zod';
import { RefundRequestedDetail } from '../../events/refund-requested';

const Decision = z.looseObject({ outcome: z.string(), reason: z.string().optional(), decidedBy: z.string() });

/** The refund flow's state: the RefundRequested detail plus what each step added. */
export const RefundState = RefundRequestedDetail.extend({
  assessment: z.looseObject({
    verdict: z.enum(['auto-approve', 'auto-reject', 'needs-approval']),
    approvals: z.array(z.string()),
    reasons: z.array(z.string()),
    explanation: z.string(),
    refundFen: z.number().int(),
    qualityIssue: z.boolean(),
    sellerPaysShipping: z.boolean(),
    couponFen: z.number().int(),
  }),
  approval: Decision.optional(),
  secondApproval: Decision.optional(),
  inspection: Decision.optional(),
  returned: z.object({ receivedAt: z.string() }).optional(),
  payment: z.looseObject({ paidFen: z.number().int(), couponFen: z.number().int(), providerRefundId: z.string().optional(), paidAt: z.string() }).optional(),
  decision: z.looseObject({ decision: z.enum(['approved', 'rejected']), auto: z.boolean(), reasons: z.array(z.string()), approvedBy: z.array(z.string()) }).optional(),
});
export type RefundState = z.infer<typeof RefundState>;
