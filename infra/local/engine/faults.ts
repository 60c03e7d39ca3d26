/**
 * Fault injection for the local platform (`/_local/faults` on the AWS endpoint): a share of
 * Lambda invocations fail or run past their timeout, and a share of DynamoDB calls through the
 * endpoint are throttled, so retries, catches and redrive can be exercised on one machine.
 *
 * Draws come from one seeded PRNG (mulberry32), so a seed gives the same sequence of faults for
 * the same sequence of calls. Concurrent work interleaves calls differently from run to run, so
 * a seed reproduces the rates and, for sequential work, the very calls that fail.
 */

export interface FaultSettings {
  /** Share of Lambda invocations that fail with `TransientError` before the handler runs (0–1). */
  lambdaErrorRate: number;
  /** Share that run, then time out: the handler's effects happen, its caller sees `Sandbox.Timedout`. */
  lambdaTimeoutRate: number;
  /** Share of DynamoDB requests through the endpoint answered `ThrottlingException` / `ProvisionedThroughputExceededException`. */
  dynamodbThrottleRate: number;
  seed: number;
  /**
   * Lambda faults only for the functions whose name or source entry contains one of these
   * (`"order-routing/confirm"`); every function when absent. Lets a test fail one step of a flow
   * after the steps before it did their work.
   */
  functions?: string[];
}

export interface FaultCounts {
  lambdaInvocations: number;
  lambdaErrors: number;
  lambdaTimeouts: number;
  dynamodbRequests: number;
  dynamodbThrottles: number;
}

export type LambdaFault = 'error' | 'timeout' | undefined;

/** The two errors DynamoDB answers when it throttles; the AWS SDKs retry both. */
export const DYNAMODB_THROTTLES = [
  { code: 'ThrottlingException', type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  {
    code: 'ProvisionedThroughputExceededException',
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
] as const;

const RATE_FIELDS = ['lambdaErrorRate', 'lambdaTimeoutRate', 'dynamodbThrottleRate'] as const;

/** Validates a `POST /_local/faults` body; the errors name the field. */
export function parseFaultSettings(body: unknown): { settings?: FaultSettings; errors: Array<{ field: string; message: string }> } {
  const errors: Array<{ field: string; message: string }> = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  const input = body as Record<string, unknown>;
  const known = new Set<string>([...RATE_FIELDS, 'seed', 'functions']);
  for (const field of Object.keys(input)) if (!known.has(field)) errors.push({ field, message: `unknown field; use ${[...known].join(', ')}` });
  const settings: FaultSettings = { lambdaErrorRate: 0, lambdaTimeoutRate: 0, dynamodbThrottleRate: 0, seed: 1 };
  for (const field of RATE_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) errors.push({ field, message: 'must be a number from 0 to 1' });
    else settings[field] = value;
  }
  if (settings.lambdaErrorRate + settings.lambdaTimeoutRate > 1) errors.push({ field: 'lambdaTimeoutRate', message: 'lambdaErrorRate + lambdaTimeoutRate must not exceed 1' });
  if (input.functions !== undefined) {
    const list = input.functions;
    if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === 'string' && f !== '')) {
      errors.push({ field: 'functions', message: 'must be a non-empty list of function names or entries (parts of them)' });
    } else settings.functions = list as string[];
  }
  if (input.seed !== undefined) {
    if (!Number.isSafeInteger(input.seed)) errors.push({ field: 'seed', message: 'must be an integer' });
    else settings.seed = input.seed as number;
  }
  return errors.length ? { errors } : { settings, errors };
}

/** mulberry32: small, fast, and good enough to spread faults evenly; the same seed, the same draws. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const zeroCounts = (): FaultCounts => ({ lambdaInvocations: 0, lambdaErrors: 0, lambdaTimeouts: 0, dynamodbRequests: 0, dynamodbThrottles: 0 });

export class FaultInjector {
  private settings?: FaultSettings;
  private random: () => number = Math.random;
  private counts: FaultCounts = zeroCounts();

  set(settings: FaultSettings): void {
    this.settings = settings;
    this.random = seededRandom(settings.seed);
    this.counts = zeroCounts();
  }

  clear(): void {
    this.settings = undefined;
  }

  /** What `GET /_local/faults` shows: the settings in force (none when cleared) and what they did so far. */
  status(): { active: boolean; settings?: FaultSettings; injected: FaultCounts } {
    return { active: this.settings !== undefined, ...(this.settings ? { settings: this.settings } : {}), injected: this.counts };
  }

  /** Called once per Lambda invocation (of `fn`: only the functions the settings name draw a fault). */
  lambda(fn?: { functionName: string; entry: string }): LambdaFault {
    if (!this.settings) return undefined;
    const only = this.settings.functions;
    if (only && fn && !only.some((part) => fn.functionName.includes(part) || fn.entry.includes(part))) return undefined;
    this.counts.lambdaInvocations++;
    const draw = this.random();
    if (draw < this.settings.lambdaErrorRate) {
      this.counts.lambdaErrors++;
      return 'error';
    }
    if (draw < this.settings.lambdaErrorRate + this.settings.lambdaTimeoutRate) {
      this.counts.lambdaTimeouts++;
      return 'timeout';
    }
    return undefined;
  }

  /** Called once per DynamoDB request through the endpoint; the throttle to answer, if any. */
  dynamodb(): (typeof DYNAMODB_THROTTLES)[number] | undefined {
    if (!this.settings) return undefined;
    this.counts.dynamodbRequests++;
    if (this.random() >= this.settings.dynamodbThrottleRate) return undefined;
    this.counts.dynamodbThrottles++;
    return DYNAMODB_THROTTLES[this.counts.dynamodbThrottles % DYNAMODB_THROTTLES.length];
  }
}
