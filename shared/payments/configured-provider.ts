import * as z from 'zod';
import { ConfigurationError, defineEnv } from '../env';
import { LocalPaymentProvider } from './local-provider';
import type { PaymentProvider } from './provider';

const env = defineEnv(z.object({ PAYMENT_PROVIDER: z.enum(['none', 'local']).default('none') }));

/**
 * The payment provider of the running function (`PAYMENT_PROVIDER`, see `paying` in the flow
 * constructs). `local` (the local platform) honours idempotency keys as real payment APIs do. No
 * real provider's adapter exists yet, so a deployment fails the payment step loudly (`none`)
 * instead of pretending to pay: the case waits, nothing is lost, and a redrive pays once.
 */
let provider: PaymentProvider | undefined;
export function paymentProvider(): PaymentProvider {
  if (env().PAYMENT_PROVIDER !== 'local') {
    throw new ConfigurationError('No payment provider is configured (PAYMENT_PROVIDER=none): add the provider adapter before paying refunds');
  }
  return (provider ??= new LocalPaymentProvider());
}
