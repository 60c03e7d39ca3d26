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
}

const BY_DAY = 'byDay';
const env = defineEnv(z.object({ QUARANTINE_TABLE: z.string().min(1) }));

export class Quarantine {
  constructor(private readonly table: DynamoTable = new DynamoTable(env().QUARANTINE_TABLE, 'id')) {}

  /** Keeps the event; false when it was kept before (a redelivery). */
  async keep(entry: Omit<QuarantineEntry, 'day'>): Promise<boolean> {
    return this.table.putOnce({ ...entry, day: entry.receivedAt.slice(0, 10) });
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
