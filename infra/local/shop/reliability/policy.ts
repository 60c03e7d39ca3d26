/**
 * The sizes of `npm run reliability` (ours). `full` is what the README quotes and what the issue
 * asks for where this 2-core machine runs it in a few minutes; `small` runs inside `npm test`.
 * `--size N` scales the full size's counts by N (0 < N ≤ 1).
 */
export interface ReliabilitySize {
  name: string;
  /** Business keys (orders) of the duplicate-delivery check; each OrderPlaced goes out 1–5 times. */
  duplicateKeys: number;
  /** Malformed events of the quarantine check. */
  malformedEvents: number;
  /** Quarantined events corrected and replayed. */
  replaySample: number;
  /** Orders, refunds and restocks of the faults day. */
  faultOrders: number;
  faultRefunds: number;
  /** Human tasks left unanswered to escalate and default. */
  unansweredTasks: number;
  /** Concurrent completions of one task (issue: 100). */
  concurrentCompletions: number;
}

/**
 * The issue asks for 10,000 events over 2,000 keys and 5,000 malformed events. On this 2-core
 * machine the in-process platform settles about 9 order flows a second when idle (each runs its Lambdas,
 * DynamoDB transactions, the member record and the notification outbox); 6,000 deliveries at once
 * overload it past the functions' 10 s timeout. The full size keeps the run to a few minutes.
 */
export const FULL_SIZE: ReliabilitySize = {
  name: 'full',
  duplicateKeys: 400,
  malformedEvents: 2_000,
  replaySample: 20,
  faultOrders: 120,
  faultRefunds: 40,
  unansweredTasks: 8,
  concurrentCompletions: 100,
};

export const SMALL_SIZE: ReliabilitySize = {
  name: 'small',
  duplicateKeys: 60,
  malformedEvents: 120,
  replaySample: 5,
  faultOrders: 30,
  faultRefunds: 10,
  unansweredTasks: 3,
  concurrentCompletions: 100,
};

export function sizeFor(option: string | undefined): ReliabilitySize {
  if (option === undefined || option === 'full') return FULL_SIZE;
  if (option === 'small') return SMALL_SIZE;
  const factor = Number(option);
  if (!(factor > 0 && factor <= 1)) throw new Error(`--size must be full, small or a factor in (0, 1], not ${option}`);
  const scale = (n: number, min: number) => Math.max(min, Math.round(n * factor));
  return {
    name: `${factor} × full`,
    duplicateKeys: scale(FULL_SIZE.duplicateKeys, 10),
    malformedEvents: scale(FULL_SIZE.malformedEvents, 20),
    replaySample: scale(FULL_SIZE.replaySample, 2),
    faultOrders: scale(FULL_SIZE.faultOrders, 10),
    faultRefunds: scale(FULL_SIZE.faultRefunds, 4),
    unansweredTasks: scale(FULL_SIZE.unansweredTasks, 2),
    concurrentCompletions: FULL_SIZE.concurrentCompletions,
  };
}

/** Faults of the faults day (issue: 20 % Lambda faults, 10 % DynamoDB throttling). */
export const FAULT_DAY = { lambdaErrorRate: 0.15, lambdaTimeoutRate: 0.05, dynamodbThrottleRate: 0.1, seed: 42 };

/** Idle time before a kept-alive connection is reused (issue: longer than 5 s, Node's default keep-alive). */
export const IDLE_REUSE_MS = 6_000;
