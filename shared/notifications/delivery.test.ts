import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestTables } from '../../tests/tables';
import { SECOND, addMs, nowIso } from '../clock';
import { DynamoTable } from '../dynamo';
import { MemberContacts, memberContactKey, type MemberContact } from '../records/contacts';
import { NotificationOutbox } from '../records/outbox';
import { RecordsContactDirectory, contactFrom, type Contact, type ContactDirectory } from './contacts';
import { deliverPending, sendClaimed } from './delivery';
import { LoggingProvider, SnsProvider, type NotificationProvider, type ProviderMessage, type SnsPublishInput } from './providers';
import { renderText } from './rendering';
import { PHONE, capturePrinted, confirmation } from './test-fixtures';

let tables: Awaited<ReturnType<typeof startTestTables>>;
let records: DynamoTable;
let outbox: NotificationOutbox;

beforeAll(async () => {
  tables = await startTestTables();
  records = new DynamoTable(tables.table('RecordsTable'), 'pk', tables.docs);
  outbox = new NotificationOutbox(records);
});

afterAll(async () => {
  await tables?.stop();
});

const printed = capturePrinted();

// The pending index is shared by the whole file: each test leaves nothing due for the next one.
afterEach(async () => {
  for (let round = 0; round < 10; round++) {
    const left = await outbox.pending(100);
    if (!left.length) return;
    for (const item of left) await outbox.markFailed(item, 'test cleanup', item.attempts);
  }
});

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

/** Contact items held in memory, resolved by the directory's own rule. */
class InMemoryContactDirectory implements ContactDirectory {
  constructor(private readonly contacts: Record<string, MemberContact> = {}) {}

  async contactOf(memberId: string, phoneRef?: string): Promise<Contact> {
    return contactFrom(this.contacts[memberId], phoneRef);
  }
}

const everyoneHasAPhone = { contactOf: async () => ({ phone: PHONE }) };

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
    await tables.docs.send(new PutCommand({ TableName: records.name, Item: { ...memberContactKey(memberId), phone: PHONE } }));
    const contacts = new RecordsContactDirectory(new MemberContacts(records));
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
    const { Item: contact } = await tables.docs.send(new GetCommand({ TableName: records.name, Key: memberContactKey(memberId) }));
    expect(contact?.phone).toBe(PHONE);

    const log = printed.lines().join('\n');
    expect(log).toContain('notification sent');
    expect(log).toContain(ok.key);
    expect(log).toContain('notification failed for good');
    expect(log).not.toContain(PHONE);
    expect(log).not.toContain('0013');
  });
});

describe('a notification queued claimed by its sender (notify)', () => {
  it('is sent once by the sender, in two writes; a duplicate queues nothing; a sender that dies leaves it to the sweep after the lease', async () => {
    const provider = new RecordingProvider();
    const now = nowIso();
    const first = confirmation();
    const claimed = await outbox.enqueueClaimed(first, { now, leaseMs: 60 * SECOND });
    expect(claimed).toMatchObject({ status: 'sending', attempts: 1 });
    expect(await outbox.enqueueClaimed(first, { now, leaseMs: 60 * SECOND })).toBeUndefined();
    expect(await sendClaimed(claimed!, { outbox, provider, contacts: everyoneHasAPhone, now })).toBe('sent');
    expect(await outbox.get(first.key, first.type)).toMatchObject({ status: 'sent', attempts: 1 });
    // Not due for the sweep once sent.
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 3600 * SECOND) })).toMatchObject({ sent: 0 });

    const orphan = confirmation();
    await outbox.enqueueClaimed(orphan, { now, leaseMs: 60 * SECOND });
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 30 * SECOND) })).toMatchObject({ sent: 0 });
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 61 * SECOND) })).toMatchObject({ sent: 1 });
    expect(provider.messages.map((m) => m.key)).toEqual([first.key, orphan.key]);
  });

  it('queued outside the index by a retried sender: sent in two writes of the item alone; an orphan is found by the retry and swept after its lease; a refusal waits in the index', async () => {
    const provider = new RecordingProvider();
    const now = nowIso();
    const first = confirmation();
    const claimed = await outbox.enqueueClaimed(first, { now, leaseMs: 60 * SECOND, indexed: false });
    expect(claimed).toMatchObject({ status: 'sending', attempts: 1 });
    expect(claimed).not.toHaveProperty('gsi1pk');
    expect(await sendClaimed(claimed!, { outbox, provider, contacts: everyoneHasAPhone, now })).toBe('sent');
    expect(await outbox.get(first.key, first.type)).toMatchObject({ status: 'sent' });
    // A settled item is not put back in the index by a late retry.
    expect(await outbox.indexUnsettled(first)).toBe(false);

    const orphan = confirmation();
    await outbox.enqueueClaimed(orphan, { now, leaseMs: 60 * SECOND, indexed: false });
    // The sender died: the sweep cannot see it until the step's retry puts it in the index.
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 61 * SECOND) })).toMatchObject({ sent: 0 });
    expect(await outbox.enqueueClaimed(orphan, { now, leaseMs: 60 * SECOND, indexed: false })).toBeUndefined();
    expect(await outbox.indexUnsettled(orphan)).toBe(true);
    expect(await outbox.indexUnsettled(orphan)).toBe(false);
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 30 * SECOND) })).toMatchObject({ sent: 0 });
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 61 * SECOND) })).toMatchObject({ sent: 1 });

    const refused = confirmation();
    const item = await outbox.enqueueClaimed(refused, { now, leaseMs: 60 * SECOND, indexed: false });
    expect(await sendClaimed(item!, { outbox, provider: new RecordingProvider({ failFirst: 1 }), contacts: everyoneHasAPhone, now })).toBe('retried');
    expect(await outbox.get(refused.key, refused.type)).toMatchObject({ status: 'pending', gsi1pk: 'OUTBOX#pending' });
    expect(await deliverPending({ outbox, provider, contacts: everyoneHasAPhone, now: addMs(now, 3600 * SECOND) })).toMatchObject({ sent: 1 });
    expect(provider.messages.map((m) => m.key)).toEqual([first.key, orphan.key, refused.key]);
  });
});
