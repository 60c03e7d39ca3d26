import { createHash } from 'node:crypto';
import type http from 'node:http';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { QueueDoesNotExist as JsonQueueDoesNotExist, SendMessageCommand as JsonSendMessage, ReceiveMessageCommand as JsonReceiveMessage, SQSClient as JsonSqsClient } from '@aws-sdk/client-sqs';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from 'sqs-query-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsServer } from './aws-server';
import { VirtualClock } from './clock';
import { LocalS3 } from './s3/service';
import { LocalSqs } from './sqs';

/**
 * The SQS query protocol on the AWS endpoint, driven by an SDK v3 release from before SQS's JSON
 * protocol (`sqs-query-client`, an alias of `@aws-sdk/client-sqs` 3.438.0, which sends forms and
 * parses XML), by hand-written forms checked against the documented XML, and next to the current
 * JSON client and S3 on the same endpoint.
 */
let server: http.Server;
let endpoint: string;
let sqs: SQSClient;
let json: JsonSqsClient;
let s3: S3Client;
let queueUrl: string;
const clock = new VirtualClock();
const credentials = { accessKeyId: 'any', secretAccessKey: 'any' };
const services: Record<string, never> = {};
/** What reached the endpoint: proof of the protocol each client speaks. */
const seen: Array<{ method?: string; path?: string; type?: string; target?: string }> = [];

beforeAll(async () => {
  server = createAwsServer({
    services,
    dynamoDbEndpoint: 'http://127.0.0.1:1',
    s3: new LocalS3([{ logicalId: 'Images', stackName: 'Test', name: 'images', arn: 'arn:aws:s3:::images' }], { now: () => clock.now() }),
    clock,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  server.prependListener('request', (request: http.IncomingMessage) =>
    seen.push({ method: request.method, path: request.url, type: request.headers['content-type'], target: request.headers['x-amz-target'] as string | undefined }),
  );
  // Queues named after the endpoint, as the platform names the template's.
  const local = new LocalSqs([], { now: () => clock.now(), baseUrl: endpoint });
  queueUrl = local.createQueue('work').url;
  local.createQueue('work-dlq');
  local.createQueue('other');
  services.AmazonSQS = local as never;
  sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials });
  json = new JsonSqsClient({ endpoint, region: 'us-east-1', credentials });
  s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials });
});

afterAll(async () => {
  for (const client of [sqs, json, s3]) client?.destroy();
  clock.dispose();
  await new Promise((resolve) => server?.close(resolve));
});

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A hand-written query request: a form POST (to `/` unless a path is given), or a GET with the query string. */
async function query(params: Record<string, string>, options: { path?: string; method?: 'GET' | 'POST' } = {}) {
  const form = new URLSearchParams({ Version: '2012-11-05', ...params }).toString();
  const response =
    options.method === 'GET'
      ? await fetch(`${endpoint}${options.path ?? '/'}?${form}`)
      : await fetch(`${endpoint}${options.path ?? '/'}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form });
  return { status: response.status, type: response.headers.get('content-type'), xml: await response.text() };
}

describe('SQS query protocol: an SDK v3 client from before the JSON protocol', () => {
  it('sends with attributes and a delay, receives with system and message attributes (the client checks every MD5), deletes', async () => {
    seen.length = 0;
    const body = 'Order <O-1> & "gift" \r\nline two, 龙井 🍵';
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: {
          timestamp: { DataType: 'Number', StringValue: '1493147359900' },
          kind: { DataType: 'String', StringValue: 'dead-letter' },
          raw: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
        },
      }),
    );
    expect(sent.MessageId).toMatch(new RegExp(`^${UUID}$`));
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);

    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, AttributeNames: ['All'], MessageAttributeNames: ['All'], MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
    );
    expect(Messages).toHaveLength(1);
    const [message] = Messages;
    expect(message).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: md5(body), MD5OfMessageAttributes: sent.MD5OfMessageAttributes });
    expect(message.Attributes).toMatchObject({ SenderId: '000000000000', ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d{13}$/) });
    expect(message.MessageAttributes?.timestamp).toEqual({ DataType: 'Number', StringValue: '1493147359900' });
    expect(message.MessageAttributes?.kind).toEqual({ DataType: 'String', StringValue: 'dead-letter' });
    expect(Buffer.from(message.MessageAttributes!.raw.BinaryValue!)).toEqual(Buffer.from([0, 1, 2, 255]));

    // Received, it is invisible for 30 s; deleted with its handle, it is gone.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }))).Messages ?? []).toEqual([]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn'] }));
    expect(attributes.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:work' });
    // Every call went as a form to `/`, without X-Amz-Target: the query protocol.
    expect(seen).toHaveLength(5);
    for (const request of seen) expect(request).toEqual({ method: 'POST', path: '/', type: 'application/x-www-form-urlencoded', target: undefined });
  });

  it('is one queue with the JSON protocol: what one client sends, the other receives', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'from query' }));
    const viaJson = await json.send(new JsonReceiveMessage({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(viaJson.Messages?.map((m) => m.Body)).toEqual(['from query']);
    await json.send(new JsonSendMessage({ QueueUrl: queueUrl, MessageBody: 'from json', DelaySeconds: 0 }));
    const viaQuery = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(viaQuery.Messages?.map((m) => m.Body)).toEqual(['from json']);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  });

  it('finds queues by name and prefix, paged, and names a missing one as SQS does', async () => {
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'work' }))).QueueUrl).toBe(queueUrl);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'work' }))).QueueUrls).toEqual([queueUrl, `${queueUrl}-dlq`]);
    const first = await sqs.send(new ListQueuesCommand({ MaxResults: 2 }));
    expect(first.QueueUrls).toHaveLength(2);
    const second = await sqs.send(new ListQueuesCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect(second.QueueUrls).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();

    const missing = await sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    // This SDK names the class from the code; the parsed ErrorResponse rides along on the exception.
    expect(missing).toMatchObject({ Error: { Type: 'Sender', Code: 'AWS.SimpleQueueService.NonExistentQueue', Message: 'The specified queue does not exist.' }, $metadata: { httpStatusCode: 400 } });
    const purge = await sqs.send(new PurgeQueueCommand({ QueueUrl: `${endpoint}/000000000000/nope` })).catch((e: unknown) => e);
    expect(purge).toBeInstanceOf(QueueDoesNotExist);
  });
});

describe('SQS query protocol: the documented XML for hand-written requests', () => {
  it('answers SendMessage in SendMessageResponse, with MessageAttribute.N parameters', async () => {
    const answer = await query({
      Action: 'SendMessage',
      QueueUrl: queueUrl,
      MessageBody: 'derp',
      'MessageAttribute.1.Name': 'timestamp',
      'MessageAttribute.1.Value.DataType': 'Number',
      'MessageAttribute.1.Value.StringValue': '1493147359900',
      DelaySeconds: '0',
    });
    expect(answer).toMatchObject({ status: 200, type: 'text/xml' });
    // Digests as SQS gives them for this body and attribute (pinned against AWS by moto's tests).
    expect(answer.xml).toMatch(
      new RegExp(
        '^<\\?xml version="1.0"\\?><SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageResult>' +
          '<MD5OfMessageBody>58fd9edd83341c29f1aebba81c31e257</MD5OfMessageBody><MD5OfMessageAttributes>235c5c510d26fb653d073faed50ae77c</MD5OfMessageAttributes>' +
          `<MessageId>${UUID}</MessageId></SendMessageResult><ResponseMetadata><RequestId>${UUID}</RequestId></ResponseMetadata></SendMessageResponse>$`,
      ),
    );
  });

  it('takes the queue from the URL it is posted to, and GET with a query string; answers ReceiveMessage with Attribute and MessageAttribute entries', async () => {
    expect((await query({ Action: 'SendMessage', MessageBody: 'a & b' }, { path: '/000000000000/work-dlq' })).status).toBe(200);
    const received = await query(
      { Action: 'ReceiveMessage', QueueUrl: `${queueUrl}-dlq`, 'AttributeName.1': 'ApproximateReceiveCount', MaxNumberOfMessages: '5', VisibilityTimeout: '0', WaitTimeSeconds: '0' },
      { method: 'GET' },
    );
    expect(received.status).toBe(200);
    expect(received.xml).toMatch(
      new RegExp(
        '<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult><Message>' +
          `<MessageId>${UUID}</MessageId><ReceiptHandle>[A-Za-z0-9+/=]+</ReceiptHandle><MD5OfBody>${md5('a & b')}</MD5OfBody><Body>a &amp; b</Body>` +
          '<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute></Message></ReceiveMessageResult>',
      ),
    );
    const handle = /<ReceiptHandle>([^<]+)</.exec(received.xml)![1];
    expect((await query({ Action: 'DeleteMessage', QueueUrl: `${queueUrl}-dlq`, ReceiptHandle: handle })).xml).toMatch(
      new RegExp(`^<\\?xml version="1.0"\\?><DeleteMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ResponseMetadata><RequestId>${UUID}</RequestId></ResponseMetadata></DeleteMessageResponse>$`),
    );
    expect((await query({ Action: 'ReceiveMessage', QueueUrl: `${queueUrl}-dlq` })).xml).toContain('<ReceiveMessageResult></ReceiveMessageResult>');
    expect((await query({ Action: 'GetQueueAttributes', QueueUrl: `${queueUrl}-dlq`, 'AttributeName.1': 'DelaySeconds' })).xml).toContain(
      '<GetQueueAttributesResult><Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute></GetQueueAttributesResult>',
    );
    expect((await query({ Action: 'GetQueueUrl', QueueName: 'other' })).xml).toContain(`<GetQueueUrlResult><QueueUrl>${endpoint}/000000000000/other</QueueUrl></GetQueueUrlResult>`);
    expect((await query({ Action: 'ListQueues', QueueNamePrefix: 'oth' })).xml).toContain(`<ListQueuesResult><QueueUrl>${endpoint}/000000000000/other</QueueUrl></ListQueuesResult>`);
  });

  it.each([
    ['a queue that does not exist', { Action: 'SendMessage', QueueUrl: `/000000000000/nope`, MessageBody: 'x' }, 400, 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.'],
    ['a delay that is not a number', { Action: 'SendMessage', QueueUrl: '/000000000000/work', MessageBody: 'x', DelaySeconds: 'soon' }, 400, 'InvalidParameterValue', 'Value soon for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= 900, if provided.'],
    ['no body', { Action: 'SendMessage', QueueUrl: '/000000000000/work' }, 400, 'MissingParameter', 'The request must contain the parameter MessageBody.'],
    ['a receipt handle SQS never gave', { Action: 'DeleteMessage', QueueUrl: '/000000000000/work', ReceiptHandle: 'bogus' }, 404, 'ReceiptHandleIsInvalid', 'The input receipt handle "bogus" is not a valid receipt handle.'],
    ['an attribute name SQS does not have', { Action: 'GetQueueAttributes', QueueUrl: '/000000000000/work', 'AttributeName.1': 'Colour' }, 400, 'InvalidAttributeName', 'Unknown Attribute Colour.'],
    ['an action SQS does not have here', { Action: 'CreateTopic', Name: 'x' }, 400, 'InvalidAction', 'The action CreateTopic is not valid for this endpoint.'],
    ['no action', { QueueUrl: '/000000000000/work' }, 400, 'MissingAction', 'The request must contain the parameter Action.'],
  ])('answers %s with an ErrorResponse', async (_name, params, status, code, message) => {
    const answer = await query(params as Record<string, string>);
    expect(answer.status).toBe(status);
    expect(answer.xml).toMatch(
      new RegExp(
        '^<\\?xml version="1.0"\\?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type>' +
          `<Code>${code.replaceAll('.', '\\.')}</Code><Message>([^<]+)</Message><Detail/></Error><RequestId>${UUID}</RequestId></ErrorResponse>$`,
      ),
    );
    const text = /<Message>([^<]+)</.exec(answer.xml)![1];
    expect(text.replace(/&(quot|lt|gt|amp);/g, (_, entity: string) => ({ quot: '"', lt: '<', gt: '>', amp: '&' })[entity]!)).toBe(message);
  });
});

describe('the endpoint still routes S3 and the JSON protocol', () => {
  it('puts and gets an object, signed and unsigned, beside query-protocol SQS', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'images', Key: 'a.txt', Body: 'bytes', ContentType: 'text/plain' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'images', Key: 'a.txt' }));
    expect(await object.Body!.transformToString()).toBe('bytes');
    expect(await (await fetch(`${endpoint}/images/a.txt`)).text()).toBe('bytes');
    // A form posted to a bucket's path is S3's (browser upload), never read as an SQS action.
    const posted = await fetch(`${endpoint}/images`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListQueues' });
    expect(await posted.text()).not.toContain('ListQueuesResponse');
    const sent = await json.send(new JsonSendMessage({ QueueUrl: queueUrl, MessageBody: 'json still' }));
    expect(sent.MD5OfMessageBody).toBe(md5('json still'));
  });

  it('gives JSON-protocol errors the query code too (x-amzn-query-error), which the current SDK reads into Code', async () => {
    const missing = await json.send(new JsonSendMessage({ QueueUrl: `${endpoint}/000000000000/nope`, MessageBody: 'x' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(JsonQueueDoesNotExist);
    expect(missing).toMatchObject({ Code: 'AWS.SimpleQueueService.NonExistentQueue', Type: 'Sender', $metadata: { httpStatusCode: 400 } });
  });
});
