import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Keys whose values never reach a log line: personal data (003 ch.5) and credentials.
 * Matching is by key name at any depth, so a new event field called `phone` is covered too.
 */
const REDACTED_KEYS = new Set([
  'phone',
  'phones',
  'mobile',
  'address',
  'shipto',
  'street',
  'taskToken',
  'tasktoken',
  'token',
  'authorization',
  'idtoken',
  'accesstoken',
]);

export const REDACTED = '[redacted]';

export function isSensitiveKey(key: string): boolean {
  return REDACTED_KEYS.has(key.toLowerCase());
}

/** JSON replacer that hides sensitive values but keeps the shape, so logs stay useful. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key && isSensitiveKey(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'shop-workflows',
  jsonReplacerFn: redactingReplacer,
});
