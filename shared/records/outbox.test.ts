import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startTestTables } from '../../tests/tables';
import { nowIso } from '../clock';
import { DynamoTable } from '../dynamo';
import { ValidationError } from '../errors';
import type { Notification } from '../notifications/model';
import { PHONE, capturePrinted, confirmation } from '../notifications/test-fixtures';
import { NotificationOutbox, outboxKey, outboxPendingKey } from './outbox';

let tables: Awaited<ReturnType<typeof startTestTables>>;
let outbox: NotificationOutbox;

beforeAll(async () => {
  tables = await startTestTables();
  outbox = new NotificationOutbox(new DynamoTable(tables.table('RecordsTable'), 'pk', tables.docs));
});

afterAll(async () => {
  await tables?.stop();
});

capturePrinted();

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
        ...outboxKey(notification.key, 'order-confirmation'),
        key: notification.key,
        type: 'order-confirmation',
        recipient: notification.recipient,
        data: notification.data,
        status: 'pending',
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        ...outboxPendingKey(now),
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
