import type { Fen } from '../money';

/**
 * The port every payment provider adapter implements. "A refund is paid exactly once" (business
 * rules §4) rests on two locks: the refund ledger (`shared/records/refund-payments.ts`) and the
 * provider's own idempotency key, the same key, so a crash between the provider call and the
 * ledger write is repaired by simply retrying.
 */

export interface RefundRequest {
  /** The ledger key. Real providers cap it (WeChat Pay out_refund_no, Alipay out_request_no: 64). */
  idempotencyKey: string;
  orderId: string;
  amountFen: Fen;
  reason: string;
}

export interface PaymentProvider {
  /** Must honour `idempotencyKey`: a repeat returns the first call's refund, never a second one. */
  refund(input: RefundRequest): Promise<{ providerRefundId: string }>;
}
