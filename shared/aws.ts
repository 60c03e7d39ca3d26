import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * AWS clients, created once per execution environment and reused across invocations.
 * `AWS_ENDPOINT_URL` points every client at another endpoint: the local platform sets it
 * so handlers talk to it with the same code that runs in AWS.
 */
export function clientConfig() {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  return endpoint ? { endpoint } : {};
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
