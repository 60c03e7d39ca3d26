import type { CallbackRecord } from '../records/callbacks';

/**
 * Weekly callback coverage (business rules §5): callbacks completed ÷ callbacks due must reach 80 %.
 * A callback counts in the ISO week (Asia/Shanghai) its first attempt is due; it is completed when
 * the member was reached or declined, and counts against coverage when it ended unreachable or is
 * still open.
 */
export const CALLBACK_COVERAGE_TARGET = 0.8; // §5: "coverage target … ≥ 80%".

export interface CoverageFigures {
  due: number;
  completed: number;
  unreachable: number;
  open: number;
  /** completed ÷ due, rounded to 3 places; 1 when nothing was due. */
  coverage: number;
}

export interface CallbackCoverage extends CoverageFigures {
  week: string;
  target: number;
  met: boolean;
  byReason: Array<CoverageFigures & { reason: CallbackRecord['reason'] }>;
}

function figures(callbacks: Pick<CallbackRecord, 'status'>[]): CoverageFigures {
  const count = (...statuses: CallbackRecord['status'][]) => callbacks.filter((c) => statuses.includes(c.status)).length;
  const due = callbacks.length;
  const completed = count('reached', 'declined');
  return { due, completed, unreachable: count('unreachable'), open: count('open'), coverage: due === 0 ? 1 : Math.round((completed / due) * 1000) / 1000 };
}

export function callbackCoverage(week: string, callbacks: Pick<CallbackRecord, 'status' | 'reason'>[], target = CALLBACK_COVERAGE_TARGET): CallbackCoverage {
  const all = figures(callbacks);
  const reasons = (['purchase', 'aftersales', 'complaint'] as const).filter((reason) => callbacks.some((c) => c.reason === reason));
  return {
    week,
    ...all,
    target,
    met: all.coverage >= target,
    byReason: reasons.map((reason) => ({ reason, ...figures(callbacks.filter((c) => c.reason === reason)) })),
  };
}
