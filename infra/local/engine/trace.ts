/**
 * What the platform did, for cost models and benchmarks (`npm run bench`): every Lambda
 * invocation with its duration, every DynamoDB call with the capacity it consumes (DynamoDB
 * Local's figure, or AWS's rules where that is wrong: `capacity-accounting.ts`), every PutEvents
 * entry, every API request. Off unless a `PlatformTrace` is passed to the
 * platform; nothing here changes what a caller sees.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is doing what runs now: the function whose invocation it is, and the state machine whose
 * task started it (directly, or through the function it invoked). Calls that arrive at the
 * endpoint from a function carry it in the `x-local-trace` header (set by `tagOutgoingRequests`).
 */
export interface TraceContext {
  functionName?: string;
  stateMachine?: string;
}

export const traceContext = new AsyncLocalStorage<TraceContext>();
export const TRACE_HEADER = 'x-local-trace';

/** Attribution of a record: the context it ran in (empty for a caller outside the platform). */
export type Attributed = TraceContext;

export interface LambdaTrace extends Attributed {
  functionName: string;
  memoryMb: number;
  /** Real milliseconds the handler ran (a warm invocation; module loading excluded). */
  durationMs: number;
  failed: boolean;
}

export interface DynamoDbTrace extends Attributed {
  /** `PutItem`, `TransactWriteItems`, ... */
  action: string;
  /** From a handler's SDK client (through the endpoint), or a state machine's direct integration. */
  via: 'sdk' | 'integration';
  /** The request as sent (JSON), so a benchmark can replay it. */
  request: string;
  readUnits: number;
  writeUnits: number;
  /** performance.now() at the call's start, and how long DynamoDB Local took. */
  startedAt: number;
  durationMs: number;
  status: number;
}

export interface PutEventsTrace extends Attributed {
  /** Each entry's size as EventBridge bills it (64 KB chunks). */
  entryBytes: number[];
  detailTypes: string[];
}

export interface PlatformTrace {
  lambda(record: LambdaTrace): void;
  dynamodb(record: DynamoDbTrace): void;
  putEvents(record: PutEventsTrace): void;
  apiRequest(routeKey: string): void;
  /** A DynamoDB call started / ended (for the concurrency a benchmark replays with). */
  callStarted?(): void;
  callEnded?(): void;
  /**
   * Bill each TransactWriteItems by AWS's rules, reading its items before and after it (two more
   * reads per transaction: for cost runs, not throughput runs; see `capacity-accounting.ts`).
   */
  sizeTransactions?: boolean;
}

/** Keeps everything in memory; `since(mark)` reads what happened after a mark. */
export class TraceRecorder implements PlatformTrace {
  readonly lambdas: LambdaTrace[] = [];
  readonly dynamodbCalls: DynamoDbTrace[] = [];
  readonly events: PutEventsTrace[] = [];
  readonly apiRequests: string[] = [];
  /** DynamoDB calls in flight now, and the most seen at once since the last `resetPeak`. */
  inFlight = 0;
  peakInFlight = 0;
  sizeTransactions = false;

  lambda(record: LambdaTrace): void {
    this.lambdas.push(record);
  }
  dynamodb(record: DynamoDbTrace): void {
    this.dynamodbCalls.push(record);
  }
  putEvents(record: PutEventsTrace): void {
    this.events.push(record);
  }
  apiRequest(routeKey: string): void {
    this.apiRequests.push(routeKey);
  }
  callStarted(): void {
    this.inFlight++;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
  }
  callEnded(): void {
    this.inFlight--;
  }
  resetPeak(): void {
    this.peakInFlight = this.inFlight;
  }

  mark(): TraceMark {
    return { lambdas: this.lambdas.length, dynamodb: this.dynamodbCalls.length, events: this.events.length, api: this.apiRequests.length };
  }

  since(mark: TraceMark) {
    return {
      lambdas: this.lambdas.slice(mark.lambdas),
      dynamodb: this.dynamodbCalls.slice(mark.dynamodb),
      events: this.events.slice(mark.events),
      apiRequests: this.apiRequests.slice(mark.api),
    };
  }
}

export interface TraceMark {
  lambdas: number;
  dynamodb: number;
  events: number;
  api: number;
}

/** Capacity units of a DynamoDB response's `ConsumedCapacity` (one object, or a list for batches and transactions). */
export function capacityOf(consumed: unknown): { readUnits: number; writeUnits: number } {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  let readUnits = 0;
  let writeUnits = 0;
  for (const item of list as Array<{ CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }>) {
    if (item.ReadCapacityUnits !== undefined || item.WriteCapacityUnits !== undefined) {
      readUnits += item.ReadCapacityUnits ?? 0;
      writeUnits += item.WriteCapacityUnits ?? 0;
    } else if (item.CapacityUnits !== undefined) {
      // Without the split, the action says which kind it was (the caller corrects reads).
      writeUnits += item.CapacityUnits;
    }
  }
  return { readUnits, writeUnits };
}

const READ_ACTIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/** Splits a response's capacity into read and write units by what the action does. */
export function unitsFor(action: string, consumed: unknown): { readUnits: number; writeUnits: number } {
  const { readUnits, writeUnits } = capacityOf(consumed);
  if (READ_ACTIONS.has(action) && readUnits === 0) return { readUnits: writeUnits, writeUnits: 0 };
  return { readUnits, writeUnits };
}

/** Reads the context a request from a function carried (see TRACE_HEADER). */
export function contextFromHeader(value: string | string[] | undefined): TraceContext {
  if (typeof value !== 'string') return {};
  try {
    const parsed = JSON.parse(value) as TraceContext;
    return { ...(typeof parsed.functionName === 'string' ? { functionName: parsed.functionName } : {}), ...(typeof parsed.stateMachine === 'string' ? { stateMachine: parsed.stateMachine } : {}) };
  } catch {
    return {};
  }
}

/**
 * Tags every HTTP request a function makes (its AWS SDK calls) with the trace context, so the
 * endpoint can say whose call it was. Node 22's `http.client.request.created` channel; where it
 * does not exist, calls simply stay unattributed. Returns the function that stops it.
 */
export async function tagOutgoingRequests(): Promise<() => void> {
  const diagnostics = await import('node:diagnostics_channel');
  const tag = (message: unknown) => {
    const store = traceContext.getStore();
    const request = (message as { request?: { setHeader?: (name: string, value: string) => void } }).request;
    if (store && request?.setHeader) request.setHeader(TRACE_HEADER, JSON.stringify(store));
  };
  diagnostics.subscribe('http.client.request.created', tag);
  return () => diagnostics.unsubscribe('http.client.request.created', tag);
}
