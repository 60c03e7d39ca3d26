import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { defineEnv } from '../env';
import { logger } from '../logger';
import { NotificationOutbox } from '../records/outbox';
import { RecordsContactDirectory } from './contacts';
import { DEFAULT_LEASE_MS, deliverPending, sendClaimed } from './delivery';
import { nowIso } from '../clock';
import type { Notification } from './model';
import { LoggingProvider, SnsProvider, type NotificationProvider } from './providers';

/**
 * What a function that notifies customers calls: the outbox in the Records table, the function's
 * provider (from its environment, see the `Notifications` construct) and the members' contacts.
 */

const env = defineEnv(
  z.object({
    /** `sns` in AWS (NOTIFICATION_TOPIC_ARN set); `log` on the local platform, which has no SNS. */
    NOTIFICATION_PROVIDER: z.enum(['sns', 'log']).default('log'),
    NOTIFICATION_TOPIC_ARN: z.string().optional(),
  }),
);

let sns: SNSClient | undefined;

function provider(): NotificationProvider {
  const { NOTIFICATION_PROVIDER, NOTIFICATION_TOPIC_ARN } = env();
  if (NOTIFICATION_PROVIDER === 'log') return new LoggingProvider();
  if (!NOTIFICATION_TOPIC_ARN) throw new Error('NOTIFICATION_TOPIC_ARN is required when NOTIFICATION_PROVIDER is sns');
  sns ??= new SNSClient(process.env.AWS_ENDPOINT_URL ? { endpoint: process.env.AWS_ENDPOINT_URL } : {});
  return new SnsProvider({ client: { publish: (input) => sns!.send(new PublishCommand(input)) }, topicArn: NOTIFICATION_TOPIC_ARN });
}

/**
 * Queues a notification once per key and type, claimed for this sender, and sends it right away;
 * what the provider refuses waits for the platform's sweep (`deliverDue`), which also takes over a
 * send that died with its lease. One write to queue and claim, one to settle.
 *
 * `retriedOnFailure`: the caller is a step its state machine retries on every error (so a send
 * that dies is run again). Its first send then stays out of the sweep's index, which halves the
 * write units of a notification; the retry, finding it unsettled, puts it in the index for the
 * sweep to take over after the lease, as if it had been there from the start.
 */
export async function notify(notification: Notification, { retriedOnFailure = false }: { retriedOnFailure?: boolean } = {}): Promise<'queued' | 'duplicate'> {
  const outbox = new NotificationOutbox();
  const now = nowIso();
  const item = await outbox.enqueueClaimed(notification, { now, leaseMs: DEFAULT_LEASE_MS, indexed: !retriedOnFailure });
  if (!item) {
    if (retriedOnFailure && (await outbox.indexUnsettled(notification))) logger.info('notification left to the sweep', { type: notification.type, key: notification.key, outcome: 'sender retried' });
    return 'duplicate';
  }
  const outcome = await sendClaimed(item, { outbox, provider: provider(), contacts: new RecordsContactDirectory(), now });
  if (outcome !== 'sent') logger.info('notification left to the sweep', { type: item.type, key: item.key, outcome });
  return 'queued';
}

/** Sends what is due; a provider failure leaves it for the next sweep. */
export async function deliverDue() {
  const counts = await deliverPending({ outbox: new NotificationOutbox(), provider: provider(), contacts: new RecordsContactDirectory() });
  if (counts.sent || counts.retried || counts.failed) logger.info('notifications delivered', { ...counts });
  return counts;
}
