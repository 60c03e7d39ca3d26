import { InventoryRepository } from '../../shared/inventory/repository';
import { LocalPaymentProvider, RefundLedger, type PaymentProvider } from '../../shared/payments/refunds';
import { recordsTable } from '../order-routing/records';

export const inventory = () => new InventoryRepository({ table: recordsTable() });
export const refunds = () => new RefundLedger({ table: recordsTable() });

/**
 * The payment provider. Locally (and until a real provider's adapter is configured) the local
 * provider: it honours idempotency keys as real payment APIs do; the ledger of record is ours.
 */
let provider: PaymentProvider | undefined;
export const paymentProvider = (): PaymentProvider => (provider ??= new LocalPaymentProvider());
