import { ulid } from 'ulid';
import { addMs, nowIso } from '../clock';
import { names, type DynamoTable, type Item, type UpdateExpression } from '../dynamo';
import { scrub, validateNotification, type Notification, type NotificationData } from '../notifications/model';
import { GSI1, recordsTable } from './table';

/**
 * The notification outbox in the Records table. A flow enqueues a notification in the same step
 * that decides it; a deliverer (`shared/notifications/delivery.ts`) sends it later. Items hold no
 * personal data: the recipient is a member id (see `shared/notifications/model.ts`).
 *
 * Items (pk / sk):
 * - `OUTBOX#<key>` / `<type>` or `<type>#<dedupeKey>`: one notification about business key `key`.
 *
 * Index:
 * - gsi1 `OUTBOX#pending` / `<when next due>`: present only while the item is pending or sending,
 *   sorted by the time it is next due (created, retry time, or lease expiry), so one query finds
 *   everything to do. A sender that is retried when it dies may keep its first send out of it
 *   (`enqueueClaimed` with `indexed: false`, `indexUnsettled`).
 *
 * Every transition is one conditional write: pending → sending (claim, with a lease) → sent |
 * pending (retry later) | failed.
 */

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxItem extends Notification {
  pk: string;
  sk: string;
  data: NotificationData;
  status: OutboxStatus;
  /** Send attempts started (counted at claim time, so a crash mid-send counts too). */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** Present while the item waits: `gsi1sk` is when it is next due (see `pending`). */
  gsi1pk?: string;
  gsi1sk?: string;
  claimId?: string;
  leaseUntil?: string;
  providerMessageId?: string;
  sentAt?: string;
  failedAt?: string;
  lastError?: string;
}

const PENDING_PARTITION = 'OUTBOX#pending';

/** The partition holding every notification about one business key. */
export const outboxPartition = (key: string) => `OUTBOX#${key}`;

export const outboxKey = (key: string, type: string, dedupeKey?: string) => ({
  pk: outboxPartition(key),
  sk: dedupeKey ? `${type}#${dedupeKey}` : type,
});

/** Where an item waits in gsi1 until it is settled. */
export const outboxPendingKey = (dueAt: string) => ({ gsi1pk: PENDING_PARTITION, gsi1sk: dueAt });

export class NotificationOutbox {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  /** Idempotent per (key, type, dedupeKey): the first enqueue wins, later ones change nothing. */
  async enqueue(input: Notification, now: string = nowIso()): Promise<'queued' | 'duplicate'> {
    return (await this.table.putOnce(this.newItem(input, now) as unknown as Item)) ? 'queued' : 'duplicate';
  }

  /**
   * Enqueues the notification already claimed for its first send, in the one write (the sender
   * that decided it sends it, without a pending → sending write in between): undefined for a
   * duplicate. The lease is its due time in gsi1, so a sender that dies mid-send leaves it to the
   * sweep once the lease expires, as a claimed item.
   *
   * `indexed: false` leaves it out of gsi1 (no index write now, none when it is sent: two of the
   * four write units a notification costs), for a sender that is retried when it dies, such as a
   * state machine's step with a Retry: the retry finds the item unsettled and calls
   * `indexUnsettled`, so the sweep takes it over after the lease as above.
   */
  async enqueueClaimed(input: Notification, { now, leaseMs, indexed = true }: { now: string; leaseMs: number; indexed?: boolean }): Promise<OutboxItem | undefined> {
    const leaseUntil = addMs(now, leaseMs);
    const { gsi1pk: _pk, gsi1sk: _sk, ...unindexed } = this.newItem(input, now);
    const item: OutboxItem = { ...unindexed, status: 'sending', attempts: 1, claimId: ulid(), leaseUntil, ...(indexed ? outboxPendingKey(leaseUntil) : {}) };
    return (await this.table.putOnce(item as unknown as Item)) ? item : undefined;
  }

  /**
   * Puts a claimed item that was queued outside gsi1 (`indexed: false`) into it, due when its
   * lease ends: what the retry of a sender that died mid-send does. False when the item is settled,
   * indexed already, or not there.
   */
  async indexUnsettled(input: Notification): Promise<boolean> {
    const notification = validateNotification(input);
    const updated = await this.update(outboxKey(notification.key, notification.type, notification.dedupeKey), {
      UpdateExpression: 'SET gsi1pk = :partition, gsi1sk = leaseUntil',
      ConditionExpression: 'attribute_exists(pk) AND #status = :sending AND attribute_not_exists(gsi1pk)',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: { ':partition': PENDING_PARTITION, ':sending': 'sending' },
    });
    return updated !== undefined;
  }

  private newItem(input: Notification, now: string): OutboxItem {
    const notification = validateNotification(input);
    return plain({
      ...outboxKey(notification.key, notification.type, notification.dedupeKey),
      key: notification.key,
      type: notification.type,
      dedupeKey: notification.dedupeKey,
      recipient: notification.recipient,
      data: notification.data ?? {},
      status: 'pending',
      attempts: 0,
      createdAt: now,
      updatedAt: now,
      ...outboxPendingKey(now),
    });
  }

  async get(key: string, type: string, dedupeKey?: string): Promise<OutboxItem | undefined> {
    return this.table.get<OutboxItem>(outboxKey(key, type, dedupeKey));
  }

  /**
   * Items waiting, oldest due first. With `asOf`, only those due by then: pending items whose
   * (retry) time has come and sending items whose lease has expired. The index is eventually
   * consistent; `claim` re-checks, so a stale entry is harmless.
   */
  async pending(limit = 25, asOf?: string): Promise<OutboxItem[]> {
    return this.table.queryFirst<OutboxItem>(
      {
        IndexName: GSI1,
        KeyConditionExpression: asOf ? 'gsi1pk = :partition AND gsi1sk <= :asOf' : 'gsi1pk = :partition',
        ExpressionAttributeValues: { ':partition': PENDING_PARTITION, ...(asOf ? { ':asOf': asOf } : {}) },
        ScanIndexForward: true,
      },
      limit,
    );
  }

  /** Every notification of one business key, in sort-key order. */
  async listFor(key: string): Promise<OutboxItem[]> {
    return this.table.queryAll<OutboxItem>({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': outboxPartition(key) },
      ConsistentRead: true,
    });
  }

  /**
   * Takes the item for one send attempt. Undefined when it is not due or another deliverer holds it:
   * the condition accepts a pending item whose time has come or a sending item whose lease expired.
   */
  async claim(item: OutboxItem, { now, leaseMs }: { now: string; leaseMs: number }): Promise<OutboxItem | undefined> {
    const leaseUntil = addMs(now, leaseMs);
    return this.update(item, {
      UpdateExpression:
        'SET #status = :sending, claimId = :claim, leaseUntil = :lease, gsi1sk = :lease, attempts = attempts + :one, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:pending, :sending) AND gsi1sk <= :now',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':sending': 'sending',
        ':pending': 'pending',
        ':claim': ulid(),
        ':lease': leaseUntil,
        ':one': 1,
        ':now': now,
      },
    });
  }

  /**
   * Records the send. Not tied to the claim: once the provider accepted a message, whoever sent it
   * settles the item, so a deliverer that took over an expired lease does not send a third time.
   * False when it was already settled.
   */
  async markSent(item: OutboxItem, providerMessageId: string, now: string = nowIso()): Promise<boolean> {
    const updated = await this.update(item, {
      UpdateExpression:
        'SET #status = :sent, providerMessageId = :messageId, sentAt = :now, updatedAt = :now ' +
        'REMOVE gsi1pk, gsi1sk, leaseUntil, claimId, lastError',
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:pending, :sending)',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: { ':sent': 'sent', ':pending': 'pending', ':sending': 'sending', ':messageId': providerMessageId, ':now': now },
    });
    return updated !== undefined;
  }

  /** Back to pending after a failed attempt, due again at `retryAt`. Only the claim holder may. */
  async retryLater(item: OutboxItem, reason: string, retryAt: string, now: string = nowIso()): Promise<boolean> {
    const updated = await this.update(item, {
      // gsi1pk too: an item queued outside the index (`indexed: false`) enters it to wait.
      UpdateExpression: 'SET #status = :pending, gsi1pk = :partition, gsi1sk = :retryAt, lastError = :reason, updatedAt = :now REMOVE leaseUntil, claimId',
      ConditionExpression: 'attribute_exists(pk) AND #status = :sending AND claimId = :claim',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':sending': 'sending',
        ':partition': PENDING_PARTITION,
        ':retryAt': retryAt,
        ':reason': scrub(reason),
        ':now': now,
        ':claim': item.claimId ?? '',
      },
    });
    return updated !== undefined;
  }

  /** Gives up for good (out of the pending index). Tied to the claim when the item carries one. */
  async markFailed(item: OutboxItem, reason: string, attempts: number, now: string = nowIso()): Promise<boolean> {
    const claimed = item.claimId !== undefined;
    const updated = await this.update(item, {
      UpdateExpression:
        'SET #status = :failed, attempts = :attempts, lastError = :reason, failedAt = :now, updatedAt = :now ' +
        'REMOVE gsi1pk, gsi1sk, leaseUntil, claimId',
      ConditionExpression: `attribute_exists(pk) AND #status IN (:pending, :sending)${claimed ? ' AND claimId = :claim' : ''}`,
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':pending': 'pending',
        ':sending': 'sending',
        ':attempts': attempts,
        ':reason': scrub(reason),
        ':now': now,
        ...(claimed ? { ':claim': item.claimId } : {}),
      },
    });
    return updated !== undefined;
  }

  private update(item: Pick<OutboxItem, 'pk' | 'sk'>, expression: UpdateExpression): Promise<OutboxItem | undefined> {
    return this.table.update<OutboxItem>({ pk: item.pk, sk: item.sk }, expression);
  }
}

/** Drops undefined values at any depth, whatever the client's marshalling options. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
