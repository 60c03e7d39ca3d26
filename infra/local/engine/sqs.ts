/**
 * In-memory Amazon SQS (standard queues) with the JSON-protocol API shapes the AWS SDK v3 sends
 * (awsJson1_0, `X-Amz-Target: AmazonSQS.<Action>`). The HTTP server maps each action to the method
 * of the same name; errors are thrown as AwsServiceError with the JSON-protocol error codes. The
 * query protocol older clients send (forms in, XML out) runs these same methods: `sqs-query.ts`.
 *
 * Not modelled: FIFO ordering/deduplication, retention expiry, redrive policies, batch actions.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-error';
import { LOCAL_ACCOUNT, LOCAL_REGION, localArn, type LocalQueue } from './model';

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as blobs travel in the JSON protocol. */
  BinaryValue?: string;
}

export type MessageAttributes = Record<string, MessageAttributeValue>;

export interface SendMessageInput {
  QueueUrl: string;
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: MessageAttributes;
  MessageSystemAttributes?: unknown;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

export interface SendMessageOutput {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
}

export interface ReceiveMessageInput {
  QueueUrl: string;
  MaxNumberOfMessages?: number;
  VisibilityTimeout?: number;
  WaitTimeSeconds?: number;
  /** Deprecated alias of MessageSystemAttributeNames; the SDK may still send it. */
  AttributeNames?: string[];
  MessageSystemAttributeNames?: string[];
  MessageAttributeNames?: string[];
  ReceiveRequestAttemptId?: string;
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: MessageAttributes;
}

export interface LocalSqsOptions {
  /** Clock for visibility timeouts and delays (a virtual clock in the local platform). */
  now?: () => number;
  /** Host part of the URLs of queues made with createQueue. */
  baseUrl?: string;
  /** Real-time cap on long polling: waiting 20 s for nothing helps no local run. */
  maxWaitMs?: number;
}

interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes?: MessageAttributes;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Only the newest handle deletes the message (the SQS DeleteMessage contract). */
  receiptHandle?: string;
}

interface Queue extends LocalQueue {
  createdAt: number;
  messages: StoredMessage[];
  waiters: Set<() => void>;
}

const DEFAULT_VISIBILITY_TIMEOUT = 30;
const MAX_VISIBILITY_TIMEOUT = 43_200;
const MAX_DELAY_SECONDS = 900;
const MAX_WAIT_SECONDS = 20;
const MAX_MESSAGE_BYTES = 262_144;
const MAX_MESSAGE_ATTRIBUTES = 10;
const RETENTION_SECONDS = 345_600;
const POLL_INTERVAL_MS = 25;
const SYSTEM_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'];
const QUEUE_ATTRIBUTES = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'VisibilityTimeout',
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
];
// The characters SQS accepts in a message body (SendMessage API reference).
const INVALID_BODY_CHARS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$/;

const queueDoesNotExist = () => new AwsServiceError('QueueDoesNotExist', 'The specified queue does not exist.');
const invalidValue = (name: string, value: unknown, reason: string) =>
  new AwsServiceError('InvalidParameterValue', `Value ${value} for parameter ${name} is invalid. Reason: ${reason}`);

export class LocalSqs {
  private readonly byUrl = new Map<string, Queue>();
  private readonly byArn = new Map<string, Queue>();
  private readonly byName = new Map<string, Queue>();
  private readonly now: () => number;
  private readonly baseUrl: string;
  private readonly maxWaitMs: number;

  constructor(queues: LocalQueue[] = [], options: LocalSqsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.baseUrl = (options.baseUrl ?? `https://sqs.${LOCAL_REGION}.amazonaws.com`).replace(/\/+$/, '');
    this.maxWaitMs = options.maxWaitMs ?? 1000;
    for (const queue of queues) this.add(queue);
  }

  /** Idempotent, like CreateQueue with the same (default) attributes. */
  createQueue(name: string): LocalQueue {
    const existing = this.byName.get(name);
    if (existing) return describe(existing);
    if (!QUEUE_NAME.test(name)) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    return describe(
      this.add({ logicalId: name, name, arn: localArn('sqs', name), url: `${this.baseUrl}/${LOCAL_ACCOUNT}/${name}` }),
    );
  }

  queues(): LocalQueue[] {
    return [...this.byName.values()].map(describe);
  }

  /** A queue by URL (any host: only the trailing name counts when the URL is not known), ARN or name. */
  findQueue(ref: string): LocalQueue | undefined {
    const queue = this.lookup(ref);
    return queue && describe(queue);
  }

  /** For EventBridge and Lambda dead-letter queues. Resolves to the MessageId. */
  async sendToArn(
    arn: string,
    body: string,
    attributes?: Record<string, string | MessageAttributeValue>,
  ): Promise<string> {
    const queue = this.byArn.get(arn) ?? this.lookup(arn);
    if (!queue) throw queueDoesNotExist();
    const messageAttributes = attributes
      ? Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [
            name,
            typeof value === 'string' ? { DataType: 'String', StringValue: value } : value,
          ]),
        )
      : undefined;
    const { MessageId } = await this.SendMessage({ QueueUrl: queue.url, MessageBody: body, MessageAttributes: messageAttributes });
    return MessageId;
  }

  // -------------------------------------------------------------------------------------------
  // API actions

  async SendMessage(input: SendMessageInput): Promise<SendMessageOutput> {
    const queue = this.queue(input.QueueUrl);
    const body = input.MessageBody;
    if (typeof body !== 'string' || body === '') {
      throw new AwsServiceError('MissingParameter', 'The request must contain the parameter MessageBody.');
    }
    if (INVALID_BODY_CHARS.test(body)) {
      throw new AwsServiceError(
        'InvalidMessageContents',
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      );
    }
    const delay = integer(input.DelaySeconds, 'DelaySeconds', 0, MAX_DELAY_SECONDS, `Must be >= 0 and <= ${MAX_DELAY_SECONDS}, if provided.`) ?? 0;
    const attributes = validateAttributes(input.MessageAttributes);
    const size = Buffer.byteLength(body) + attributesSize(attributes);
    if (size > MAX_MESSAGE_BYTES) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
      );
    }
    const now = this.now();
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      md5OfBody: md5(body),
      attributes,
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
    };
    queue.messages.push(message);
    for (const wake of queue.waiters) wake();
    return {
      MessageId: message.id,
      MD5OfMessageBody: message.md5OfBody,
      ...(attributes && { MD5OfMessageAttributes: md5OfMessageAttributes(attributes) }),
    };
  }

  async ReceiveMessage(input: ReceiveMessageInput): Promise<{ Messages?: ReceivedMessage[] }> {
    const queue = this.queue(input.QueueUrl);
    const max = integer(input.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
    const visibilityTimeout =
      integer(input.VisibilityTimeout, 'VisibilityTimeout', 0, MAX_VISIBILITY_TIMEOUT, `Must be >= 0 and <= ${MAX_VISIBILITY_TIMEOUT}, if provided.`) ??
      DEFAULT_VISIBILITY_TIMEOUT;
    const waitSeconds = integer(input.WaitTimeSeconds, 'WaitTimeSeconds', 0, MAX_WAIT_SECONDS, `Must be >= 0 and <= ${MAX_WAIT_SECONDS}, if provided.`) ?? 0;
    const systemNames = new Set([...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])]);
    const attributeNames = input.MessageAttributeNames ?? [];

    const deadline = Date.now() + Math.min(waitSeconds * 1000, this.maxWaitMs);
    let taken = this.take(queue, max, visibilityTimeout);
    while (taken.length === 0 && Date.now() < deadline) {
      // Woken by a send; the timer also catches messages made visible by the (virtual) clock.
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          queue.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(POLL_INTERVAL_MS, Math.max(0, deadline - Date.now())));
        queue.waiters.add(wake);
      });
      taken = this.take(queue, max, visibilityTimeout);
    }
    if (taken.length === 0) return {}; // AWS omits Messages when there are none
    return { Messages: taken.map((message) => render(message, systemNames, attributeNames)) };
  }

  async DeleteMessage(input: { QueueUrl: string; ReceiptHandle: string }): Promise<Record<string, never>> {
    const queue = this.queue(input.QueueUrl);
    const messageId = parseReceiptHandle(input.ReceiptHandle);
    if (!messageId) {
      throw new AwsServiceError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${input.ReceiptHandle}" is not a valid receipt handle.`,
      );
    }
    // A stale handle (the message was received again since) succeeds without deleting, as in SQS.
    const index = queue.messages.findIndex((m) => m.id === messageId && m.receiptHandle === input.ReceiptHandle);
    if (index !== -1) queue.messages.splice(index, 1);
    return {};
  }

  async GetQueueUrl(input: { QueueName: string; QueueOwnerAWSAccountId?: string }): Promise<{ QueueUrl: string }> {
    const queue = this.byName.get(input.QueueName);
    if (!queue) throw queueDoesNotExist();
    return { QueueUrl: queue.url };
  }

  async GetQueueAttributes(input: {
    QueueUrl: string;
    AttributeNames?: string[];
  }): Promise<{ Attributes?: Record<string, string> }> {
    const queue = this.queue(input.QueueUrl);
    const requested = input.AttributeNames ?? [];
    for (const name of requested) {
      if (name !== 'All' && !QUEUE_ATTRIBUTES.includes(name)) {
        throw new AwsServiceError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    const names = requested.includes('All') ? QUEUE_ATTRIBUTES : requested;
    if (names.length === 0) return {};
    const now = this.now();
    const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
    const inFlight = queue.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length;
    const delayed = queue.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length;
    const values: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      VisibilityTimeout: String(DEFAULT_VISIBILITY_TIMEOUT),
      DelaySeconds: '0',
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      MessageRetentionPeriod: String(RETENTION_SECONDS),
      ReceiveMessageWaitTimeSeconds: '0',
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    };
    return { Attributes: Object.fromEntries(names.map((name) => [name, values[name]])) };
  }

  async PurgeQueue(input: { QueueUrl: string }): Promise<Record<string, never>> {
    this.queue(input.QueueUrl).messages.length = 0;
    return {};
  }

  async ListQueues(
    input: { QueueNamePrefix?: string; MaxResults?: number; NextToken?: string } = {},
  ): Promise<{ QueueUrls?: string[]; NextToken?: string }> {
    const urls = [...this.byName.values()]
      .filter((queue) => !input.QueueNamePrefix || queue.name.startsWith(input.QueueNamePrefix))
      .map((queue) => queue.url)
      .sort();
    const max = integer(input.MaxResults, 'MaxResults', 1, 1000, 'Must be between 1 and 1000, if provided.');
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('InvalidParameterValue', 'Invalid NextToken value.');
    // Like AWS, NextToken is only used when MaxResults is.
    const page = max === undefined ? urls : urls.slice(start, start + max);
    const next = max !== undefined && start + max < urls.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
    return { ...(page.length > 0 && { QueueUrls: page }), ...(next && { NextToken: next }) };
  }

  // -------------------------------------------------------------------------------------------

  private add(queue: LocalQueue): Queue {
    const stored: Queue = { ...queue, createdAt: this.now(), messages: [], waiters: new Set() };
    this.byUrl.set(queue.url, stored);
    this.byArn.set(queue.arn, stored);
    this.byName.set(queue.name, stored);
    return stored;
  }

  private lookup(ref: string | undefined): Queue | undefined {
    if (typeof ref !== 'string' || ref === '') return undefined;
    const direct = this.byUrl.get(ref) ?? this.byArn.get(ref) ?? this.byName.get(ref);
    if (direct) return direct;
    // Clients build URLs against whatever endpoint they were given: match `/<account>/<name>`.
    const match = /\/(\d{12})\/([^/?#]+)\/?(?:[?#].*)?$/.exec(ref);
    return match && match[1] === LOCAL_ACCOUNT ? this.byName.get(decodeURIComponent(match[2])) : undefined;
  }

  private queue(ref: string | undefined): Queue {
    if (typeof ref !== 'string' || ref === '') {
      throw new AwsServiceError('MissingParameter', 'The request must contain the parameter QueueUrl.');
    }
    const queue = this.lookup(ref);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  private take(queue: Queue, max: number, visibilityTimeout: number): StoredMessage[] {
    const now = this.now();
    const taken: StoredMessage[] = [];
    for (const message of queue.messages) {
      if (taken.length === max) break;
      if (message.visibleAt > now) continue;
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityTimeout * 1000;
      message.receiptHandle = makeReceiptHandle(message.id);
      taken.push(message);
    }
    return taken;
  }
}

function describe({ logicalId, name, arn, url }: Queue): LocalQueue {
  return { logicalId, name, arn, url };
}

function render(message: StoredMessage, systemNames: Set<string>, attributeNames: string[]): ReceivedMessage {
  const out: ReceivedMessage = {
    MessageId: message.id,
    ReceiptHandle: message.receiptHandle!,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
  };
  const wanted = systemNames.has('All') ? SYSTEM_ATTRIBUTES : SYSTEM_ATTRIBUTES.filter((name) => systemNames.has(name));
  if (wanted.length > 0) {
    const values: Record<string, string> = {
      SenderId: LOCAL_ACCOUNT,
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    };
    out.Attributes = Object.fromEntries(wanted.map((name) => [name, values[name]]));
  }
  const selected = selectAttributes(message.attributes, attributeNames);
  if (selected) {
    out.MessageAttributes = selected;
    out.MD5OfMessageAttributes = md5OfMessageAttributes(selected);
  }
  return out;
}

// `All`, `.*`, exact names and `prefix.*`, as ReceiveMessage documents for MessageAttributeNames.
function selectAttributes(attributes: MessageAttributes | undefined, names: string[]): MessageAttributes | undefined {
  if (!attributes || names.length === 0) return undefined;
  const matches = (name: string) =>
    names.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
  const selected = Object.entries(attributes).filter(([name]) => matches(name));
  return selected.length > 0 ? Object.fromEntries(selected) : undefined;
}

function validateAttributes(attributes: MessageAttributes | undefined): MessageAttributes | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  const entries = Object.entries(attributes);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw new AwsServiceError(
      'InvalidParameterValue',
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  }
  for (const [name, value] of entries) {
    if (!value?.DataType) {
      throw new AwsServiceError('InvalidParameterValue', `The message attribute '${name}' must contain non-empty message attribute type.`);
    }
    const binary = value.DataType.startsWith('Binary');
    if (!binary && !value.DataType.startsWith('String') && !value.DataType.startsWith('Number')) {
      throw new AwsServiceError('InvalidParameterValue', `The type of message attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (binary ? !value.BinaryValue : value.StringValue === undefined || value.StringValue === '') {
      throw new AwsServiceError('InvalidParameterValue', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${value.DataType}'.`);
    }
  }
  return structuredClone(attributes);
}

function attributesSize(attributes: MessageAttributes | undefined): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + attributeBytes(value).length;
  }
  return size;
}

function attributeBytes(value: MessageAttributeValue): Buffer {
  return value.DataType.startsWith('Binary')
    ? Buffer.from(value.BinaryValue ?? '', 'base64')
    : Buffer.from(value.StringValue ?? '', 'utf8');
}

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/**
 * The digest SQS returns in MD5OfMessageAttributes (SQS Developer Guide, "Calculating the MD5
 * message digest for message attributes"): attributes sorted by name, each encoded as
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary) and the
 * length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes): string {
  const parts: Buffer[] = [];
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name];
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(value.DataType, 'utf8'));
    parts.push(Buffer.from([value.DataType.startsWith('Binary') ? 2 : 1]));
    lengthPrefixed(attributeBytes(value));
  }
  return md5(Buffer.concat(parts));
}

function makeReceiptHandle(messageId: string): string {
  return Buffer.from(`${messageId} ${randomUUID()}`).toString('base64');
}

function parseReceiptHandle(handle: unknown): string | undefined {
  if (typeof handle !== 'string' || handle === '') return undefined;
  const match = /^([0-9a-f-]{36}) [0-9a-f-]{36}$/.exec(Buffer.from(handle, 'base64').toString());
  return match?.[1];
}

function integer(value: unknown, name: string, min: number, max: number, reason: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidValue(name, value, reason);
  }
  return value;
}
