/**
 * What the platform did, for cost models and benchmarks (`npm run bench`): every Lambda
 * invocation with its duration, every DynamoDB call with the capacity DynamoDB Local reports for
 * it, every PutEvents entry, every API request. Off unless a `PlatformTrace` is passed to the
 * platform; nothing here changes what a caller sees.
 */
export interface LambdaTrace {
  functionName: string;
  memoryMb: number;
  /** Real milliseconds the handler ran (a warm invocation; module loading excluded). */
  durationMs: number;
  failed: boolean;
}

export interface DynamoDbTrace {
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

export interface PutEventsTrace {
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
