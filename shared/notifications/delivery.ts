import { MINUTE, SECOND, addMs, nowIso } from '../clock';
import { logger } from '../logger';
import type { NotificationOutbox, OutboxItem } from '../records/outbox';
import type { ContactDirectory } from './contacts';
import { scrub } from './model';
import type { NotificationProvider } from './providers';
import { renderText } from './rendering';

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
    counts[await sendClaimed(item, { outbox, provider, contacts, maxAttempts, retryDelayMs, now })]++;
  }
  return counts;
}

/** Sends one claimed item and settles it: sent, pending again for a retry, or failed for good. */
export async function sendClaimed(
  item: OutboxItem,
  { outbox, provider, contacts, maxAttempts = 5, retryDelayMs = defaultRetryDelayMs, now = nowIso() }: Omit<DeliverOptions, 'limit' | 'leaseMs'>,
): Promise<'sent' | 'retried' | 'failed'> {
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
      return 'failed';
    } else {
      await outbox.retryLater(item, reason, addMs(now, retryDelayMs(item.attempts)), now);
      logger.warn('notification send failed, will retry', { ...log, reason });
      return 'retried';
    }
  }
  if (messageId === undefined) {
    // Retrying will not find a number that is not on file; ops can re-enqueue with a dedupeKey.
    await outbox.markFailed(item, 'no phone on file', item.attempts, now);
    logger.warn('notification has no recipient phone', log);
    return 'failed';
  }
  if (!(await outbox.markSent(item, messageId, now))) logger.warn('notification was already settled', { ...log, messageId });
  return 'sent';
}
