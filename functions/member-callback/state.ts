import * as z from 'zod';

const Attempt = z.object({
  attempt: z.number().int().positive(),
  opensAt: z.string(),
  dueBy: z.string(),
  slaSeconds: z.number().int().positive(),
});

/** The callback as the flow carries it: ids, times and the inbox line; no phone, no address. */
export const Callback = Attempt.extend({
  callbackId: z.string().min(1),
  memberId: z.string().min(1),
  reason: z.enum(['purchase', 'aftersales', 'complaint']),
  /** The subject of the call: the order, case or complaint id. */
  subjectId: z.string().min(1),
  dueAt: z.string(),
  tier: z.string(),
  summary: z.string().min(1),
});
export type Callback = z.infer<typeof Callback>;

const Decision = z.looseObject({ outcome: z.string(), reason: z.string().optional(), data: z.record(z.string(), z.unknown()).optional(), decidedBy: z.string() });

/** The state after planning: the callback, the last call's decision, and what comes next. */
export const CallbackState = z.looseObject({
  callback: Callback,
  call: Decision.optional(),
  followUp: Decision.optional(),
  next: z.enum(['retry', 'follow-up', 'done']).optional(),
  outcome: z.enum(['reached', 'declined', 'unreachable']).optional(),
  followUpSummary: z.string().optional(),
});
export type CallbackState = z.infer<typeof CallbackState>;
