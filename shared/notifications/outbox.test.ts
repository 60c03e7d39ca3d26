import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { rejection, startTestTables } from '../../tests/tables';
import { SECOND, addMs, nowIso } from '../clock';
import { ValidationError } from '../errors';
import {
  InMemoryContactDirectory,
  LoggingProvider,
  NotificationOutbox,
  RecordsContactDirectory,
  SnsProvider,
  contactKey,
  deliverPending,
  renderText,
  type Notification,
  type NotificationProvider,
  type ProviderMessage,
  type SnsPublishInput,
} from './outbox';

const PHONE = '13800138000';

let tables: Awaited<ReturnType<typeof startTestTables>>;
let docs: DynamoDBDocumentClient;
let recordsTable: string;
let outbox: NotificationOutbox;

beforeAll(async () => {
  tables = await startTestTables();
  docs = tables.docs;
  recordsTable = tables.table('RecordsTable');
  outbox = new NotificationOutbox({ table: recordsTable, client: docs });
});

afterAll(async () => {
  await tables?.stop();
});

/** Everything printed during the current test: no line may hold the phone number (rules §5). */
let logged: string[] = [];

beforeEach(() => {
  logged = [];
  const capture = (chunk: string | Uint8Array) => (logged.push(String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
});

// The pending index is shared by the whole file: each test leaves nothing due for the next one.
afterEach(async () => {
  vi.restoreAllMocks();
  expect(logged.join('\n')).not.toContain(PHONE);
  for (let round = 0; round < 10; round++) {
    const left = await outbox.pending(100);
    if (!left.length) return;
    for (const item of left) await outbox.markFailed(item, 'test cleanup', item.attempts);
  }
});

function confirmation(overrides: Partial<Notification> = {}): Notification {
  return {
    key: `O-${ulid()}`,
    type: 'order-confirmation',
    recipient: { memberId: `M-${ulid()}` },
    data: { items: [{ skuId: 'SKU-TEA', name: 'Longjing tea', quantity: 2 }], expectedShipBy: '2026-11-23T10:00:00Z' },
    ...overrides,
  };
}

/** Counts sends per outbox item; optionally slow, to widen races, or failing the first N calls. */
class RecordingProvider implements NotificationProvider {
  readonly messages: ProviderMessage[] = [];
  constructor(private readonly options: { delayMs?: number; failFirst?: number; error?: () => Error } = {}) {}

  async send(message: ProviderMessage): Promise<{ messageId: string }> {
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    if ((this.options.failFirst ?? 0) > 0) {
      this.options.failFirst!--;
      throw this.options.error?.() ?? new Error('provider unavailable');
    }
    this.messages.push(message);
    return { messageId: `msg-${this.messages.length}` };
  }
}

const everyoneHasAPhone = { contactOf: async () => ({ phone: PHONE }) };


describe('enqueue', () => {
  it('stores one pending item per (key, type, dedupeKey), whatever the duplicates', async () => {
    const notification = confirmation();
    const now = nowIso();
    const results = await Promise.all(Array.from({ length: 5 }, () => outbox.enqueue(notification, now)));
    expect(results.filter((r) => r === 'queued')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(4);

    const items = await outbox.listFor(notification.key);
    expect(items).toEqual([
      {
        pk: `OUTBOX#${notification.key}`,
        sk: 'order-confirmation',
        key: notification.key,
        type: 'order-confirmation',
        recipient: notification.recipient,
        data: notification.data,
        status: 'pending',
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        gsi1pk: 'OUTBOX#pending',
        gsi1sk: now,
      },
    ]);

    // A repeat with a dedupe key is another notification (one shipping notice per parcel).
    const parcel = (dedupeKey: string): Notification => ({
      key: notification.key,
      type: 'shipping-notice',
      recipient: notification.recipient,
      data: { carrier: 'SF Express', trackingNumber: `SF${dedupeKey}` },
      dedupeKey,
    });
    expect(await outbox.enqueue(parcel('1001'))).toBe('queued');
    expect(await outbox.enqueue(parcel('1002'))).toBe('queued');
    expect(await outbox.enqueue(parcel('1002'))).toBe('duplicate');
    expect((await outbox.listFor(notification.key)).map((i) => i.sk)).toEqual([
      'order-confirmation',
      'shipping-notice#1001',
      'shipping-notice#1002',
    ]);
  });

  it.each([
    ['a phone field in the data', { data: { phone: PHONE } }, 'data'],
    ['an address field in the recipient', { recipient: { memberId: 'M-1', address: '1 Nanjing Rd' } }, 'recipient'],
    ['a phone number in free text', { type: 'apology', data: { note: `call us back on 138-0013-8000` } }, 'data.note'],
    ['a phone number as phoneRef', { recipient: { memberId: 'M-1', phoneRef: PHONE } }, 'recipient.phoneRef'],
    ['a phone number as member id', { recipient: { memberId: `+86${PHONE}` } }, 'recipient.memberId'],
    ['a # in the type', { type: 'a#b' }, 'type'],
    ['a missing field the text needs', { type: 'shipping-notice', data: { carrier: 'SF Express' } }, 'data.trackingNumber'],
  ])('refuses %s', async (_, overrides, field) => {
    const notification = { ...confirmation(), ...overrides } as Notification;
    const error = await rejection(outbox.enqueue(notification));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((e) => e.field)).toContain(field);
    expect(error.message).not.toContain(PHONE);
    expect(await outbox.listFor(notification.key)).toEqual([]);
  });
});

describe('deliverPending', () => {
  it('sends each item once even with two concurrent deliverers', async () => {
    const notifications = Array.from({ length: 6 }, () => confirmation());
    for (const n of notifications) await outbox.enqueue(n);
    const provider = new RecordingProvider({ delayMs: 20 });
    const now = nowIso();

    const runs = await Promise.all([
      deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now }),
      deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now }),
    ]);

    expect(runs[0].sent + runs[1].sent).toBe(6);
    expect(runs[0].skipped + runs[1].skipped).toBe(6);
    expect(provider.messages.map((m) => m.key).sort()).toEqual(notifications.map((n) => n.key).sort());
    for (const n of notifications) {
      const [item] = await outbox.listFor(n.key);
      expect(item).toMatchObject({ status: 'sent', attempts: 1, sentAt: now });
      expect(item.providerMessageId).toMatch(/^msg-/);
      expect(item).not.toHaveProperty('gsi1pk');
      expect(item).not.toHaveProperty('claimId');
    }
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 3600 * SECOND) })).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
      skipped: 0,
    });
    expect(provider.messages).toHaveLength(6);
  });

  it('retries a provider failure after a back-off, then sends once', async () => {
    const notification = confirmation();
    const now = nowIso();
    await outbox.enqueue(notification, now);
    const provider = new RecordingProvider({ failFirst: 1 });

    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now })).toMatchObject({ retried: 1, sent: 0 });
    const [waiting] = await outbox.listFor(notification.key);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Error: provider unavailable', gsi1sk: addMs(now, 30 * SECOND) });

    // Not due before the back-off.
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 10 * SECOND) })).toMatchObject({ sent: 0 });
    const later = addMs(now, 31 * SECOND);
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: later })).toMatchObject({ sent: 1, retried: 0 });
    expect(provider.messages.map((m) => m.key)).toEqual([notification.key]);
    expect((await outbox.listFor(notification.key))[0]).toMatchObject({ status: 'sent', attempts: 2, sentAt: later });
  });

  it('gives up after maxAttempts', async () => {
    const notification = confirmation();
    let now = nowIso();
    await outbox.enqueue(notification, now);
    const provider = new RecordingProvider({ failFirst: 10 });
    const options = { outbox, provider, contacts: everyoneHasAPhone, maxAttempts: 3, retryDelayMs: () => SECOND };

    const runs = [];
    for (let run = 0; run < 4; run++) {
      runs.push(await deliverPending({ ...options, now }));
      now = addMs(now, 2 * SECOND);
    }
    expect(runs.map((r) => [r.retried, r.failed])).toEqual([[1, 0], [1, 0], [0, 1], [0, 0]]);
    expect((await outbox.listFor(notification.key))[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await outbox.listFor(notification.key))[0]).not.toHaveProperty('gsi1pk');
  });

  it('takes over an item whose deliverer died mid-send only after the lease expires', async () => {
    const notification = confirmation();
    const now = nowIso();
    await outbox.enqueue(notification, now);
    const [item] = await outbox.pending(100, now);
    expect(await outbox.claim(item, { now, leaseMs: 60 * SECOND })).toMatchObject({ status: 'sending', attempts: 1 });
    // A second claim of the same read loses.
    expect(await outbox.claim(item, { now, leaseMs: 60 * SECOND })).toBeUndefined();

    const provider = new RecordingProvider();
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 30 * SECOND) })).toMatchObject({
      sent: 0,
    });
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 61 * SECOND) })).toMatchObject({
      sent: 1,
    });
    expect((await outbox.listFor(notification.key))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('fails an item whose member has no phone, and honours phoneRef', async () => {
    const noPhone = confirmation();
    const deliveryPhone = confirmation({ recipient: { memberId: `M-${ulid()}`, phoneRef: 'delivery' } });
    const missingRef = confirmation({ recipient: { memberId: deliveryPhone.recipient.memberId, phoneRef: 'office' } });
    for (const n of [noPhone, deliveryPhone, missingRef]) await outbox.enqueue(n);
    const contacts = new InMemoryContactDirectory({ [deliveryPhone.recipient.memberId]: { phone: '13900000000', phones: { delivery: PHONE } } });
    const provider = new RecordingProvider();

    expect(await deliverPending({ outbox, provider, contacts })).toMatchObject({ sent: 1, failed: 2 });
    expect(provider.messages.map((m) => [m.key, m.to])).toEqual([[deliveryPhone.key, PHONE]]);
    expect((await outbox.listFor(noPhone.key))[0]).toMatchObject({ status: 'failed', lastError: 'no phone on file' });
    expect((await outbox.listFor(missingRef.key))[0]).toMatchObject({ status: 'failed' });
  });
});

describe('personal data', () => {
  it('never stores or logs the phone number, whatever happens', async () => {
    const memberId = `M-${ulid()}`;
    await docs.send(new PutCommand({ TableName: recordsTable, Item: { ...contactKey(memberId), phone: PHONE } }));
    const contacts = new RecordsContactDirectory({ table: recordsTable, client: docs });
    expect(await contacts.contactOf(memberId)).toEqual({ phone: PHONE });

    const ok = confirmation({ recipient: { memberId } });
    const refused = confirmation({ recipient: { memberId } });
    await outbox.enqueue(ok);
    await outbox.enqueue(refused);

    // Real providers echo the number they refuse; that echo must not survive.
    const provider: NotificationProvider = {
      send: async (message) =>
        message.key === refused.key
          ? Promise.reject(new Error(`Invalid parameter: PhoneNumber Reason: +86${message.to} is not valid`))
          : new LoggingProvider().send(message),
    };
    const now = nowIso();
    expect(await deliverPending({ outbox, provider, contacts, now, maxAttempts: 2, retryDelayMs: () => 0 })).toMatchObject({ sent: 1, retried: 1 });
    expect(await deliverPending({ outbox, provider, contacts, now: addMs(now, SECOND), maxAttempts: 2 })).toMatchObject({ failed: 1 });

    // The SNS adapter gets the number, as a message attribute only.
    const published: SnsPublishInput[] = [];
    const client = { publish: async (input: SnsPublishInput) => (published.push(input), { MessageId: 'sns-1' }) };
    const sns = new SnsProvider({ topicArn: 'arn:aws:sns:cn-north-1:000000000000:sms', client });
    await sns.send({ to: PHONE, text: renderText(ok), type: ok.type, key: ok.key, id: 'x' });
    expect(published[0].MessageAttributes.phone.StringValue).toBe(PHONE);
    expect(published[0].Message).not.toContain(PHONE);

    const stored = [...(await outbox.listFor(ok.key)), ...(await outbox.listFor(refused.key))];
    expect(stored.map((i) => i.status)).toEqual(['sent', 'failed']);
    expect(stored[1].lastError).toContain('[redacted]');
    expect(JSON.stringify(stored)).not.toContain(PHONE);
    const { Item: contact } = await docs.send(new GetCommand({ TableName: recordsTable, Key: contactKey(memberId) }));
    expect(contact?.phone).toBe(PHONE);

    const log = logged.join('\n');
    expect(log).toContain('notification sent');
    expect(log).toContain(ok.key);
    expect(log).toContain('notification failed for good');
    expect(log).not.toContain(PHONE);
    expect(log).not.toContain('0013');
  });
});

describe('renderText and providers', () => {
  it('renders every known type without personal data', () => {
    expect(renderText(confirmation({ key: 'O-1' }))).toBe(
      'Your order O-1 is confirmed: 2 items (Longjing tea x2), ships by 23 Nov 2026, 18:00 (Beijing time). Thank you for shopping with us!',
    );
    expect(renderText({ key: 'O-1', type: 'shipping-notice', data: { carrier: 'SF Express', trackingNumber: 'SF1234567890123' } })).toBe(
      'Good news! Your order O-1 has shipped with SF Express, tracking number SF1234567890123.',
    );
    expect(renderText({ key: 'R-1', type: 'refund-issued', data: { amountFen: 12_345 } })).toBe(
      'Your refund of ¥123.45 for R-1 has been issued to your original payment method.',
    );
    const offer = { skuId: 'SKU-2', name: 'Green tea', priceFen: 1799 };
    expect(renderText({ key: 'O-1', type: 'exchange-offer', data: { offer, respondBy: '2026-11-25T10:00:00Z' } })).toBe(
      'For order O-1 we can offer Green tea at ¥17.99 (extra 10% off). Please reply by 25 Nov 2026, 18:00 (Beijing time).',
    );
    expect(renderText({ key: 'C-1', type: 'apology', data: { couponFen: 1000 } })).toBe(
      'We are sorry about C-1. A ¥10.00 red packet has been added to your account.',
    );
    expect(renderText({ key: 'O-1', type: 'stock-out-contact', data: { items: [{ skuId: 'SKU-1', quantity: 1 }] } })).toContain(
      'Sorry, 1 item (SKU-1 x1) in your order O-1 is out of stock.',
    );
    expect(renderText({ key: 'C-1', type: 'complaint-follow-up', data: { carrier: 'JD', trackingNumber: 'JD001' } })).toContain(
      'tracking number JD001',
    );
    expect(renderText({ key: 'M-1', type: 'member-recall', data: { note: '¥50 off orders of ¥199 or more, this week only.' } })).toBe(
      'Update on M-1: ¥50 off orders of ¥199 or more, this week only.',
    );
  });

  it('publishes to SNS with type and key attributes, deduplicating on FIFO topics', async () => {
    const published: SnsPublishInput[] = [];
    const client = { publish: async (input: SnsPublishInput) => (published.push(input), { MessageId: `sns-${published.length}` }) };
    const message = { to: PHONE, text: 'hello', type: 'shipping-notice', key: 'O-1', id: 'OUTBOX#O-1|shipping-notice' };

    expect(await new SnsProvider({ topicArn: 'arn:aws:sns:cn-north-1:0:sms', client }).send(message)).toEqual({ messageId: 'sns-1' });
    expect(published[0]).toEqual({
      TopicArn: 'arn:aws:sns:cn-north-1:0:sms',
      Message: 'hello',
      MessageAttributes: {
        phone: { DataType: 'String', StringValue: PHONE },
        type: { DataType: 'String', StringValue: 'shipping-notice' },
        key: { DataType: 'String', StringValue: 'O-1' },
      },
    });

    const fifo = new SnsProvider({ topicArn: 'arn:aws:sns:cn-north-1:0:sms.fifo', client });
    await fifo.send(message);
    await fifo.send(message);
    expect(published[1].MessageGroupId).toBe('O-1');
    expect(published[1].MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(published[2].MessageDeduplicationId).toBe(published[1].MessageDeduplicationId);

    await expect(new SnsProvider({ topicArn: 'arn:x', client: { publish: async () => ({}) } }).send(message)).rejects.toThrow('no MessageId');
  });
});
