import { describe, expect, it } from 'vitest';
import type { CallbackRecord } from '../records/callbacks';
import { callbackCoverage } from './callback-coverage';

const callbacks = (spec: string) =>
  spec.split(' ').map((pair) => {
    const [reason, status] = pair.split(':') as [CallbackRecord['reason'], CallbackRecord['status']];
    return { reason, status };
  });

describe('weekly callback coverage', () => {
  it.each([
    ['4 of 5 completed: exactly the target, met', 'purchase:reached purchase:declined aftersales:reached complaint:reached purchase:unreachable', 0.8, true],
    ['3 of 5 completed, one still open: not met', 'purchase:reached purchase:open aftersales:reached complaint:declined purchase:unreachable', 0.6, false],
    ['declined counts as completed', 'purchase:declined aftersales:declined', 1, true],
  ])('%s', (_, spec, coverage, met) => {
    expect(callbackCoverage('2026-W48', callbacks(spec))).toMatchObject({ coverage, met, target: 0.8 });
  });

  it('counts due, completed, unreachable and open, also per reason', () => {
    const report = callbackCoverage('2026-W48', callbacks('purchase:reached purchase:unreachable aftersales:open'));
    expect(report).toMatchObject({ week: '2026-W48', due: 3, completed: 1, unreachable: 1, open: 1, coverage: 0.333 });
    expect(report.byReason).toEqual([
      { reason: 'purchase', due: 2, completed: 1, unreachable: 1, open: 0, coverage: 0.5 },
      { reason: 'aftersales', due: 1, completed: 0, unreachable: 0, open: 1, coverage: 0 },
    ]);
  });

  it('a week with nothing due is covered', () => {
    expect(callbackCoverage('2026-W01', [])).toMatchObject({ due: 0, coverage: 1, met: true, byReason: [] });
  });
});
