import { ulid } from 'ulid';
import type { DynamoTable } from '../dynamo';
import { recordsTable } from './table';

/**
 * The audit trail of recovery operations (redrives, replays): who did what, when, to what, and
 * how it went. Written once per operation, never changed.
 *
 * Items (pk / sk):
 * - `AUDIT#<YYYY-MM-DD>` / `<at>#<ulid>`: `actor`, `action`, `target`, `at`, `details`. One
 *   partition per UTC day, so a day's operations read in order with one query.
 */

export type AuditAction = 'flow.redrive' | 'flows.redrive' | 'quarantine.replay' | 'dead-letters.redrive';

export interface AuditEntry {
  actor: string;
  action: AuditAction;
  /** What it acted on: `refund/R-1`, `refund (FAILED since …)`, a quarantine id. */
  target: string;
  at: string;
  /** The outcome and the parameters, never personal data. */
  details: Record<string, unknown>;
}

const partition = (day: string) => `AUDIT#${day}`;

export class AuditTrail {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  async record(entry: AuditEntry): Promise<void> {
    // The ulid makes the key new: the condition only guards against overwriting an entry.
    await this.table.putOnce({ pk: partition(entry.at.slice(0, 10)), sk: `${entry.at}#${ulid()}`, ...entry });
  }

  /** The operations of one UTC day, in order. */
  async onDay(day: string): Promise<AuditEntry[]> {
    const items = await this.table.queryAll<AuditEntry & { pk?: string; sk?: string }>({
      KeyConditionExpression: 'pk = :day',
      ExpressionAttributeValues: { ':day': partition(day) },
    });
    return items.map(({ pk: _pk, sk: _sk, ...entry }) => entry);
  }
}
