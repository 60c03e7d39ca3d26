import type { DynamoTable } from '../dynamo';
import { isConditionFailure } from '../dynamo';
import { GSI1, recordsTable } from './table';

/**
 * Flow instances that run on EXPRESS state machines. Express keeps no execution history and does
 * not deduplicate execution names, so these flows record themselves: the intake claims the
 * instance before starting it (a duplicate event finds the claim and starts nothing), and the
 * state machine writes its end here (direct DynamoDB integration), which is what
 * `GET /flows/{flow}/{businessKey}` then serves.
 *
 * Items (pk / sk):
 * - `FLOW#<flow>#<businessKey>` / `INSTANCE`: `status` (RUNNING, SUCCEEDED, FAILED), `startedAt`,
 *   `claimedUntil` (a claim whose start never happened can be taken again after it),
 *   `stoppedAt`, `steps` (`[{name, enteredAt, exitedAt}]`), `error`, and the flow's result: as JSON
 *   text in `result`, or where another record holds it already, `resultFrom` (`{pk, sk, path}`,
 *   a dotted attribute path), so the end costs one small write. A FAILED instance also holds
 *   `failedStep` (the state that failed), `failure` (the Catch's `{Error, Cause}` as JSON text) and
 *   `input` (the execution's input as JSON text, free of personal data: the intake replaced it
 *   with a `personalDataRef`), which the ops API's redrive starts it again with.
 * - Index `gsi1`, FAILED instances only (sparse: the state machine writes these keys when it
 *   records a failure, the next claim removes them): `gsi1pk` = `FLOWS#<flow>#FAILED`,
 *   `gsi1sk` = `startedAt` (an Express execution runs at most 5 minutes: it stopped soon after).
 *   This is how `GET /flows?flow=<flow>&status=FAILED` lists them; the instances that end well
 *   write nothing to the index.
 */

export const flowInstanceKey = (flow: string, businessKey: string) => ({ pk: `FLOW#${flow}#${businessKey}`, sk: 'INSTANCE' });

/** The partition of the `gsi1` index holding a flow's FAILED instances (see the header). */
export const failedInstancesPartition = (flow: string) => `FLOWS#${flow}#FAILED`;

export interface FlowInstance {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startedAt: string;
  stoppedAt?: string;
  steps: Array<{ name: string; enteredAt: string; exitedAt?: string }>;
  result?: unknown;
  error?: string;
  /** FAILED: the step that failed, and what its error said. */
  failedStep?: string;
  cause?: string;
}

/** A FAILED instance as the flow's index lists it. */
export interface FailedInstance {
  businessKey: string;
  startedAt: string;
  failedStep?: string;
  error?: string;
  cause?: string;
  /** Its record kept the execution's input, so the ops API can start it again. */
  restartable: boolean;
}

interface StoredInstance {
  status: FlowInstance['status'];
  startedAt: string;
  stoppedAt?: string;
  steps?: FlowInstance['steps'];
  result?: string;
  resultFrom?: { pk: string; sk: string; path: string };
  error?: string;
  failedStep?: string;
  failure?: string;
  input?: string;
}

/** How the instance failed, when it did: its error, the failed step and the Catch's cause. */
function failureOf(stored: StoredInstance): Pick<FlowInstance, 'error' | 'failedStep' | 'cause'> {
  const cause = causeOf(stored.failure);
  return {
    ...(stored.error ? { error: stored.error } : {}),
    ...(stored.failedStep ? { failedStep: stored.failedStep } : {}),
    ...(cause ? { cause } : {}),
  };
}

/** The Catch's error output, `{Error, Cause}`, as the state machine stored it (JSON text). */
function causeOf(failure: string | undefined): string | undefined {
  if (!failure) return undefined;
  try {
    const cause = (JSON.parse(failure) as { Cause?: unknown }).Cause;
    return typeof cause === 'string' && cause !== '' ? cause : undefined;
  } catch {
    return undefined;
  }
}

export class FlowInstances {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  /**
   * Claims the instance for one start: false when it is claimed already (a duplicate event), unless
   * that claim's start never happened and its time ran out (`claimedUntil`, the machine's timeout),
   * or the instance FAILED: Step Functions cannot redrive an Express execution, so the event sent
   * again (a redelivery, a dead letter or a replay) is what starts a failed instance once more.
   * That is safe because each of its effects happens once per business key.
   */
  async claim(flow: string, businessKey: string, startedAt: string, claimedUntil: string): Promise<boolean> {
    const claimed = await this.table.update(flowInstanceKey(flow, businessKey), {
      // A FAILED instance taken again leaves the index of failed ones (gsi1) with its failure.
      UpdateExpression: 'SET #status = :running, startedAt = :startedAt, claimedUntil = :until REMOVE stoppedAt, #error, failedStep, failure, #input, gsi1pk, gsi1sk',
      ConditionExpression: 'attribute_not_exists(pk) OR (#status = :running AND claimedUntil < :startedAt) OR #status = :failed',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error', '#input': 'input' },
      ExpressionAttributeValues: { ':running': 'RUNNING', ':failed': 'FAILED', ':startedAt': startedAt, ':until': claimedUntil },
    });
    return claimed !== undefined;
  }

  /** Gives a claim back when the start failed, so the event's redelivery starts the instance. */
  async release(flow: string, businessKey: string, startedAt: string): Promise<void> {
    try {
      await this.table.delete(flowInstanceKey(flow, businessKey), { ConditionExpression: 'startedAt = :startedAt AND #status = :running', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':startedAt': startedAt, ':running': 'RUNNING' } });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async resultFrom({ pk, sk, path }: { pk: string; sk: string; path: string }): Promise<unknown> {
    const item = await this.table.get<Record<string, unknown>>({ pk, sk });
    return path.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], item);
  }

  async get(flow: string, businessKey: string): Promise<FlowInstance | undefined> {
    const stored = await this.table.get<StoredInstance>(flowInstanceKey(flow, businessKey));
    if (!stored) return undefined;
    return {
      status: stored.status,
      startedAt: stored.startedAt,
      ...(stored.stoppedAt ? { stoppedAt: stored.stoppedAt } : {}),
      steps: stored.steps ?? [],
      ...(stored.result !== undefined ? { result: JSON.parse(stored.result) } : {}),
      ...(stored.resultFrom ? { result: await this.resultFrom(stored.resultFrom) } : {}),
      ...failureOf(stored),
    };
  }

  /**
   * What a restart needs: the instance's status and, when it FAILED, the input its execution had
   * (absent on failures recorded before the flow kept it).
   */
  async restartable(flow: string, businessKey: string): Promise<{ status: FlowInstance['status']; input?: unknown } | undefined> {
    const stored = await this.table.get<StoredInstance>(flowInstanceKey(flow, businessKey));
    if (!stored) return undefined;
    return { status: stored.status, ...(stored.status === 'FAILED' && stored.input !== undefined ? { input: JSON.parse(stored.input) } : {}) };
  }

  /** FAILED instances of a flow, newest start first, started at or after `since`; paged by `after`. */
  async failed(flow: string, options: { since?: string; limit: number; after?: Record<string, unknown> }): Promise<{ items: FailedInstance[]; next?: Record<string, unknown> }> {
    const prefix = flowInstanceKey(flow, '').pk;
    const page = await this.table.queryPage<StoredInstance & { pk: string }>(
      {
        IndexName: GSI1,
        KeyConditionExpression: options.since ? 'gsi1pk = :failed AND gsi1sk >= :since' : 'gsi1pk = :failed',
        ExpressionAttributeValues: { ':failed': failedInstancesPartition(flow), ...(options.since ? { ':since': options.since } : {}) },
        ScanIndexForward: false,
      },
      options.limit,
      options.after,
    );
    return {
      items: page.items.map((stored) => ({
        businessKey: stored.pk.slice(prefix.length),
        startedAt: stored.startedAt,
        ...failureOf(stored),
        restartable: stored.input !== undefined,
      })),
      ...(page.next ? { next: page.next } : {}),
    };
  }
}
