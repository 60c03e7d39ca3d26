import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The local platform's transport for its own endpoint (`installRequestHandler`); never set in AWS. */
let local: { endpoint: string; handler: unknown } | undefined;

/**
 * The local platform runs every function in its own process and serves their calls to its
 * endpoint without a socket: clients made for that endpoint use `handler`. `undefined` removes it.
 */
export function installRequestHandler(endpoint: string, handler: unknown): void {
  local = handler === undefined ? (local?.endpoint === endpoint ? undefined : local) : { endpoint, handler };
}

/**
 * AWS clients, created once per execution environment and reused across invocations.
 * `AWS_ENDPOINT_URL` points every client at another endpoint: the local platform sets it
 * so handlers talk to it with the same code that runs in AWS.
 */
export function clientConfig({ inProcess = true } = {}): { endpoint?: string; requestHandler?: never } {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) return {};
  return inProcess && local?.endpoint === endpoint ? { endpoint, requestHandler: local.handler as never } : { endpoint };
}

export function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

export const dynamo = once(() => new DynamoDBClient(clientConfig()));
export const documents = once(() =>
  DynamoDBDocumentClient.from(dynamo(), { marshallOptions: { removeUndefinedValues: true } }),
);
export const stepFunctions = once(() => new SFNClient(clientConfig()));
export const eventBridge = once(() => new EventBridgeClient(clientConfig()));
export const sqs = once(() => new SQSClient(clientConfig()));
// The S3 client is in `aws-s3.ts`: only the listing check reads S3, and every bundle that imports
// this module would otherwise carry (and load at each cold start) the S3 client too.
