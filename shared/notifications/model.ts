import * as z from 'zod';
import { ValidationError } from '../errors';
import type { Fen } from '../money';
import { toFieldErrors } from '../validation';

/**
 * What a customer notification is (business rules §2–§4). It names the member, never a phone
 * number or address (§5): the contact is resolved only at send time, server-side (see
 * `contacts.ts`), so the schema is strict and refuses anything that looks like a phone.
 */

export const notificationTypes = [
  'order-confirmation',
  'shipping-notice',
  'stock-out-contact',
  'exchange-offer',
  'refund-issued',
  'apology',
  'complaint-follow-up',
  'member-recall',
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
  /** A coupon offered (member recall): what it takes off, from which order total, until when (ISO). */
  coupon?: { discountFen: Fen; minSpendFen: Fen; expiresAt: string };
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
  coupon: z.strictObject({ discountFen: fen, minSpendFen: fen, expiresAt: isoTime }).optional(),
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
  'member-recall': ['coupon'],
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
