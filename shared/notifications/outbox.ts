import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import * as z from 'zod';
import { documents } from '../aws';
import { MINUTE, SECOND, addMs, nowIso } from '../clock';
import { ValidationError } from '../errors';
import { logger } from '../logger';
import { formatYuan, type Fen } from '../money';
import { toFieldErrors } from '../validation';

/**
 * Customer notifications through an outbox (business rules §2–§4). A flow enqueues a notification
 * in the same step that decides it; a scheduled deliverer sends it later. The item names the member,
 * never a phone number or address (§5): the contact is resolved only at send time, server-side,
 * and handed to the provider without being stored or logged.
 */

// --- Model -------------------------------------------------------------------------------------

export const notificationTypes = [
  'order-confirmation',
  'shipping-notice',
  'stock-out-contact',
  'exchange-offer',
  'refund-issued',
  'apology',
  'complaint-follow-up',
] as const;
export type KnownNotificationType = (typeof notificationTypes)[number];
/** The known types get their own text; any other type is accepted and rendered generically. */
export type NotificationType = KnownNotificationType | (string & {});

export interface NotificationLine {
  skuId: string;
  name?: string;
  quantity: number;
}

/** What the text may say. No personal data: the schema is strict so a `phone` cannot slip in. */
export interface NotificationData {
  items?: NotificationLine[];
  /** ISO time; shown in Asia/Shanghai. */
  expectedShipBy?: string;
  trackingNumber?: string;
  carrier?: string;
  amountFen?: Fen;
  /** Coupon or red packet granted with an apology. */
  couponFen?: Fen;
  /** Exchange offer: the replacement product at its offered (discounted) price. */
  offer?: { skuId: string; name?: string; priceFen: Fen };
  /** ISO time by which the customer should answer (stock-out contact, exchange offer). */
  respondBy?: string;
  /** Short free text without personal data. */
  note?: string;
}

export interface Recipient {
  memberId: string;
  /** Which of the member's phones (a name such as `delivery`), never the number itself. */
  phoneRef?: string;
}

export interface Notification {
  /** Business key the notification is about: an order id, refund id, complaint id. */
  key: string;
  type: NotificationType;
  recipient: Recipient;
  data?: NotificationData;
  /** Distinguishes legitimate repeats of one type for one key (e.g. one shipping notice per parcel). */
  dedupeKey?: string;
}

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
const GSI1 = 'gsi1';

// --- Validation --------------------------------------------------------------------------------

/** A mainland mobile number, optionally with +86, spaces or dashes. */
const MOBILE = /(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/;
const looksLikePhone = (value: string) => MOBILE.test(value.replace(/[\s-]/g, ''));

const id = z.string().min(1).max(128);
const safeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !looksLikePhone(value), 'must not contain a phone number');
const fen = z.number().int().nonnegative();
const isoTime = z.iso.datetime({ offset: true });

const DataSchema = z.strictObject({
  items: z.array(z.strictObject({ skuId: id, name: safeText(100).optional(), quantity: z.number().int().positive() })).optional(),
  expectedShipBy: isoTime.optional(),
  trackingNumber: safeText(64).optional(),
  carrier: safeText(64).optional(),
  amountFen: fen.optional(),
  couponFen: fen.optional(),
  offer: z.strictObject({ skuId: id, name: safeText(100).optional(), priceFen: fen }).optional(),
  respondBy: isoTime.optional(),
  note: safeText(300).optional(),
});

const NotificationSchema = z.strictObject({
  key: id.refine((value) => !looksLikePhone(value), 'must not contain a phone number'),
  // `#` separates type and dedupe key in the sort key.
  type: z.string().min(1).max(64).regex(/^[^#]+$/, 'must not contain #'),
  recipient: z.strictObject({
    memberId: id.refine((value) => !looksLikePhone(value), 'must not be a phone number'),
    phoneRef: z
      .string()
      .min(1)
      .max(64)
      .refine((value) => !/\d{5}/.test(value), 'must name a phone, not contain one')
      .optional(),
  }),
  data: DataSchema.optional(),
  dedupeKey: safeText(128).min(1).optional(),
});

/** Fields each known type needs for its text; a flow missing one finds out at enqueue, not at send. */
const REQUIRED: Partial<Record<KnownNotificationType, (keyof NotificationData)[]>> = {
  'order-confirmation': ['items', 'expectedShipBy'],
  'shipping-notice': ['carrier', 'trackingNumber'],
  'stock-out-contact': ['items'],
  'exchange-offer': ['offer'],
  'refund-issued': ['amountFen'],
  'complaint-follow-up': ['carrier', 'trackingNumber'],
};

export function validateNotification(input: Notification): Notification {
  const parsed = NotificationSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('invalid notification', toFieldErrors(parsed.error));
  const notification = parsed.data as Notification;
  const missing = (REQUIRED[notification.type as KnownNotificationType] ?? []).filter(
    (field) => notification.data?.[field] === undefined,
  );
  if (missing.length) {
    throw new ValidationError(
      'invalid notification',
      missing.map((field) => ({ field: `data.${field}`, message: `${notification.type} needs ${field}` })),
    );
  }
  return notification;
}

/** Hides anything number-like in free text that may echo a phone (provider error messages do). */
export function scrub(text: string, secrets: (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out.replace(/\+?\d[\d\s-]{5,}\d/g, '[redacted]').slice(0, 300);
}

// --- Outbox ------------------------------------------------------------------------------------

export interface NotificationOutboxOptions {
  table: string;
  client?: DynamoDBDocumentClient;
}

export const outboxKey = (key: string, type: string, dedupeKey?: string) => ({
  pk: `OUTBOX#${key}`,
  sk: dedupeKey ? `${type}#${dedupeKey}` : type,
});

const isConditionFailure = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';

/**
 * The outbox items in the Records table. Every transition is one conditional write:
 * pending → sending (claim, with a lease) → sent | pending (retry later) | failed.
 * While pending or sending an item sits in gsi1 partition `OUTBOX#pending`, sorted by the time it
 * is next due (created, retry time, or lease expiry), so one query finds everything to do.
 */
export class NotificationOutbox {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: NotificationOutboxOptions) {
    this.client = options.client ?? documents();
    this.table = options.table;
  }

  /** Idempotent per (key, type, dedupeKey): the first enqueue wins, later ones change nothing. */
  async enqueue(input: Notification, now: string = nowIso()): Promise<'queued' | 'duplicate'> {
    const notification = validateNotification(input);
    const item: OutboxItem = plain({
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
      gsi1pk: PENDING_PARTITION,
      gsi1sk: now,
    });
    try {
      await this.client.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'queued';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async get(key: string, type: string, dedupeKey?: string): Promise<OutboxItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: outboxKey(key, type, dedupeKey), ConsistentRead: true }),
    );
    return Item as OutboxItem | undefined;
  }

  /**
   * Items waiting, oldest due first. With `asOf`, only those due by then: pending items whose
   * (retry) time has come and sending items whose lease has expired. The index is eventually
   * consistent; `claim` re-checks, so a stale entry is harmless.
   */
  async pending(limit = 25, asOf?: string): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: asOf ? 'gsi1pk = :partition AND gsi1sk <= :asOf' : 'gsi1pk = :partition',
          ExpressionAttributeValues: { ':partition': PENDING_PARTITION, ...(asOf ? { ':asOf': asOf } : {}) },
          ScanIndexForward: true,
          Limit: limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as OutboxItem[]));
      start = page.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items;
  }

  /** Every notification of one business key, in sort-key order. */
  async listFor(key: string): Promise<OutboxItem[]> {
    return this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `OUTBOX#${key}` },
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
      ExpressionAttributeNames: { '#status': 'status' },
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
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':sent': 'sent', ':pending': 'pending', ':sending': 'sending', ':messageId': providerMessageId, ':now': now },
    });
    return updated !== undefined;
  }

  /** Back to pending after a failed attempt, due again at `retryAt`. Only the claim holder may. */
  async retryLater(item: OutboxItem, reason: string, retryAt: string, now: string = nowIso()): Promise<boolean> {
    const updated = await this.update(item, {
      UpdateExpression: 'SET #status = :pending, gsi1sk = :retryAt, lastError = :reason, updatedAt = :now REMOVE leaseUntil, claimId',
      ConditionExpression: 'attribute_exists(pk) AND #status = :sending AND claimId = :claim',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':sending': 'sending',
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
      ExpressionAttributeNames: { '#status': 'status' },
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

  private async update(
    item: Pick<OutboxItem, 'pk' | 'sk'>,
    expression: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<OutboxItem | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({ TableName: this.table, Key: { pk: item.pk, sk: item.sk }, ReturnValues: 'ALL_NEW', ...expression }),
      );
      return Attributes as OutboxItem;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  private async queryAll(input: QueryCommandInput): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      items.push(...((page.Items ?? []) as OutboxItem[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** Drops undefined values at any depth, whatever the client's marshalling options. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// --- Contacts ----------------------------------------------------------------------------------

export interface Contact {
  phone?: string;
}

/** Resolves a member's phone at send time. Implementations must never log what they return. */
export interface ContactDirectory {
  contactOf(memberId: string, phoneRef?: string): Promise<Contact>;
}

/**
 * The member's contact item in the Records table: `pk: MEMBER#<memberId>, sk: CONTACT`, with
 * `phone` (the default) and optionally `phones: { <ref>: <number> }` for `phoneRef`.
 */
export interface MemberContactItem {
  phone?: string;
  phones?: Record<string, string>;
}

export const contactKey = (memberId: string) => ({ pk: `MEMBER#${memberId}`, sk: 'CONTACT' });

/** A named phone is used only when it exists: texting the default number instead could reach someone else. */
function pick(contact: MemberContactItem | undefined, phoneRef?: string): Contact {
  const phone = phoneRef ? contact?.phones?.[phoneRef] : contact?.phone;
  return phone ? { phone } : {};
}

export class InMemoryContactDirectory implements ContactDirectory {
  private readonly contacts = new Map<string, MemberContactItem>();

  constructor(entries: Record<string, MemberContactItem> = {}) {
    for (const [memberId, contact] of Object.entries(entries)) this.contacts.set(memberId, contact);
  }

  set(memberId: string, contact: MemberContactItem): void {
    this.contacts.set(memberId, contact);
  }

  async contactOf(memberId: string, phoneRef?: string): Promise<Contact> {
    return pick(this.contacts.get(memberId), phoneRef);
  }
}

export class RecordsContactDirectory implements ContactDirectory {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: { table: string; client?: DynamoDBDocumentClient }) {
    this.client = options.client ?? documents();
    this.table = options.table;
  }

  async contactOf(memberId: string, phoneRef?: string): Promise<Contact> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: contactKey(memberId), ProjectionExpression: 'phone, phones' }),
    );
    return pick(Item as MemberContactItem | undefined, phoneRef);
  }
}

// --- Providers ---------------------------------------------------------------------------------

export interface ProviderMessage {
  /** The phone, resolved server-side just before sending. Never store or log it. */
  to: string;
  text: string;
  type: NotificationType;
  key: string;
  /** Stable per outbox item, for providers that deduplicate (SNS FIFO). */
  id: string;
}

export interface NotificationProvider {
  send(message: ProviderMessage): Promise<{ messageId: string }>;
}

/** Local: no SMS leaves the machine. Logs only what identifies the message. */
export class LoggingProvider implements NotificationProvider {
  readonly sent: { type: string; key: string; messageId: string }[] = [];

  async send({ type, key }: ProviderMessage): Promise<{ messageId: string }> {
    const messageId = `local-${ulid()}`;
    this.sent.push({ type, key, messageId });
    logger.info('notification sent', { type, key, messageId });
    return { messageId };
  }
}

/** The part of `@aws-sdk/client-sns` the provider needs; its `PublishCommandInput` fits this shape. */
export interface SnsPublishInput {
  TopicArn: string;
  Message: string;
  MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

export interface SnsPublisher {
  publish(input: SnsPublishInput): Promise<{ MessageId?: string }>;
}

/**
 * AWS: publishes to a topic whose subscriber (the SMS gateway) texts `phone`. The number travels
 * only as a message attribute. On a FIFO topic the outbox item id deduplicates a resend after an
 * expired lease (SNS dedupes within 5 minutes).
 */
export class SnsProvider implements NotificationProvider {
  constructor(private readonly options: { topicArn: string; client: SnsPublisher }) {}

  async send({ to, text, type, key, id }: ProviderMessage): Promise<{ messageId: string }> {
    const fifo = this.options.topicArn.endsWith('.fifo');
    const { MessageId } = await this.options.client.publish({
      TopicArn: this.options.topicArn,
      Message: text,
      MessageAttributes: {
        phone: { DataType: 'String', StringValue: to },
        type: { DataType: 'String', StringValue: type },
        key: { DataType: 'String', StringValue: key },
      },
      ...(fifo
        ? { MessageGroupId: key.slice(0, 128), MessageDeduplicationId: createHash('sha256').update(id).digest('hex') }
        : {}),
    });
    if (!MessageId) throw new Error('SNS returned no MessageId');
    return { messageId: MessageId };
  }
}

// --- Text --------------------------------------------------------------------------------------

const shanghai = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const when = (iso: string) => `${shanghai.format(new Date(iso))} (Beijing time)`;
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function itemsText(items: NotificationLine[] = []): string {
  const count = items.reduce((total, line) => total + line.quantity, 0);
  const names = items.map((line) => `${line.name ?? line.skuId} x${line.quantity}`).join(', ');
  return names ? `${plural(count, 'item')} (${names})` : plural(count, 'item');
}

/** The SMS text. Built only from the item, which holds no personal data. */
export function renderText(notification: Pick<Notification, 'key' | 'type' | 'data'>): string {
  const { key, type } = notification;
  const data = notification.data ?? {};
  const note = data.note ? ` ${data.note}` : '';
  const reply = data.respondBy ? ` Please reply by ${when(data.respondBy)}.` : '';
  switch (type as KnownNotificationType) {
    case 'order-confirmation':
      return (
        `Your order ${key} is confirmed: ${itemsText(data.items)}, ships by ${when(data.expectedShipBy!)}. ` +
        `Thank you for shopping with us!${note}`
      );
    case 'shipping-notice':
      return `Good news! Your order ${key} has shipped with ${data.carrier}, tracking number ${data.trackingNumber}.${note}`;
    case 'stock-out-contact':
      return (
        `Sorry, ${itemsText(data.items)} in your order ${key} is out of stock. You can exchange for another product ` +
        `at an extra 10% off, or get priority shipping within 24 hours of restock.${reply}${note}`
      );
    case 'exchange-offer': {
      const offer = data.offer!;
      return `For order ${key} we can offer ${offer.name ?? offer.skuId} at ${formatYuan(offer.priceFen)} (extra 10% off).${reply}${note}`;
    }
    case 'refund-issued':
      return `Your refund of ${formatYuan(data.amountFen!)} for ${key} has been issued to your original payment method.${note}`;
    case 'apology':
      const gift = data.couponFen ? ` A ${formatYuan(data.couponFen)} red packet has been added to your account.` : '';
      return `We are sorry about ${key}.${gift}${note}`;
    case 'complaint-follow-up':
      return (
        `Following up on ${key}: your replacement ships with ${data.carrier}, tracking number ${data.trackingNumber}. ` +
        `Thank you for your patience.${note}`
      );
    default:
      return `Update on ${key}: ${data.note ?? type}`;
  }
}

// --- Delivery ----------------------------------------------------------------------------------

export interface DeliverOptions {
  outbox: NotificationOutbox;
  provider: NotificationProvider;
  contacts: ContactDirectory;
  now?: string;
  maxAttempts?: number;
  /** Items examined in this run. */
  limit?: number;
  /** How long a claim holds; longer than a provider call can take. */
  leaseMs?: number;
  /** Wait before the next attempt, given the attempts made so far. */
  retryDelayMs?: (attempts: number) => number;
}

export interface DeliveryCounts {
  sent: number;
  /** Failed this time, pending again. */
  retried: number;
  /** Given up: out of attempts or no phone to send to. */
  failed: number;
  /** Held by another deliverer or no longer due. */
  skipped: number;
}

export const DEFAULT_LEASE_MS = MINUTE;
export const defaultRetryDelayMs = (attempts: number) => Math.min(30 * SECOND * 2 ** Math.max(0, attempts - 1), 30 * MINUTE);

const itemId = (item: OutboxItem) => `${item.pk}|${item.sk}`;

/**
 * One run of the deliverer: every due item is claimed (one conditional write, so concurrent runs
 * never both send it), sent, and settled. At most once per lease: only a deliverer that dies
 * mid-send and lets its lease expire can cause a second send.
 */
export async function deliverPending(options: DeliverOptions): Promise<DeliveryCounts> {
  const { outbox, provider, contacts, maxAttempts = 5, limit = 25, leaseMs = DEFAULT_LEASE_MS } = options;
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  const now = options.now ?? nowIso();
  const counts: DeliveryCounts = { sent: 0, retried: 0, failed: 0, skipped: 0 };

  for (const due of await outbox.pending(limit, now)) {
    if (due.attempts >= maxAttempts) {
      // The last attempt died mid-send (or the limit was lowered): do not try it again.
      counts[(await outbox.markFailed(due, 'attempts exhausted', due.attempts, now)) ? 'failed' : 'skipped']++;
      continue;
    }
    const item = await outbox.claim(due, { now, leaseMs });
    if (!item) {
      counts.skipped++;
      continue;
    }
    const log = { type: item.type, key: item.key, attempts: item.attempts };
    let phone: string | undefined;
    let messageId: string | undefined;
    try {
      ({ phone } = await contacts.contactOf(item.recipient.memberId, item.recipient.phoneRef));
      if (phone) {
        ({ messageId } = await provider.send({ to: phone, text: renderText(item), type: item.type, key: item.key, id: itemId(item) }));
      }
    } catch (error) {
      // Provider errors may echo the number they refused; never store or log it.
      const reason = scrub(`${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`, [phone]);
      if (item.attempts >= maxAttempts) {
        await outbox.markFailed(item, reason, item.attempts, now);
        logger.error('notification failed for good', { ...log, reason });
        counts.failed++;
      } else {
        await outbox.retryLater(item, reason, addMs(now, retryDelayMs(item.attempts)), now);
        logger.warn('notification send failed, will retry', { ...log, reason });
        counts.retried++;
      }
      continue;
    }
    if (messageId === undefined) {
      // Retrying will not find a number that is not on file; ops can re-enqueue with a dedupeKey.
      await outbox.markFailed(item, 'no phone on file', item.attempts, now);
      logger.warn('notification has no recipient phone', log);
      counts.failed++;
      continue;
    }
    if (!(await outbox.markSent(item, messageId, now))) logger.warn('notification was already settled', { ...log, messageId });
    counts.sent++;
  }
  return counts;
}
