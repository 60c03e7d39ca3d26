import * as z from 'zod';
import { DynamoTable } from '../dynamo';
import { defineEnv } from '../env';
import type { FieldError } from '../validation';

/**
 * Events that failed their contract, kept with the reason so nothing is lost (the Quarantine
 * table, not Records; no TTL).
 *
 * Items: `id` = the event id, so a redelivered bad event is one entry, not two. Index `byDay`:
 * `day` (`YYYY-MM-DD`, UTC) / `receivedAt` (the events quarantined on a day, in order).
 * A replay sets `replayedAt`, `replayedBy` (once: conditional on `replayedAt` being absent) and then
 * `replayEventId`; a replay whose PutEvents failed takes its mark back.
 */

export interface QuarantineEntry {
  id: string;
  day: string;
  receivedAt: string;
  flow: string;
  source: string;
  detailType: string;
  reason: string;
  errors: FieldError[];
  /** The whole event as received, JSON. */
  event: string;
  /** Set once, by the replay that put it back on the bus (a second replay is refused). */
  replayedAt?: string;
  replayedBy?: string;
  /** The id the bus gave the replayed event. */
  replayEventId?: string;
}

const BY_DAY = 'byDay';
const env = defineEnv(z.object({ QUARANTINE_TABLE: z.string().min(1) }));

export class Quarantine {
  constructor(private readonly table: DynamoTable = new DynamoTable(env().QUARANTINE_TABLE, 'id')) {}

  /** Keeps the event; false when it was kept before (a redelivery). */
  async keep(entry: Omit<QuarantineEntry, 'day'>): Promise<boolean> {
    return this.table.putOnce({ ...entry, day: entry.receivedAt.slice(0, 10) });
  }

  async get(id: string): Promise<QuarantineEntry | undefined> {
    return this.table.get<QuarantineEntry>({ id });
  }

  /** Marks the entry replayed; false when it was replayed before (or is being replayed now). */
  async markReplayed(id: string, by: string, at: string): Promise<boolean> {
    const updated = await this.table.update(
      { id },
      {
        UpdateExpression: 'SET replayedAt = :at, replayedBy = :by',
        ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(replayedAt)',
        ExpressionAttributeValues: { ':at': at, ':by': by },
      },
    );
    return updated !== undefined;
  }

  /** Records the bus's id for the replayed event. */
  async replayed(id: string, at: string, eventId: string): Promise<void> {
    await this.table.update({ id }, { UpdateExpression: 'SET replayEventId = :event', ConditionExpression: 'replayedAt = :at', ExpressionAttributeValues: { ':at': at, ':event': eventId } });
  }

  /** Takes back this replay's mark (its PutEvents failed), so the event can be replayed again. */
  async unmarkReplayed(id: string, at: string): Promise<void> {
    await this.table.update({ id }, { UpdateExpression: 'REMOVE replayedAt, replayedBy', ConditionExpression: 'replayedAt = :at', ExpressionAttributeValues: { ':at': at } });
  }

  /** The events quarantined on one UTC day (`YYYY-MM-DD`). */
  async receivedOn(day: string): Promise<QuarantineEntry[]> {
    return this.table.queryAll<QuarantineEntry>({
      IndexName: BY_DAY,
      KeyConditionExpression: '#day = :day',
      ExpressionAttributeNames: { '#day': 'day' },
      ExpressionAttributeValues: { ':day': day },
    });
  }
}
