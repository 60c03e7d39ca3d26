import { ulid } from 'ulid';
import { ConflictError, TransientError } from '../errors';
import type { PaymentProvider, RefundRequest } from './provider';

export interface LocalRefund extends RefundRequest {
  providerRefundId: string;
  /** Every call that reached the provider for this key, including deduplicated repeats. */
  calls: number;
}

/**
 * The payment API of the local platform (`PAYMENT_PROVIDER=local`), in memory. Like the real ones
 * it deduplicates on the idempotency key and refuses a key reused with other parameters. Tests can
 * make the next calls fail, before the refund (provider down) or after it (the response is lost:
 * money moved, caller saw an error).
 */
export class LocalPaymentProvider implements PaymentProvider {
  readonly ledger = new Map<string, LocalRefund>();
  calls = 0;
  private failures: { afterApplying: boolean }[] = [];

  constructor(private readonly options: { delayMs?: number } = {}) {}

  failNext(count: number, { afterApplying = false }: { afterApplying?: boolean } = {}): void {
    for (let i = 0; i < count; i++) this.failures.push({ afterApplying });
  }

  async refund(input: RefundRequest): Promise<{ providerRefundId: string }> {
    this.calls++;
    const failure = this.failures.shift();
    if (failure && !failure.afterApplying) throw new TransientError('payment provider unavailable');
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    const existing = this.ledger.get(input.idempotencyKey);
    if (existing && (existing.orderId !== input.orderId || existing.amountFen !== input.amountFen)) {
      throw new ConflictError(`idempotency key ${input.idempotencyKey} was used with other parameters`);
    }
    const refund = existing ?? { ...input, providerRefundId: `LR-${ulid()}`, calls: 0 };
    refund.calls++;
    this.ledger.set(input.idempotencyKey, refund);
    if (failure) throw new TransientError('payment provider timed out');
    return { providerRefundId: refund.providerRefundId };
  }

  /** Refunds actually made (one per idempotency key), optionally for one order. */
  refunds(orderId?: string): LocalRefund[] {
    return [...this.ledger.values()].filter((refund) => orderId === undefined || refund.orderId === orderId);
  }
}
