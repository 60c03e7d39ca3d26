import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { rejection, startTestTables } from '../../tests/tables';
import { SECOND, addMs, nowIso } from '../clock';
import { DynamoTable } from '../dynamo';
import { ConflictError, TransientError } from '../errors';
import { LocalPaymentProvider } from '../payments/local-provider';
import { RefundLedger, refundPaymentKey, type PayOnceInput, type PayOnceResult, type RefundLedgerOptions } from './refund-payments';

let tables: Awaited<ReturnType<typeof startTestTables>>;
let docs: DynamoDBDocumentClient;
let recordsTable: string;
let ledger: RefundLedger;

/** The ledger on the test's Records table, through `client` (the plain one unless a test crashes it). */
const ledgerThrough = (client: DynamoDBDocumentClient, options: RefundLedgerOptions) =>
  new RefundLedger(new DynamoTable(recordsTable, 'pk', client), options);

const LEASE_MS = 30 * SECOND;

beforeAll(async () => {
  tables = await startTestTables();
  docs = tables.docs;
  recordsTable = tables.table('RecordsTable');
  ledger = ledgerThrough(docs, { leaseMs: LEASE_MS });
});

afterAll(async () => {
  await tables?.stop();
});

// The ledger logs each payment; keep test output readable.
afterEach(() => vi.restoreAllMocks());
const quiet = () => vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

/**
 * A client that "crashes" the process right before the ledger records a payment: the provider
 * has refunded, the ledger still says pending with a live lease.
 */
function crashingClient(): { client: DynamoDBDocumentClient; crashNext: (count: number) => void } {
  let crashes = 0;
  const client = {
    send: (command: unknown) => {
      const recording = command instanceof UpdateCommand && command.input.ExpressionAttributeValues?.[':paid'] === 'paid';
      if (recording && crashes > 0) {
        crashes--;
        return Promise.reject(Object.assign(new Error('simulated crash'), { name: 'SimulatedCrash' }));
      }
      return docs.send(command as UpdateCommand);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, crashNext: (count) => void (crashes = count) };
}

function request(provider: LocalPaymentProvider, overrides: Partial<PayOnceInput> = {}): PayOnceInput {
  return { key: `R-${ulid()}`, orderId: `O-${ulid()}`, amountFen: 12_900, reason: 'no-reason return', provider, ...overrides };
}

/** What a state machine does with a TransientError: wait a little and call again. */
async function retrying(call: () => Promise<PayOnceResult>, attempts = 100): Promise<{ result: PayOnceResult; transient: number }> {
  for (let transient = 0; transient < attempts; transient++) {
    try {
      return { result: await call(), transient };
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
  }
  throw new Error('still transient');
}


describe('payOnce', () => {
  it.each([
    ['waiting for the first caller', 2 * SECOND],
    ['getting TransientError and retrying', 0],
  ])('20 concurrent calls with one key pay once (%s)', async (_, waitMs) => {
    quiet();
    const concurrent = ledgerThrough(docs, { waitMs });
    const provider = new LocalPaymentProvider({ delayMs: 100 });
    const input = request(provider);

    const outcomes = await Promise.all(Array.from({ length: 20 }, () => retrying(() => concurrent.payOnce(input))));

    expect(provider.calls).toBe(1);
    const [refund] = provider.refunds();
    expect(provider.refunds()).toEqual([
      {
        idempotencyKey: input.key,
        orderId: input.orderId,
        amountFen: input.amountFen,
        reason: input.reason,
        providerRefundId: expect.stringMatching(/^LR-/),
        calls: 1,
      },
    ]);
    expect(new Set(outcomes.map((o) => o.result.providerRefundId))).toEqual(new Set([refund.providerRefundId]));
    expect(outcomes.filter((o) => o.result.status === 'paid')).toHaveLength(1);
    expect(outcomes.every((o) => o.result.paidFen === input.amountFen)).toBe(true);
    if (waitMs === 0) expect(outcomes.some((o) => o.transient > 0)).toBe(true);

    expect(await ledger.get(input.key)).toMatchObject({
      ...refundPaymentKey(input.key),
      status: 'paid',
      orderId: input.orderId,
      amountFen: input.amountFen,
      paidFen: input.amountFen,
      providerRefundId: refund.providerRefundId,
      attempts: 1,
    });
    // Later duplicates never reach the provider.
    expect(await ledger.payOnce(input)).toEqual({ status: 'already-paid', providerRefundId: refund.providerRefundId, paidFen: input.amountFen });
    expect(provider.calls).toBe(1);
  });

  it('retries a provider failure and pays once', async () => {
    quiet();
    const provider = new LocalPaymentProvider();
    const input = request(provider);
    provider.failNext(1);

    const error = await rejection(ledger.payOnce(input));
    expect(error).toBeInstanceOf(TransientError);
    expect(provider.refunds()).toEqual([]);
    const failed = await ledger.get(input.key);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: 'TransientError: payment provider unavailable' });
    expect(failed).not.toHaveProperty('leaseUntil');

    // Released at once: the retry does not wait for the lease.
    const paid = await ledger.payOnce(input);
    expect(paid.status).toBe('paid');
    expect(provider.calls).toBe(2);
    expect(provider.refunds().map((r) => r.providerRefundId)).toEqual([paid.providerRefundId]);
    expect(await ledger.get(input.key)).toMatchObject({ status: 'paid', attempts: 2 });
    expect(await ledger.get(input.key)).not.toHaveProperty('lastError');
  });

  it('records the original refund when the provider response was lost', async () => {
    quiet();
    const provider = new LocalPaymentProvider();
    const input = request(provider);
    provider.failNext(1, { afterApplying: true });

    expect(await rejection(ledger.payOnce(input))).toBeInstanceOf(TransientError);
    const [refund] = provider.refunds();
    expect(refund.amountFen).toBe(input.amountFen);

    expect(await ledger.payOnce(input)).toEqual({ status: 'paid', providerRefundId: refund.providerRefundId, paidFen: input.amountFen });
    expect(provider.refunds()).toHaveLength(1);
    expect(refund.calls).toBe(2);
  });

  it('survives a crash between the provider call and the ledger write', async () => {
    quiet();
    const { client, crashNext } = crashingClient();
    const crashy = ledgerThrough(client, { leaseMs: LEASE_MS, waitMs: 50 });
    const provider = new LocalPaymentProvider();
    const now = nowIso();
    const input = request(provider, { now });
    crashNext(1);

    expect((await rejection(crashy.payOnce(input))).name).toBe('SimulatedCrash');
    expect(provider.refunds()).toHaveLength(1);
    expect(await ledger.get(input.key)).toMatchObject({ status: 'pending', leaseUntil: addMs(now, LEASE_MS) });

    // While the dead caller's lease lasts, a retry cannot tell it from a slow one.
    expect(await rejection(crashy.payOnce({ ...input, now: addMs(now, 10 * SECOND) }))).toBeInstanceOf(TransientError);
    expect(provider.calls).toBe(1);

    const later = await crashy.payOnce({ ...input, now: addMs(now, LEASE_MS) });
    expect(later).toEqual({ status: 'paid', providerRefundId: provider.refunds()[0].providerRefundId, paidFen: input.amountFen });
    expect(provider.refunds()).toHaveLength(1);
    expect(provider.calls).toBe(2);
  });

  it('refuses amounts that are not a positive integer of fen', async () => {
    const provider = new LocalPaymentProvider();
    for (const amountFen of [0, -100, 12.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(await rejection(ledger.payOnce(request(provider, { amountFen })))).toBeInstanceOf(RangeError);
    }
    expect(provider.calls).toBe(0);
  });

  it('refuses the same key with another amount or order', async () => {
    quiet();
    const provider = new LocalPaymentProvider();
    const input = request(provider);
    const paid = await ledger.payOnce(input);

    const otherAmount = await rejection(ledger.payOnce({ ...input, amountFen: input.amountFen + 1 }));
    expect(otherAmount).toBeInstanceOf(ConflictError);
    expect(otherAmount.message).toContain(`refund ${input.key} is for 12900 fen`);
    expect(await rejection(ledger.payOnce({ ...input, orderId: 'O-other' }))).toBeInstanceOf(ConflictError);
    expect(provider.calls).toBe(1);
    expect(await ledger.get(input.key)).toMatchObject({ status: 'paid', paidFen: input.amountFen, providerRefundId: paid.providerRefundId });
  });
});

describe('payOnce property', () => {
  const step = fc.record({
    key: fc.integer({ min: 0, max: 2 }),
    parallel: fc.integer({ min: 1, max: 4 }),
    providerFailures: fc.integer({ min: 0, max: 2 }),
    responseLost: fc.boolean(),
    crashBeforeRecording: fc.boolean(),
    leaseExpires: fc.boolean(),
  });

  it('pays every key at most once, for the requested amount, whatever duplicates, retries and failures', async () => {
    quiet();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 3, maxLength: 3 }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        async (amounts, steps) => {
          const run = ulid();
          const orderId = `O-${run}`;
          const keys = amounts.map((_, i) => `R-${run}-${i}`);
          const provider = new LocalPaymentProvider();
          const { client, crashNext } = crashingClient();
          const subject = ledgerThrough(client, { leaseMs: LEASE_MS, waitMs: 0 });
          let now = nowIso();
          const paidBy = new Map<string, string>();
          const callsWhenPaid = new Map<string, number>();

          const check = async (results: PromiseSettledResult<PayOnceResult>[], key: string, amountFen: number) => {
            for (const outcome of results) {
              if (outcome.status === 'rejected') {
                expect(['TransientError', 'SimulatedCrash']).toContain((outcome.reason as Error).name);
                continue;
              }
              const refund = provider.ledger.get(key)!;
              expect(outcome.value).toEqual({ status: outcome.value.status, providerRefundId: refund.providerRefundId, paidFen: amountFen });
              if (outcome.value.status === 'paid') {
                // Only one call ever records the payment of a key.
                expect(paidBy.has(key)).toBe(false);
                paidBy.set(key, refund.providerRefundId);
              }
            }
            const provided = provider.refunds().filter((r) => r.idempotencyKey === key);
            expect(provided.length).toBeLessThanOrEqual(1);
            for (const refund of provided) expect(refund.amountFen).toBe(amountFen);
          };

          for (const s of steps) {
            const key = keys[s.key];
            const amountFen = amounts[s.key];
            if (s.leaseExpires) now = addMs(now, LEASE_MS);
            provider.failNext(s.providerFailures, { afterApplying: s.responseLost });
            crashNext(s.crashBeforeRecording ? 1 : 0);
            const input = { key, orderId, amountFen, reason: 'stock-out', provider, now };
            const results = await Promise.allSettled(Array.from({ length: s.parallel }, () => subject.payOnce(input)));
            await check(results, key, amountFen);
            // Once the ledger says paid, nobody reaches the provider for that key again.
            const record = await subject.get(key);
            if (record?.status === 'paid') {
              const calls = provider.ledger.get(key)!.calls;
              expect(callsWhenPaid.get(key) ?? calls).toBe(calls);
              callsWhenPaid.set(key, calls);
            }
          }

          // Settle: retries past any lease, as the flow's retry policy would, until every key is paid.
          crashNext(0);
          for (const [i, key] of keys.entries()) {
            let result: PayOnceResult | undefined;
            for (let attempt = 0; !result && attempt < 20; attempt++) {
              now = addMs(now, LEASE_MS);
              const input = { key, orderId, amountFen: amounts[i], reason: 'stock-out', provider, now };
              const [outcome] = await Promise.allSettled([subject.payOnce(input)]);
              await check([outcome], key, amounts[i]);
              if (outcome.status === 'fulfilled') result = outcome.value;
            }
            expect(result).toBeDefined();
            const record = await subject.get(key);
            expect(record).toMatchObject({
              status: 'paid',
              amountFen: amounts[i],
              paidFen: amounts[i],
              providerRefundId: provider.ledger.get(key)!.providerRefundId,
            });
          }
          expect(provider.refunds(orderId)).toHaveLength(keys.length);
          expect(provider.refunds(orderId).reduce((sum, r) => sum + r.amountFen, 0)).toBe(amounts.reduce((a, b) => a + b, 0));
          expect([...paidBy.keys()].sort()).toEqual([...keys].sort());
        },
      ),
      { numRuns: 25 },
    );
  });
});
