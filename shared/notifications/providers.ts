import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { logger } from '../logger';
import type { NotificationType } from './model';

/** Where a notification leaves the platform: SNS in AWS, a log line on the local platform. */

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
