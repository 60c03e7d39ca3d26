import { afterEach, describe, expect, it } from 'vitest';
import { installEnvSource } from '../env';
import { paymentProvider } from './configured-provider';

afterEach(() => installEnvSource(undefined));

describe('the payment provider', () => {
  it('refuses to pay where no provider is configured, naming what is missing', () => {
    installEnvSource(() => ({ RECORDS_TABLE: 'records', PAYMENT_PROVIDER: 'none' }));
    expect(() => paymentProvider()).toThrow(/No payment provider is configured/);
  });

  it('pays to the local provider on the local platform, once per idempotency key', async () => {
    installEnvSource(() => ({ RECORDS_TABLE: 'records', PAYMENT_PROVIDER: 'local' }));
    const provider = paymentProvider();
    const first = await provider.refund({ idempotencyKey: 'K-1', orderId: 'O-1', amountFen: 100, reason: 'test' });
    const again = await provider.refund({ idempotencyKey: 'K-1', orderId: 'O-1', amountFen: 100, reason: 'test' });
    expect(again.providerRefundId).toBe(first.providerRefundId);
  });
});
