import * as z from 'zod';
import { defineEvent, fields } from './define';
import { oneOf } from './schema-kit';
import { sources } from './sources';

export const tiers = ['regular', 'silver', 'gold', 'diamond'] as const;

/** A member's tier changed with their 12-month spend or orders. */
export const MemberTierChangedDetail = z.looseObject(
  {
    memberId: fields.id('memberId'),
    from: oneOf('from', tiers),
    to: oneOf('to', tiers),
    changedAt: fields.isoTime('changedAt'),
  },
  { error: 'detail must be an object' },
);
export type MemberTierChangedDetail = z.infer<typeof MemberTierChangedDetail>;

export const MemberTierChanged = defineEvent(sources.workflows, 'MemberTierChanged', MemberTierChangedDetail);
