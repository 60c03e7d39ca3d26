import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig, once } from './aws';

/**
 * The S3 client, apart from the other AWS clients (`aws.ts`) because one handler needs it and its
 * code is the largest of the SDK's. Path-style when pointed at another endpoint: the local platform
 * serves buckets under its one host, over HTTP (object bodies are streams).
 */
export const s3 = once(() => new S3Client({ ...clientConfig({ inProcess: false }), ...(process.env.AWS_ENDPOINT_URL ? { forcePathStyle: true } : {}) }));
