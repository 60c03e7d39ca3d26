import * as z from 'zod';

/** The complaint flow's state: ComplaintFiled without its text (personal data, kept server-side). */
export const ComplaintState = z.looseObject({
  complaintId: z.string().min(1),
  orderId: z.string().min(1),
  memberId: z.string().min(1),
  filedAt: z.string(),
  response: z
    .looseObject({ outcome: z.enum(['reship', 'refund', 'resolved-other']), reason: z.string().optional(), data: z.record(z.string(), z.unknown()).optional(), decidedBy: z.string() })
    .optional(),
});
export type ComplaintState = z.infer<typeof ComplaintState>;
