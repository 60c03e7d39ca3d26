import { describe, expect, it } from 'vitest';
import { rejectionReasons, reviewsOf } from './reviews';

const AT = '2026-11-21T02:00:00.000Z';
const approve = { outcome: 'approve', decidedBy: 'rita', decidedAt: '2026-11-20T10:00:00.000Z' };

describe('reviewsOf', () => {
  it.each([
    ['no review yet', {}, []],
    ['compliance only', { compliance: approve }, [{ kind: 'listing-compliance-review', outcome: 'approve', decidedBy: 'rita', decidedAt: approve.decidedAt }]],
    [
      'both, in order, a default decision dated now',
      { inventory: { outcome: 'reject', reason: 'no decision', decidedBy: 'system' }, compliance: approve },
      [
        { kind: 'listing-compliance-review', outcome: 'approve', decidedBy: 'rita', decidedAt: approve.decidedAt },
        { kind: 'listing-inventory-review', outcome: 'reject', reason: 'no decision', decidedBy: 'system', decidedAt: AT },
      ],
    ],
  ])('%s', (_, state, expected) => {
    expect(reviewsOf(state, AT)).toEqual(expected);
  });
});

describe('rejectionReasons', () => {
  const failed = { passed: false, needsInventoryReview: false, reasons: [{ code: 'TITLE_LENGTH', field: 'title', message: 'too short' }] };

  it.each([
    ['failed checks give their own reasons', { check: failed }, failed.reasons],
    [
      'a reviewer rejection gives its reason',
      { check: { ...failed, passed: true, reasons: [] }, compliance: { outcome: 'reject', reason: 'brand logo on the box is not the authorised one', decidedBy: 'rita' } },
      [{ code: 'REVIEW_REJECTED', field: 'listing', message: 'rejected by compliance review: brand logo on the box is not the authorised one' }],
    ],
    [
      'the inventory review after an approved compliance review',
      { compliance: approve, inventory: { outcome: 'reject', reason: 'stock of 5,000 is not credible', decidedBy: 'mo' } },
      [{ code: 'REVIEW_REJECTED', field: 'listing', message: 'rejected by inventory review: stock of 5,000 is not credible' }],
    ],
    [
      'nobody decided in time',
      { compliance: { outcome: 'reject', reason: 'not reviewed within 48 hours', decidedBy: 'system' } },
      [{ code: 'REVIEW_REJECTED', field: 'listing', message: 'nobody reviewed it in time: not reviewed within 48 hours' }],
    ],
  ])('%s', (_, state, expected) => {
    expect(rejectionReasons(state, AT)).toEqual(expected);
  });

  it('refuses a revision nothing rejected', () => {
    expect(() => rejectionReasons({ compliance: approve }, AT)).toThrow(/neither failed/);
  });
});
