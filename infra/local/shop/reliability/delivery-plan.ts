import { DUPLICATE_DELIVERIES } from './policy';

/**
 * How many times each event of the duplicate check goes out. Every key (an order) has its
 * OrderPlaced; the first keys, in order, also have an OrderDelivered and a RefundRequested; each
 * event goes out between `DUPLICATE_DELIVERIES.min` and `.max` times, and the deliveries add up
 * to `total` exactly (the 10,000 events over 2,000 keys).
 */
export interface DeliveryPlan {
  /** Deliveries of each key's OrderPlaced (one entry per key). */
  placed: number[];
  /** Deliveries of OrderDelivered and of RefundRequested for keys 0, 1, …, `refunds.length - 1`. */
  delivered: number[];
  refunds: number[];
}

/**
 * `refundableKeys`: how many of the first keys may ask for a refund (the check keeps every refund
 * within the auto-approval rules). Throws when no plan can reach `total`.
 */
export function deliveryPlan(keys: number, total: number, refundableKeys: number, random: () => number): DeliveryPlan {
  const { min, max } = DUPLICATE_DELIVERIES;
  const most = keys * max + Math.min(keys, refundableKeys) * 2 * max;
  if (!(keys >= 1 && total >= keys * min && total <= most)) {
    throw new RangeError(`${total} deliveries cannot be made over ${keys} keys (${refundableKeys} refundable) at ${min}–${max} each`);
  }
  const draw = () => min + Math.floor(random() * (max - min + 1));
  const placed = Array.from({ length: keys }, draw);
  const delivered: number[] = [];
  const refunds: number[] = [];
  let remaining = total - placed.reduce((a, b) => a + b, 0);
  // Too many already: fewer deliveries of some OrderPlaced, never under the minimum.
  for (let i = 0; remaining < 0; i = (i + 1) % keys) {
    if (placed[i] > min) [placed[i], remaining] = [placed[i] - 1, remaining + 1];
  }
  while (remaining >= 2 * min && delivered.length < Math.min(keys, refundableKeys)) {
    const d = Math.min(draw(), remaining - min);
    const r = Math.min(draw(), remaining - d);
    delivered.push(d);
    refunds.push(r);
    remaining -= d + r;
  }
  // What is left (less than a pair, or no refundable key left) tops up counts under the maximum.
  for (const counts of [placed, delivered, refunds]) {
    for (let i = 0; i < counts.length && remaining > 0; i++) {
      const add = Math.min(max - counts[i], remaining);
      counts[i] += add;
      remaining -= add;
    }
  }
  if (remaining > 0) throw new RangeError(`${total} deliveries cannot be made over ${keys} keys: ${remaining} left over`);
  return { placed, delivered, refunds };
}
