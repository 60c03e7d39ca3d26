import type { DynamoTable } from '../dynamo';
import { isConditionFailure } from '../dynamo';
import { recordsTable } from './table';

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
 *   a dotted attribute path), so the end costs one small write. No index.
 */

export const flowInstanceKey = (flow: string, businessKey: string) => ({ pk: `FLOW#${flow}#${businessKey}`, sk: 'INSTANCE' });

export interface FlowInstance {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startedAt: string;
  stoppedAt?: string;
  steps: Array<{ name: string; enteredAt: string; exitedAt?: string }>;
  result?: unknown;
  error?: string;
}

interface StoredInstance {
  status: FlowInstance['status'];
  startedAt: string;
  stoppedAt?: string;
  steps?: FlowInstance['steps'];
  result?: string;
  resultFrom?: { pk: string; sk: string; path: string };
  error?: string;
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
      UpdateExpression: 'SET #status = :running, startedAt = :startedAt, claimedUntil = :until REMOVE stoppedAt, #error',
      ConditionExpression: 'attribute_not_exists(pk) OR (#status = :running AND claimedUntil < :startedAt) OR #status = :failed',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
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
      ...(stored.error ? { error: stored.error } : {}),
    };
  }
}
