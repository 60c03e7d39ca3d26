import { describe, expect, it } from 'vitest';
import { AwsServiceError } from './aws-error';
import type { LocalQueue } from './model';
import { LocalSqs } from './sqs';

const QUEUE: LocalQueue = {
  logicalId: 'DeadLetters',
  name: 'shop-platform-dlq',
  arn: 'arn:aws:sqs:us-east-1:000000000000:shop-platform-dlq',
  url: 'http://localhost:4566/000000000000/shop-platform-dlq',
};

function setup() {
  let clock = Date.parse('2026-11-23T10:00:00Z');
  const sqs = new LocalSqs([QUEUE], { now: () => clock });
  return { sqs, advance: (ms: number) => (clock += ms), at: () => clock };
}

async function expectAwsError(promise: Promise<unknown>, code: string, message?: string | RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsServiceError);
  expect((error as AwsServiceError).code).toBe(code);
  expect((error as AwsServiceError).status).toBe(400);
  if (message !== undefined) expect((error as AwsServiceError).message).toMatch(message);
}

describe('SendMessage', () => {
  it('returns the message id and the MD5 digests SQS computes', async () => {
    const { sqs } = setup();
    // Digests pinned against AWS by moto's SQS tests.
    const out = await sqs.SendMessage({
      QueueUrl: QUEUE.url,
      MessageBody: 'derp',
      MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } },
    });
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.MD5OfMessageBody).toBe('58fd9edd83341c29f1aebba81c31e257');
    expect(out.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
  });

  it.each([
    ['an empty body', { MessageBody: '' }, 'MissingParameter', 'The request must contain the parameter MessageBody.'],
    ['a control character', { MessageBody: 'a\u0001b' }, 'InvalidMessageContents', /^Invalid characters found/],
    ['a body over 256 KiB', { MessageBody: 'x'.repeat(262_145) }, 'InvalidParameterValue', /Message must be shorter than 262144 bytes/],
    ['DelaySeconds over 900', { MessageBody: 'x', DelaySeconds: 901 }, 'InvalidParameterValue', 'Value 901 for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= 900, if provided.'],
    ['an attribute without a type', { MessageBody: 'x', MessageAttributes: { a: { StringValue: 'v' } } }, 'InvalidParameterValue', /must contain non-empty message attribute type/],
  ])('rejects %s', async (_name, input, code, message) => {
    const { sqs } = setup();
    await expectAwsError(sqs.SendMessage({ QueueUrl: QUEUE.url, ...(input as { MessageBody: string }) }), code, message);
  });

  it('holds a delayed message back until DelaySeconds have passed on the clock', async () => {
    const { sqs, advance } = setup();
    await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'later', DelaySeconds: 5 });
    expect(await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).toEqual({});
    const attributes = await sqs.GetQueueAttributes({ QueueUrl: QUEUE.url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] });
    expect(attributes).toEqual({ Attributes: { ApproximateNumberOfMessagesDelayed: '1' } });
    advance(5000);
    expect((await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).Messages?.[0].Body).toBe('later');
  });
});

describe('ReceiveMessage', () => {
  it('returns the message with its receipt handle, body digest and requested attributes', async () => {
    const { sqs, at } = setup();
    const sent = await sqs.SendMessage({
      QueueUrl: QUEUE.url,
      MessageBody: 'hello',
      MessageAttributes: {
        'trace.id': { DataType: 'String', StringValue: 't-1' },
        other: { DataType: 'Binary', BinaryValue: Buffer.from('hi').toString('base64') },
      },
    });
    const { Messages } = await sqs.ReceiveMessage({
      QueueUrl: QUEUE.url,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['trace.*'],
    });
    expect(Messages).toHaveLength(1);
    const [message] = Messages!;
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      MD5OfBody: '5d41402abc4b2a76b9719d911017c592',
      Body: 'hello',
      Attributes: {
        SenderId: '000000000000',
        SentTimestamp: String(at()),
        ApproximateReceiveCount: '1',
        ApproximateFirstReceiveTimestamp: String(at()),
      },
      MessageAttributes: { 'trace.id': { DataType: 'String', StringValue: 't-1' } },
    });
    expect(message.MessageAttributes).not.toHaveProperty('other');
    expect(message.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(message.ReceiptHandle).toEqual(expect.any(String));
  });

  it('leaves out Attributes and MessageAttributes that were not asked for', async () => {
    const { sqs } = setup();
    await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'x', MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } });
    const [message] = (await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).Messages!;
    expect(Object.keys(message).sort()).toEqual(['Body', 'MD5OfBody', 'MessageId', 'ReceiptHandle']);
  });

  it('returns at most MaxNumberOfMessages, oldest first', async () => {
    const { sqs } = setup();
    for (const body of ['1', '2', '3']) await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: body });
    const first = await sqs.ReceiveMessage({ QueueUrl: QUEUE.url, MaxNumberOfMessages: 2 });
    expect(first.Messages!.map((m) => m.Body)).toEqual(['1', '2']);
    const rest = await sqs.ReceiveMessage({ QueueUrl: QUEUE.url, MaxNumberOfMessages: 10 });
    expect(rest.Messages!.map((m) => m.Body)).toEqual(['3']);
  });

  it.each([
    ['MaxNumberOfMessages', 11, 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'],
    ['MaxNumberOfMessages', 0, 'Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'],
    ['WaitTimeSeconds', 21, 'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.'],
    ['VisibilityTimeout', 43_201, 'Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.'],
  ])('rejects %s %d', async (name, value, message) => {
    const { sqs } = setup();
    await expectAwsError(sqs.ReceiveMessage({ QueueUrl: QUEUE.url, [name]: value }), 'InvalidParameterValue', message);
  });

  it('hides a received message for the visibility timeout (default 30 s) on the injected clock', async () => {
    const { sqs, advance } = setup();
    await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'job' });
    const first = await sqs.ReceiveMessage({ QueueUrl: QUEUE.url });
    expect(first.Messages).toHaveLength(1);

    expect(await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).toEqual({});
    expect(await sqs.GetQueueAttributes({ QueueUrl: QUEUE.url, AttributeNames: ['All'] })).toMatchObject({
      Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' },
    });

    advance(29_999);
    expect(await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).toEqual({});
    advance(1);
    const again = await sqs.ReceiveMessage({ QueueUrl: QUEUE.url, AttributeNames: ['ApproximateReceiveCount'] });
    expect(again.Messages![0]).toMatchObject({ Body: 'job', Attributes: { ApproximateReceiveCount: '2' } });
    expect(again.Messages![0].ReceiptHandle).not.toBe(first.Messages![0].ReceiptHandle);
  });

  it('honours a VisibilityTimeout given on the receive', async () => {
    const { sqs, advance } = setup();
    await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'job' });
    await sqs.ReceiveMessage({ QueueUrl: QUEUE.url, VisibilityTimeout: 2 });
    advance(1999);
    expect(await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).toEqual({});
    advance(1);
    expect((await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).Messages).toHaveLength(1);
  });

  it('long-polls: a receive waiting on an empty queue gets a message sent meanwhile', async () => {
    const { sqs } = setup();
    const receiving = sqs.ReceiveMessage({ QueueUrl: QUEUE.url, WaitTimeSeconds: 20 });
    setTimeout(() => void sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'late' }), 30);
    const started = Date.now();
    const { Messages } = await receiving;
    expect(Messages?.[0].Body).toBe('late');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('long polling gives up after the local cap (1 s) with no messages', async () => {
    const { sqs } = setup();
    const started = Date.now();
    expect(await sqs.ReceiveMessage({ QueueUrl: QUEUE.url, WaitTimeSeconds: 20 })).toEqual({});
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(1500);
  });
});

describe('DeleteMessage', () => {
  it('deletes a received message with its receipt handle', async () => {
    const { sqs, advance } = setup();
    await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'job' });
    const [message] = (await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).Messages!;
    expect(await sqs.DeleteMessage({ QueueUrl: QUEUE.url, ReceiptHandle: message.ReceiptHandle })).toEqual({});
    advance(60_000);
    expect(await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).toEqual({});
    expect(await sqs.GetQueueAttributes({ QueueUrl: QUEUE.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] })).toEqual({
      Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' },
    });
  });

  it('accepts a stale receipt handle without deleting the message (only the newest one deletes)', async () => {
    const { sqs, advance } = setup();
    await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'job' });
    const [first] = (await sqs.ReceiveMessage({ QueueUrl: QUEUE.url, VisibilityTimeout: 1 })).Messages!;
    advance(1000);
    const [second] = (await sqs.ReceiveMessage({ QueueUrl: QUEUE.url, VisibilityTimeout: 1 })).Messages!;
    await sqs.DeleteMessage({ QueueUrl: QUEUE.url, ReceiptHandle: first.ReceiptHandle });
    advance(1000);
    expect((await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).Messages).toHaveLength(1);
    expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
  });

  it('rejects a receipt handle it never issued', async () => {
    const { sqs } = setup();
    await expectAwsError(
      sqs.DeleteMessage({ QueueUrl: QUEUE.url, ReceiptHandle: 'garbage' }),
      'ReceiptHandleIsInvalid',
      'The input receipt handle "garbage" is not a valid receipt handle.',
    );
  });
});

describe('queues', () => {
  it.each([
    ['its URL', QUEUE.url],
    ['its ARN', QUEUE.arn],
    ['its name', QUEUE.name],
    ['a URL on another host', 'https://sqs.us-east-1.amazonaws.com/000000000000/shop-platform-dlq'],
  ])('addresses a queue by %s', async (_how, ref) => {
    const { sqs } = setup();
    await sqs.SendMessage({ QueueUrl: ref, MessageBody: 'x' });
    expect((await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).Messages).toHaveLength(1);
  });

  const unknown = 'http://localhost:4566/000000000000/nope';
  it.each([
    ['SendMessage', (sqs: LocalSqs) => sqs.SendMessage({ QueueUrl: unknown, MessageBody: 'x' })],
    ['ReceiveMessage', (sqs: LocalSqs) => sqs.ReceiveMessage({ QueueUrl: unknown })],
    ['DeleteMessage', (sqs: LocalSqs) => sqs.DeleteMessage({ QueueUrl: unknown, ReceiptHandle: 'h' })],
    ['GetQueueUrl', (sqs: LocalSqs) => sqs.GetQueueUrl({ QueueName: 'nope' })],
    ['GetQueueAttributes', (sqs: LocalSqs) => sqs.GetQueueAttributes({ QueueUrl: unknown, AttributeNames: ['All'] })],
    ['PurgeQueue', (sqs: LocalSqs) => sqs.PurgeQueue({ QueueUrl: unknown })],
    ['sendToArn', (sqs: LocalSqs) => sqs.sendToArn('arn:aws:sqs:us-east-1:000000000000:nope', 'x')],
    ['a queue of another account', (sqs: LocalSqs) => sqs.SendMessage({ QueueUrl: 'http://localhost:4566/111111111111/shop-platform-dlq', MessageBody: 'x' })],
  ])('%s on an unknown queue fails with QueueDoesNotExist', async (_action, call) => {
    const { sqs } = setup();
    await expectAwsError(call(sqs), 'QueueDoesNotExist', 'The specified queue does not exist.');
  });

  it('GetQueueUrl, ListQueues and createQueue', async () => {
    const { sqs } = setup();
    expect(await sqs.GetQueueUrl({ QueueName: QUEUE.name })).toEqual({ QueueUrl: QUEUE.url });
    const created = sqs.createQueue('orders-work');
    expect(created).toEqual({
      logicalId: 'orders-work',
      name: 'orders-work',
      arn: 'arn:aws:sqs:us-east-1:000000000000:orders-work',
      url: 'https://sqs.us-east-1.amazonaws.com/000000000000/orders-work',
    });
    expect(sqs.createQueue('orders-work')).toEqual(created);
    expect(await sqs.ListQueues({})).toEqual({ QueueUrls: [QUEUE.url, created.url] });
    expect(await sqs.ListQueues({ QueueNamePrefix: 'orders' })).toEqual({ QueueUrls: [created.url] });
    expect(await sqs.ListQueues({ QueueNamePrefix: 'none' })).toEqual({});
    const page = await sqs.ListQueues({ MaxResults: 1 });
    expect(page.QueueUrls).toEqual([QUEUE.url]);
    expect(await sqs.ListQueues({ MaxResults: 1, NextToken: page.NextToken })).toEqual({ QueueUrls: [created.url] });
    expect(() => sqs.createQueue('bad name!')).toThrow(AwsServiceError);
  });

  it('GetQueueAttributes returns what is asked for and rejects unknown names', async () => {
    const { sqs } = setup();
    expect(await sqs.GetQueueAttributes({ QueueUrl: QUEUE.url, AttributeNames: ['QueueArn'] })).toEqual({
      Attributes: { QueueArn: QUEUE.arn },
    });
    expect(await sqs.GetQueueAttributes({ QueueUrl: QUEUE.url })).toEqual({});
    await expectAwsError(
      sqs.GetQueueAttributes({ QueueUrl: QUEUE.url, AttributeNames: ['Bogus'] }),
      'InvalidAttributeName',
      'Unknown Attribute Bogus.',
    );
  });

  it('PurgeQueue removes every message', async () => {
    const { sqs } = setup();
    await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'a' });
    await sqs.SendMessage({ QueueUrl: QUEUE.url, MessageBody: 'b' });
    expect(await sqs.PurgeQueue({ QueueUrl: QUEUE.url })).toEqual({});
    expect(await sqs.ReceiveMessage({ QueueUrl: QUEUE.url })).toEqual({});
  });

  it('sendToArn writes String message attributes', async () => {
    const { sqs } = setup();
    await sqs.sendToArn(QUEUE.arn, '{"a":1}', { ERROR_CODE: 'NO_RESOURCE', Count: { DataType: 'Number', StringValue: '3' } });
    const [message] = (await sqs.ReceiveMessage({ QueueUrl: QUEUE.url, MessageAttributeNames: ['All'] })).Messages!;
    expect(message.Body).toBe('{"a":1}');
    expect(message.MessageAttributes).toEqual({
      ERROR_CODE: { DataType: 'String', StringValue: 'NO_RESOURCE' },
      Count: { DataType: 'Number', StringValue: '3' },
    });
  });
});
