import { isoWeekOf } from '../calendar/weeks';
import { setFields, type DynamoTable } from '../dynamo';
import { GSI1, recordsTable } from './table';

/**
 * Member callbacks (business rules §5), written by the member-callback flow, read by the weekly
 * coverage report.
 *
 * Items (pk / sk):
 * - `CALLBACK#<callbackId>` / `CALLBACK`: `callbackId`, `memberId`, `reason`, `dueAt` (the first
 *   attempt's time, inside callback hours), `status` (`open`, then the outcome: `reached`,
 *   `declined` or `unreachable`), `attempts` (calls opened so far), `satisfaction?`, `badReview?`,
 *   `followUp?` (the review follow-up's outcome), `completedAt?`. Index gsi1:
 *   `CALLBACKS#<ISO week of dueAt, Shanghai>` / `<dueAt>#<callbackId>` (a week's callbacks, for coverage).
 */

export type CallbackStatus = 'open' | 'reached' | 'declined' | 'unreachable';

export interface CallbackRecord {
  callbackId: string;
  memberId: string;
  reason: 'purchase' | 'aftersales' | 'complaint';
  dueAt: string;
  status: CallbackStatus;
  attempts: number;
  satisfaction?: number;
  badReview?: boolean;
  followUp?: string;
  completedAt?: string;
}

const key = (callbackId: string) => ({ pk: `CALLBACK#${callbackId}`, sk: 'CALLBACK' });
const weekPartition = (week: string) => `CALLBACKS#${week}`;

export class Callbacks {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  async get(callbackId: string): Promise<CallbackRecord | undefined> {
    return this.table.get<CallbackRecord>(key(callbackId));
  }

  /** Opens the callback once, counted in the week it is due; a retried step changes nothing. */
  async open(callback: Pick<CallbackRecord, 'callbackId' | 'memberId' | 'reason' | 'dueAt'>): Promise<boolean> {
    return this.table.putOnce({
      ...key(callback.callbackId),
      ...callback,
      status: 'open',
      attempts: 0,
      gsi1pk: weekPartition(isoWeekOf(callback.dueAt)),
      gsi1sk: `${callback.dueAt}#${callback.callbackId}`,
    });
  }

  /** Counts the attempt `attempt` (1-based) while the callback is open; a retried step counts it once. */
  async countAttempt(callbackId: string, attempt: number): Promise<void> {
    await this.table.update(key(callbackId), setFields({ attempts: attempt }, { condition: '#status = :open AND attempts < :attempt', names: { '#status': 'status' }, values: { ':open': 'open', ':attempt': attempt } }));
  }

  /** Closes the callback with its outcome, once: false when it was closed before. */
  async complete(callbackId: string, result: Pick<CallbackRecord, 'status' | 'attempts' | 'satisfaction' | 'badReview' | 'followUp' | 'completedAt'>): Promise<boolean> {
    const updated = await this.table.update(key(callbackId), setFields(result, { condition: '#status = :open', names: { '#status': 'status' }, values: { ':open': 'open' } }));
    return updated !== undefined;
  }

  /** The callbacks due in an ISO week (`2026-W48`), by due time. */
  async dueInWeek(week: string): Promise<CallbackRecord[]> {
    return this.table.queryAll<CallbackRecord>({
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :week',
      ExpressionAttributeValues: { ':week': weekPartition(week) },
    });
  }
}
