import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { findContract } from '../../../events/catalog';
import { eventBridge, sqs } from '../../../shared/aws';
import { nowIso } from '../../../shared/clock';
import { DynamoTable } from '../../../shared/dynamo';
import { ConfigurationError } from '../../../shared/env';
import { Quarantine } from '../../../shared/records/quarantine';
import { toFieldErrors, type FieldError } from '../../../shared/validation';
import { opsEnv } from '../ops-env';
import { DEAD_LETTER_REDRIVE_LIMIT, DEAD_LETTER_VISIBILITY_SECONDS } from './policy';
import { maskedDetail } from './quarantine';

/**
 * Events in the bus's dead-letter queue: ones a rule could not deliver, or whose target's handler
 * still failed after Lambda's retries. They are listed (a sample and the count) and redriven by
 * putting each back on the bus, where every rule matching it gets it again; that is safe because
 * every flow start and effect happens once per business key. A message that is not an event, or
 * an event that fails its contract (it would only fail again: a handler that validates sent it
 * here), is moved to the quarantine with the reason and field errors, never dropped.
 */

interface Envelope {
  id?: string;
  source?: string;
  'detail-type'?: string;
  detail?: unknown;
}

function config() {
  const { DEAD_LETTER_QUEUE_URL: queueUrl, EVENT_BUS_NAME: bus } = opsEnv();
  if (!queueUrl || !bus) throw new ConfigurationError('Environment is incomplete: DEAD_LETTER_QUEUE_URL and EVENT_BUS_NAME (dead letters go back on the bus)');
  return { queueUrl, bus };
}

function envelopeOf(message: Message): Envelope | undefined {
  try {
    const parsed = JSON.parse(message.Body ?? '') as Envelope;
    return typeof parsed?.source === 'string' && typeof parsed['detail-type'] === 'string' && parsed.detail !== undefined ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const failureOf = (message: Message) => message.MessageAttributes?.ErrorMessage?.StringValue ?? message.MessageAttributes?.ERROR_MESSAGE?.StringValue;

/** How many dead letters wait, and the first few (looked at, not taken: they stay visible). */
export async function listDeadLetters() {
  const { queueUrl } = config();
  const attributes = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ['All'] }));
  return {
    waiting: Number(attributes.Attributes?.ApproximateNumberOfMessages ?? Messages.length),
    sample: Messages.map((message) => {
      const event = envelopeOf(message);
      const error = failureOf(message);
      return {
        messageId: message.MessageId!,
        ...(event ? { source: event.source!, detailType: event['detail-type']!, detail: maskedDetail(event.source!, event['detail-type']!, event.detail) } : {}),
        ...(error ? { error } : {}),
      };
    }),
  };
}

/** Puts dead letters back on the bus (up to the per-call limit) and deletes each one put. */
export async function redriveDeadLetters(by: string) {
  const { queueUrl, bus } = config();
  const results: Array<{ messageId: string; source?: string; detailType?: string; result: 'redriven' | 'quarantined' | 'failed'; reason?: string }> = [];
  while (results.length < DEAD_LETTER_REDRIVE_LIMIT) {
    const { Messages = [] } = await sqs().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: DEAD_LETTER_VISIBILITY_SECONDS, MessageAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) results.push(await redriveOne(message, queueUrl, bus, by));
  }
  const count = (result: string) => results.filter((r) => r.result === result).length;
  const { Attributes } = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return {
    redriven: count('redriven'),
    quarantined: count('quarantined'),
    failed: count('failed'),
    waiting: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    results,
  };
}

async function redriveOne(message: Message, queueUrl: string, bus: string, by: string) {
  const messageId = message.MessageId!;
  const event = envelopeOf(message);
  const remove = () => sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
  const quarantine = async (entry: { id: string; source: string; detailType: string; reason: string; errors: FieldError[] }) => {
    await new Quarantine(new DynamoTable(opsEnv().QUARANTINE_TABLE, 'id')).keep({ ...entry, receivedAt: nowIso(), flow: '(dead-letter queue)', event: message.Body ?? '' });
    await remove();
    return { messageId, ...(entry.source !== '(unknown)' ? { source: entry.source, detailType: entry.detailType } : {}), result: 'quarantined' as const, reason: entry.reason };
  };
  if (!event) return quarantine({ id: `dead-letter-${messageId}`, source: '(unknown)', detailType: '(unknown)', reason: `a dead letter that is not an event, moved here by ${by}`, errors: [] });
  const checked = findContract(event.source!, event['detail-type']!)?.safeParse(event.detail);
  if (checked && !checked.success) {
    return quarantine({
      id: event.id ?? `dead-letter-${messageId}`,
      source: event.source!,
      detailType: event['detail-type']!,
      reason: `${event['detail-type']} is invalid (from the dead-letter queue, moved here by ${by})`,
      errors: toFieldErrors(checked.error, 'detail'),
    });
  }
  const put = await eventBridge().send(
    new PutEventsCommand({ Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), EventBusName: bus }] }),
  );
  const entry = put.Entries?.[0];
  const where = { messageId, source: event.source, detailType: event['detail-type'] };
  // Not deleted when the bus refused it: it becomes visible again for the next redrive.
  if (!entry?.EventId) return { ...where, result: 'failed' as const, reason: `${entry?.ErrorCode ?? 'no entry'} ${entry?.ErrorMessage ?? ''}`.trim() };
  await remove();
  return { ...where, result: 'redriven' as const };
}
