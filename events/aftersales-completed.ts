import * as z from 'zod';
import { defineEvent, fields } from './define';
import { oneOf } from './schema-kit';
import { sources } from './sources';

/** An after-sales case closed; member callbacks follow a week later (business rules §5). */
export const AftersalesCompletedDetail = z.looseObject(
  {
    caseId: fields.id('caseId'),
    kind: oneOf('kind', ['refund', 'complaint'] as const),
    orderId: fields.id('orderId'),
    memberId: fields.id('memberId'),
    outcome: z.string({ error: 'outcome is required' }).min(1, 'outcome must not be empty'),
    completedAt: fields.isoTime('completedAt'),
  },
  { error: 'detail must be an object' },
);
export type AftersalesCompletedDetail = z.infer<typeof AftersalesCompletedDetail>;

export const AftersalesCompleted = defineEvent(sources.workflows, 'AftersalesCompleted', AftersalesCompletedDetail);
