import { ulid } from 'ulid';
import { SECOND, addMs, nowIso } from '../clock';
import { names, type DynamoTable } from '../dynamo';
import { ConflictError, ShopError, TransientError } from '../errors';
import { logger } from '../logger';
import type { Fen } from '../money';
import type { PaymentProvider } from '../payments/provider';
import { recordsTable } from './table';

/**
 * The refund ledger in the Records table: "a refund is paid exactly once, whatever retries or
 * duplicate events happen" (business rules §4). Two locks make that hold: the ledger item (one
 * conditional claim per key, so concurrent callers do not even reach the provider twice) and the
 * provider's own idempotency key (the same key), so a crash between the provider call and the
 * ledger write is repaired by simply retrying.
 *
 * Items (pk / sk):
 * - `PAYMENT#<key>` / `refund`: the payment of one refund decision (`key`, e.g. the refund id):
 *   pending while a caller holds the claim (`attemptId`, `leaseUntil`), then paid. No index.
 */

export type RefundStatus = 'pending' | 'paid';

export interface RefundRecord {
  pk: string;
  sk: 'refund';
  key: string;
  orderId: string;
  amountFen: Fen;
  reason: string;
  status: RefundStatus;
  /** Provider calls started. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** Held while a caller is between claiming and recording. */
  attemptId?: string;
  leaseUntil?: string;
  lastError?: string;
  providerRefundId?: string;
  paidFen?: Fen;
  paidAt?: string;
}

export interface PayOnceInput {
  /** One per refund decision (e.g. the refund id, or `<refundId>-<lineId>`), never per attempt. */
  key: string;
  orderId: string;
  amountFen: Fen;
  reason: string;
  provider: PaymentProvider;
  now?: string;
}

export interface PayOnceResult {
  /** `paid` for the one call that recorded the payment, `already-paid` for everyone else. */
  status: 'paid' | 'already-paid';
  providerRefundId: string;
  paidFen: Fen;
}

export interface RefundLedgerOptions {
  /** How long a claim keeps others out; longer than a provider call can take. */
  leaseMs?: number;
  /** How long a caller waits for an in-flight payment of the same key before a TransientError. */
  waitMs?: number;
  pollMs?: number;
}

export const refundPaymentKey = (key: string) => ({ pk: `PAYMENT#${key}`, sk: 'refund' as const });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Lost claims before giving up; each one means another caller made progress. */
const MAX_LOST_RACES = 10;

export class RefundLedger {
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly table: DynamoTable = recordsTable(),
    options: RefundLedgerOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30 * SECOND;
    this.waitMs = options.waitMs ?? 2 * SECOND;
    this.pollMs = options.pollMs ?? 50;
  }

  async get(key: string): Promise<RefundRecord | undefined> {
    return this.table.get<RefundRecord>(refundPaymentKey(key));
  }

  /**
   * Pays the refund `key` once. Safe to call any number of times, concurrently or after a crash:
   * it returns the recorded payment, or claims the key and pays. While another caller holds the
   * claim it waits up to `waitMs`, then throws TransientError (retry later; the state machine does).
   * A provider failure is a TransientError too, and the next call tries again with the same key.
   */
  async payOnce(input: PayOnceInput): Promise<PayOnceResult> {
    validate(input);
    const now = input.now ?? nowIso();
    const waitUntil = Date.now() + this.waitMs;
    let lostRaces = 0;
    for (;;) {
      const record = await this.get(input.key);
      if (record) sameRequest(record, input);
      if (record?.status === 'paid') return paidResult(record, 'already-paid');

      if (record && !leaseFree(record, now)) {
        // Someone else is paying right now: wait for their result rather than race them.
        if (Date.now() >= waitUntil) throw new TransientError(`refund ${input.key} is being paid; retry later`);
        await sleep(this.pollMs);
        continue;
      }
      const claimed = record ? await this.takeOver(record, now) : await this.create(input, now);
      if (claimed) return this.pay(claimed, input.provider, now);
      if (++lostRaces >= MAX_LOST_RACES) throw new TransientError(`refund ${input.key} changed concurrently; retry later`);
    }
  }

  private async create(input: PayOnceInput, now: string): Promise<RefundRecord | undefined> {
    const record: RefundRecord = {
      ...refundPaymentKey(input.key),
      key: input.key,
      orderId: input.orderId,
      amountFen: input.amountFen,
      reason: input.reason,
      status: 'pending',
      attempts: 1,
      createdAt: now,
      updatedAt: now,
      attemptId: ulid(),
      leaseUntil: addMs(now, this.leaseMs),
    };
    return (await this.table.putOnce({ ...record })) ? record : undefined;
  }

  /** Claims a pending record nobody holds (released after a failure, or its holder's lease ran out). */
  private async takeOver(record: RefundRecord, now: string): Promise<RefundRecord | undefined> {
    return this.table.update<RefundRecord>(refundPaymentKey(record.key), {
      UpdateExpression: 'SET attemptId = :attempt, leaseUntil = :lease, attempts = attempts + :one, updatedAt = :now',
      ConditionExpression: '#status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: { ':attempt': ulid(), ':lease': addMs(now, this.leaseMs), ':one': 1, ':now': now, ':pending': 'pending' },
    });
  }

  private async pay(claim: RefundRecord, provider: PaymentProvider, now: string): Promise<PayOnceResult> {
    let providerRefundId: string;
    try {
      ({ providerRefundId } = await provider.refund({
        idempotencyKey: claim.key,
        orderId: claim.orderId,
        amountFen: claim.amountFen,
        reason: claim.reason,
      }));
    } catch (error) {
      // Let the next call in at once; if the refund did go through, its retry gets the same id back.
      await this.release(claim, error, now).catch(() => undefined);
      if (error instanceof ShopError && !(error instanceof TransientError)) throw error;
      throw new TransientError(`payment provider failed for refund ${claim.key}`, { cause: error });
    }
    return this.record(claim, providerRefundId, now);
  }

  /**
   * pending → paid. Not tied to the claim: the provider returns the same id to every holder of the
   * key, so whoever records first records the truth; later holders read it back.
   */
  private async record(claim: RefundRecord, providerRefundId: string, now: string): Promise<PayOnceResult> {
    const paid = await this.table.update<RefundRecord>(refundPaymentKey(claim.key), {
      UpdateExpression:
        'SET #status = :paid, providerRefundId = :refundId, paidFen = amountFen, paidAt = :now, updatedAt = :now ' +
        'REMOVE attemptId, leaseUntil, lastError',
      ConditionExpression: '#status = :pending AND amountFen = :amount',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':paid': 'paid',
        ':pending': 'pending',
        ':refundId': providerRefundId,
        ':now': now,
        ':amount': claim.amountFen,
      },
    });
    if (paid) {
      logger.info('refund paid', { key: claim.key, orderId: claim.orderId, amountFen: claim.amountFen, providerRefundId });
      return paidResult(paid, 'paid');
    }
    const recorded = await this.get(claim.key);
    if (recorded?.status !== 'paid') throw new TransientError(`refund ${claim.key} could not be recorded; retry later`);
    if (recorded.providerRefundId !== providerRefundId) {
      // Only a provider ignoring idempotency keys gets here: money may have moved twice.
      logger.error('refund paid twice by the provider', {
        key: claim.key,
        orderId: claim.orderId,
        providerRefundId,
        recorded: recorded.providerRefundId,
      });
      throw new ShopError(`refund ${claim.key}: provider returned ${providerRefundId} but ${recorded.providerRefundId} is recorded`);
    }
    return paidResult(recorded, 'already-paid');
  }

  /** Lets the next caller in after a failed provider call; a no-op once someone else holds the claim. */
  private async release(claim: RefundRecord, error: unknown, now: string): Promise<void> {
    await this.table.update(refundPaymentKey(claim.key), {
      UpdateExpression: 'SET lastError = :error, updatedAt = :now REMOVE attemptId, leaseUntil',
      ConditionExpression: '#status = :pending AND attemptId = :attempt',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':error': `${(error as Error)?.name ?? 'Error'}: ${String((error as Error)?.message ?? error).slice(0, 200)}`,
        ':now': now,
        ':pending': 'pending',
        ':attempt': claim.attemptId,
      },
    });
  }
}

function validate({ key, orderId, amountFen }: PayOnceInput): void {
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
    throw new RangeError(`amountFen must be a positive integer number of fen, got ${amountFen}`);
  }
  if (!key || key.length > 128) throw new RangeError('key must be 1 to 128 characters');
  if (!orderId) throw new RangeError('orderId must not be empty');
}

/** A key names one refund decision: the same key with another amount or order is a bug upstream. */
function sameRequest(record: RefundRecord, input: PayOnceInput): void {
  if (record.amountFen !== input.amountFen || record.orderId !== input.orderId) {
    throw new ConflictError(
      `refund ${input.key} is for ${record.amountFen} fen on order ${record.orderId}, not ${input.amountFen} fen on order ${input.orderId}`,
    );
  }
}

function leaseFree(record: RefundRecord, now: string): boolean {
  return record.status === 'pending' && (record.leaseUntil === undefined || record.leaseUntil <= now);
}

function paidResult(record: RefundRecord, status: PayOnceResult['status']): PayOnceResult {
  return { status, providerRefundId: record.providerRefundId!, paidFen: record.paidFen! };
}
