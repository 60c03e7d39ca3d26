import * as z from 'zod';
import { defineEvent, fields } from './define';
import { oneOf } from './schema-kit';
import { sources } from './sources';

export const callbackReasons = ['purchase', 'aftersales', 'complaint'] as const;
export const callbackOutcomes = ['reached', 'declined', 'unreachable'] as const;

/** A member callback ended: the member was reached, declined, or could not be reached in its attempts (business rules §5). */
export const CallbackCompletedDetail = z.looseObject(
  {
    callbackId: fields.id('callbackId'),
    memberId: fields.id('memberId'),
    reason: oneOf('reason', callbackReasons),
    outcome: oneOf('outcome', callbackOutcomes),
    attempts: fields.quantity('attempts'),
    satisfaction: z.number({ error: 'satisfaction must be a number from 1 to 5' }).int().min(1).max(5).optional(),
    completedAt: fields.isoTime('completedAt'),
  },
  { error: 'detail must be an object' },
);
export type CallbackCompletedDetail = z.infer<typeof CallbackCompletedDetail>;

export const CallbackCompleted = defineEvent(sources.workflows, 'CallbackCompleted', CallbackCompletedDetail);
