import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_BUS_NAME } from '../../../aws/stacks/bus-stack';
import { seededRandom } from '../../engine/faults';
import type { Platform } from '../../engine/platform';
import { callOpsApi } from '../ops-call';
import { POLL, PRODUCER } from './policy';

/** Progress of a long step (the CLI shows it as a bar on stderr; tests show nothing). */
export type Meter = (label: string, total: number) => { advance(n: number): void; stop(): void };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the checks share: the platform, SDK clients, ops API calls (answers kept for the scan), and helpers. */
export class ReliabilityContext {
  readonly events: EventBridgeClient;
  readonly dynamo: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  /** Every ops API answer of the run, scanned for personal data and tokens at the end. */
  readonly apiAnswers: string[] = [];
  readonly random: () => number;
  /** Milliseconds the producer's calls have waited for the platform to catch up (summed over calls in flight). */
  held = 0;

  constructor(
    readonly platform: Platform,
    readonly stateDir: string,
    /** The platform's log and what functions printed, scanned at the end. */
    readonly logLines: string[],
    readonly meter?: Meter,
    seed = 20261123,
  ) {
    // Injected throttling is retried by the SDK; a few more attempts than the default keep the checks' own reads steady.
    const config = { endpoint: platform.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 10 };
    this.events = new EventBridgeClient(config);
    this.dynamo = new DynamoDBClient(config);
    this.documents = DynamoDBDocumentClient.from(this.dynamo);
    this.random = seededRandom(seed);
  }

  now(): string {
    return new Date(this.platform.clock.now()).toISOString();
  }

  async ops(method: string, route: string, as: { user: string; roles: string[] }, body?: unknown) {
    const answer = await callOpsApi(this.platform, method, route, { user: as.user, groups: as.roles }, body);
    this.apiAnswers.push(answer.text);
    return answer;
  }

  /**
   * Puts entries on the bus as a paced producer would (`PRODUCER` in policy.ts): PutEvents calls
   * of 10 entries, a few in flight, each held while the platform is behind. The answers come back
   * in the order of `entries`; `label` names the progress shown (`meter`).
   */
  async put(entries: Array<Omit<PutEventsRequestEntry, 'EventBusName'>>, label = 'events put'): Promise<PutEventsResultEntry[]> {
    const calls: Array<Array<Omit<PutEventsRequestEntry, 'EventBusName'>>> = [];
    for (let i = 0; i < entries.length; i += PRODUCER.entriesPerCall) calls.push(entries.slice(i, i + PRODUCER.entriesPerCall));
    const results: PutEventsResultEntry[][] = new Array(calls.length);
    const progress = calls.length > 1 ? this.meter?.(label, entries.length) : undefined;
    let next = 0;
    try {
      await Promise.all(
        Array.from({ length: PRODUCER.callsInFlight }, async () => {
          while (next < calls.length) {
            const index = next++;
            const heldFrom = performance.now();
            while (this.behind()) await sleep(PRODUCER.pollMs);
            this.held += performance.now() - heldFrom;
            const answer = await this.events.send(new PutEventsCommand({ Entries: calls[index].map((e) => ({ ...e, EventBusName: EVENT_BUS_NAME })) }));
            results[index] = answer.Entries ?? [];
            progress?.advance(calls[index].length);
          }
        }),
      );
    } finally {
      progress?.stop();
    }
    return results.flat();
  }

  /** More work under way than the platform finishes before its functions time out (`PRODUCER.maxWorkInProgress`). */
  private behind(): boolean {
    return this.platform.clock.workInProgress + this.platform.eventBridge.inFlight > PRODUCER.maxWorkInProgress;
  }

  event(source: string, detailType: string, detail: unknown): Omit<PutEventsRequestEntry, 'EventBusName'> {
    return { Source: source, DetailType: detailType, Detail: JSON.stringify(detail) };
  }

  /**
   * Polls until `done` holds; returns false at the deadline (real time). `done` (usually a scan) is
   * asked only once the platform has gone quiet, or every `POLL.busyCheckMs` while it is busy.
   */
  async until(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.platform.clock.settle(Math.max(0, Math.min(POLL.busyCheckMs, deadline - Date.now())));
      if (await done()) return true;
      if (Date.now() > deadline) return false;
      await sleep(POLL.quietMs);
    }
  }

  tableName(logicalIdPrefix: string): string {
    const table = this.platform.model.tables.find((t) => t.logicalId.startsWith(logicalIdPrefix));
    if (!table) throw new Error(`no table ${logicalIdPrefix}*`);
    return table.tableName;
  }

  /** Every item of a table whose partition key starts with `prefix` (every item for `''`). */
  async scan(logicalIdPrefix: string, keyName: string, prefix: string): Promise<Array<Record<string, any>>> {
    const items: Array<Record<string, any>> = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new ScanCommand({
          TableName: this.tableName(logicalIdPrefix),
          ...(prefix ? { FilterExpression: 'begins_with(#key, :prefix)', ExpressionAttributeNames: { '#key': keyName }, ExpressionAttributeValues: { ':prefix': prefix } } : {}),
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  machineArn(flow: string): string {
    const machine = this.platform.model.stateMachines.find((m) => m.flow === flow);
    if (!machine) throw new Error(`no state machine for flow ${flow}`);
    return machine.arn;
  }

  express(flow: string): boolean {
    return this.platform.model.stateMachines.find((m) => m.flow === flow)?.type === 'EXPRESS';
  }

  /**
   * Instances of a flow whose business keys start with `prefix`: the executions of a STANDARD
   * machine, or, for an EXPRESS one (Step Functions lists none), the instance records the flow
   * keeps itself (`shared/records/flow-instances.ts`).
   */
  async executions(flow: string, prefix: string): Promise<Array<{ name: string; status: string; executionArn: string }>> {
    if (this.express(flow)) {
      const records = await this.scan('RecordsTable', 'pk', `FLOW#${flow}#${prefix}`);
      return records.filter((r) => r.sk === 'INSTANCE').map((r) => ({ name: String(r.pk).slice(`FLOW#${flow}#`.length), status: String(r.status), executionArn: '' }));
    }
    const all: Array<{ name: string; status: string; executionArn: string }> = [];
    let nextToken: string | undefined;
    do {
      const page = await this.platform.stepFunctions.ListExecutions({ stateMachineArn: this.machineArn(flow), maxResults: 1000, nextToken });
      all.push(...page.executions.filter((e) => e.name.startsWith(prefix)));
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }

  /** Shuffles in place with the context's seeded PRNG. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
