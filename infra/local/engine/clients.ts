import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Real AWS SDK clients for a local platform: nothing but the endpoint (and dummy credentials) set. */
export function localClients(endpoint: string) {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return {
    sfn: new SFNClient(config),
    events: new EventBridgeClient(config),
    dynamo: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    // The platform serves S3 path-style only (`/<bucket>/<key>`), never on bucket subdomains.
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
}
