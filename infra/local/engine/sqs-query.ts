/**
 * The SQS query protocol (awsQuery), which SQS clients sent before the JSON protocol and older
 * SDKs still send: `Action=<Action>&Version=2012-11-05&…` as a form (POST, to `/` or to the
 * queue's URL) or a query string (GET), answered in SQS's XML (SQS API Reference, "Making query
 * API requests" and each action's "Response Elements"). Only parsing and formatting live here:
 * every action runs the same `LocalSqs` method the JSON protocol runs.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { AwsServiceError } from './aws-error';
import type { LocalSqs, MessageAttributes } from './sqs';

const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const FORM = 'application/x-www-form-urlencoded';

/** The actions both protocols answer, with the query parameters each takes. */
const ACTIONS = ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueUrl', 'GetQueueAttributes', 'PurgeQueue', 'ListQueues'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * The query protocol's error code and HTTP status for the JSON protocol's, where they differ (the
 * `awsQueryError` trait of the SQS service model); the others keep their code, with status 400.
 */
const QUERY_ERRORS: Record<string, { code: string; status: number }> = {
  QueueDoesNotExist: { code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 },
  ReceiptHandleIsInvalid: { code: 'ReceiptHandleIsInvalid', status: 404 },
  PurgeQueueInProgress: { code: 'AWS.SimpleQueueService.PurgeQueueInProgress', status: 403 },
  UnsupportedOperation: { code: 'AWS.SimpleQueueService.UnsupportedOperation', status: 400 },
  QueueNameExists: { code: 'QueueAlreadyExists', status: 400 },
  OverLimit: { code: 'OverLimit', status: 403 },
};

/** The query protocol's code and status for an error the JSON protocol names `code`. */
export const queryError = (error: AwsServiceError) => QUERY_ERRORS[error.code] ?? { code: error.code, status: error.status };

/**
 * The header SQS adds to its JSON-protocol errors so that clients written against the query
 * protocol's codes keep working (`x-amzn-query-error: <code>;<Sender|Receiver>`); the AWS SDK
 * reads it into the error's `Code` and `Type`.
 */
export const queryErrorHeader = (error: AwsServiceError) => `${queryError(error).code};${error.status >= 500 ? 'Receiver' : 'Sender'}`;

/** A request without X-Amz-Target that carries query-protocol parameters: a form POST, or a GET with `Action`. */
export function isQueryRequest(request: http.IncomingMessage): boolean {
  if (request.headers['x-amz-target'] !== undefined) return false;
  const contentType = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (request.method === 'POST') return contentType === FORM;
  return request.method === 'GET' && new URL(request.url ?? '/', 'http://localhost').searchParams.has('Action');
}

/** Answers one query-protocol request with the SQS service's method of the same action. */
export async function serveSqsQuery(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse, sqs: LocalSqs): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const params = new URLSearchParams(url.search);
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.append(name, value);
  const action = params.get('Action');
  try {
    if (!action) throw new AwsServiceError('MissingAction', 'The request must contain the parameter Action.');
    if (!(ACTIONS as readonly string[]).includes(action)) throw new AwsServiceError('InvalidAction', `The action ${action} is not valid for this endpoint.`);
    // Older clients send a request for a queue to the queue's URL: its path names the queue.
    const pathQueue = /^\/\d{12}\/[^/]+\/?$/.test(url.pathname) ? `http://${request.headers.host ?? 'localhost'}${url.pathname}` : undefined;
    const input = parseInput(action as Action, params, pathQueue);
    const output = await (sqs[action as Action] as (input: unknown) => Promise<Record<string, unknown>>).call(sqs, input);
    sendXml(response, 200, responseXml(action as Action, output));
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    const mapped = queryError(error);
    sendXml(response, mapped.status, errorXml(mapped.code, error.message, mapped.status));
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing: flattened lists (`Name.1`, `Name.2`) and maps (`Name.1.Name` / `Name.1.Value…`)

/** The decimal integer a query parameter spells, else the text as sent (the action's check names the field). */
function number(value: string | null): number | string | undefined {
  if (value === null) return undefined;
  return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

/** `Prefix.1`, `Prefix.2`, … in index order (the member numbers need not be contiguous). */
function list(params: URLSearchParams, prefix: string): string[] | undefined {
  const members: Array<[number, string]> = [];
  for (const [name, value] of params) {
    const match = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)$`).exec(name);
    if (match) members.push([Number(match[1]), value]);
  }
  return members.length > 0 ? members.sort((a, b) => a[0] - b[0]).map(([, value]) => value) : undefined;
}

/** `MessageAttribute.N.Name` with `MessageAttribute.N.Value.{DataType,StringValue,BinaryValue}`. */
function attributeMap(params: URLSearchParams, prefix: string): MessageAttributes | undefined {
  const entries = new Map<number, { name?: string; value: Record<string, string> }>();
  for (const [name, value] of params) {
    const match = new RegExp(`^${prefix}\\.(\\d+)\\.(Name|Value\\.(DataType|StringValue|BinaryValue))$`).exec(name);
    if (!match) continue;
    const entry = entries.get(Number(match[1])) ?? { value: {} };
    if (match[2] === 'Name') entry.name = value;
    else entry.value[match[3]] = value;
    entries.set(Number(match[1]), entry);
  }
  if (entries.size === 0) return undefined;
  const attributes: MessageAttributes = {};
  for (const [index, entry] of [...entries].sort((a, b) => a[0] - b[0])) {
    if (!entry.name) throw new AwsServiceError('InvalidParameterValue', `The request must contain the parameter ${prefix}.${index}.Name.`);
    attributes[entry.name] = entry.value as unknown as MessageAttributes[string];
  }
  return attributes;
}

function parseInput(action: Action, params: URLSearchParams, pathQueue: string | undefined): Record<string, unknown> {
  const text = (name: string) => params.get(name) ?? undefined;
  const queue = { QueueUrl: text('QueueUrl') ?? pathQueue };
  const defined = (input: Record<string, unknown>) => Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  switch (action) {
    case 'SendMessage':
      return defined({
        ...queue,
        MessageBody: text('MessageBody'),
        DelaySeconds: number(params.get('DelaySeconds')),
        MessageAttributes: attributeMap(params, 'MessageAttribute'),
        MessageSystemAttributes: attributeMap(params, 'MessageSystemAttribute'),
        MessageGroupId: text('MessageGroupId'),
        MessageDeduplicationId: text('MessageDeduplicationId'),
      });
    case 'ReceiveMessage':
      return defined({
        ...queue,
        MaxNumberOfMessages: number(params.get('MaxNumberOfMessages')),
        VisibilityTimeout: number(params.get('VisibilityTimeout')),
        WaitTimeSeconds: number(params.get('WaitTimeSeconds')),
        AttributeNames: list(params, 'AttributeName'),
        MessageSystemAttributeNames: list(params, 'MessageSystemAttributeName'),
        MessageAttributeNames: list(params, 'MessageAttributeName'),
        ReceiveRequestAttemptId: text('ReceiveRequestAttemptId'),
      });
    case 'DeleteMessage':
      return defined({ ...queue, ReceiptHandle: text('ReceiptHandle') });
    case 'GetQueueUrl':
      return defined({ QueueName: text('QueueName'), QueueOwnerAWSAccountId: text('QueueOwnerAWSAccountId') });
    case 'GetQueueAttributes':
      return defined({ ...queue, AttributeNames: list(params, 'AttributeName') });
    case 'PurgeQueue':
      return defined(queue);
    case 'ListQueues':
      return defined({ QueueNamePrefix: text('QueueNamePrefix'), MaxResults: number(params.get('MaxResults')), NextToken: text('NextToken') });
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

type Xml = string | number | undefined | Xml[] | { [element: string]: Xml };

// `\r` as a character reference: an XML parser turns a literal CR into LF (XML 1.0 §2.11).
const escape = (text: string) =>
  text.replace(/[&<>"'\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;' })[c]!);

function xml(element: string, content: Xml): string {
  if (content === undefined) return '';
  if (Array.isArray(content)) return content.map((item) => xml(element, item)).join('');
  if (typeof content === 'object') return `<${element}>${Object.entries(content).map(([name, value]) => xml(name, value)).join('')}</${element}>`;
  return `<${element}>${escape(String(content))}</${element}>`;
}

const nameValues = (map: Record<string, unknown> | undefined) => Object.entries(map ?? {}).map(([Name, Value]) => ({ Name, Value: Value as Xml }));

/** The action's result element, as its "Response Elements" lists them (maps as Name/Value entries). */
function result(action: Action, output: Record<string, unknown>): Xml {
  switch (action) {
    case 'ReceiveMessage':
      return {
        Message: ((output.Messages ?? []) as Array<Record<string, unknown>>).map((message) => ({
          MessageId: message.MessageId as string,
          ReceiptHandle: message.ReceiptHandle as string,
          MD5OfBody: message.MD5OfBody as string,
          Body: message.Body as string,
          Attribute: nameValues(message.Attributes as Record<string, string>),
          MD5OfMessageAttributes: message.MD5OfMessageAttributes as string | undefined,
          MessageAttribute: nameValues(message.MessageAttributes as Record<string, unknown>).map(({ Name, Value }) => {
            const value = Value as { DataType: string; StringValue?: string; BinaryValue?: string };
            return { Name, Value: { StringValue: value.StringValue, BinaryValue: value.BinaryValue, DataType: value.DataType } };
          }),
        })),
      };
    case 'GetQueueAttributes':
      return { Attribute: nameValues(output.Attributes as Record<string, string>) };
    case 'ListQueues':
      return { QueueUrl: (output.QueueUrls ?? []) as string[], NextToken: output.NextToken as string | undefined };
    case 'SendMessage':
      return { MD5OfMessageBody: output.MD5OfMessageBody as string, MD5OfMessageAttributes: output.MD5OfMessageAttributes as string | undefined, MessageId: output.MessageId as string };
    case 'GetQueueUrl':
      return { QueueUrl: output.QueueUrl as string };
    case 'DeleteMessage':
    case 'PurgeQueue':
      return undefined; // their responses hold only the request id
  }
}

export function responseXml(action: Action, output: Record<string, unknown>): string {
  const content = result(action, output);
  const body = (content === undefined ? '' : xml(`${action}Result`, content)) + xml('ResponseMetadata', { RequestId: randomUUID() });
  return `<?xml version="1.0"?><${action}Response xmlns="${XMLNS}">${body}</${action}Response>`;
}

export function errorXml(code: string, message: string, status: number): string {
  const error = xml('Error', { Type: status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: message }).replace('</Error>', '<Detail/></Error>');
  return `<?xml version="1.0"?><ErrorResponse xmlns="${XMLNS}">${error}${xml('RequestId', randomUUID())}</ErrorResponse>`;
}

function sendXml(response: http.ServerResponse, status: number, text: string) {
  const requestId = /<RequestId>([^<]+)<\/RequestId>/.exec(text)?.[1] ?? randomUUID();
  response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  response.end(text);
}
