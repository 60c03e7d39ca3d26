import { DynamoTable } from '../../../shared/dynamo';
import { DAY, nowIso, nowMs } from '../../../shared/clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../shared/errors';
import { isoWeekBounds, isoWeekOf } from '../../../shared/calendar';
import { Callbacks } from '../../../shared/records/callbacks';
import { callbackCoverage } from '../../../shared/reports/callback-coverage';
import { apiHandler, json } from '../../../shared/handlers/api';
import { Quarantine } from '../../../shared/records/quarantine';
import { RefundCases } from '../../../shared/records/refund-cases';
import { TaskRepository } from '../../../shared/tasks/repository';
import { isBreached } from '../../../shared/tasks/rules';
import { opsEnv } from '../ops-env';

type Query = Record<string, string | undefined>;
const REPORTS: Record<string, (query: Query) => Promise<unknown>> = { sla: slaReport, quarantine: quarantineReport, callbacks: callbacksReport };

/** `GET /reports/{name}`: read-only summaries for ops. */
export const handler = apiHandler(async (event, caller) => {
  if (caller.roles.length === 0) throw new ForbiddenError('you have no ops role');
  const name = event.pathParameters?.name ?? '';
  const report = REPORTS[name];
  if (!report) throw new NotFoundError(`no report ${name}; reports are ${Object.keys(REPORTS).join(', ')}`);
  return json(200, await report(event.queryStringParameters ?? {}));
});

/** Open and breached (past due) tasks per kind. */
async function slaReport() {
  const now = nowIso();
  const open = await new TaskRepository({ tasksTable: opsEnv().TASKS_TABLE, recordsTable: opsEnv().RECORDS_TABLE }).openTasks();
  const kinds = new Map<string, { kind: string; open: number; breached: number; oldestDueAt?: string }>();
  for (const task of open) {
    const row = kinds.get(task.kind) ?? { kind: task.kind, open: 0, breached: 0 };
    row.open++;
    if (isBreached(task, now)) row.breached++;
    if (!row.oldestDueAt || task.dueAt < row.oldestDueAt) row.oldestDueAt = task.dueAt;
    kinds.set(task.kind, row);
  }
  kinds.set('refund-case', await openRefundCases(now));
  return { generatedAt: now, kinds: [...kinds.values()].sort((a, b) => a.kind.localeCompare(b.kind)) };
}

/** After-sales cases close by the deadline the refund flow gave them when it opened them (business rules §4). */
async function openRefundCases(now: string) {
  const row = { kind: 'refund-case', open: 0, breached: 0 } as { kind: string; open: number; breached: number; oldestDueAt?: string };
  for (const refundCase of await new RefundCases(new DynamoTable(opsEnv().RECORDS_TABLE, 'pk')).openCases()) {
    row.open++;
    // A case without a deadline (past the calendar's data) is open, never called breached.
    if (!refundCase.closeBy) continue;
    if (now >= refundCase.closeBy) row.breached++;
    if (!row.oldestDueAt || refundCase.closeBy < row.oldestDueAt) row.oldestDueAt = refundCase.closeBy;
  }
  return row;
}

/** Events quarantined in the last 7 days, per source and type, with their latest reasons. */
async function quarantineReport() {
  const quarantine = new Quarantine(new DynamoTable(opsEnv().QUARANTINE_TABLE, 'id'));
  const rows = new Map<string, { source: string; detailType: string; count: number; latestReason: string; latestAt: string }>();
  for (let day = 0; day < 7; day++) {
    for (const item of await quarantine.receivedOn(new Date(nowMs() - day * DAY).toISOString().slice(0, 10))) {
      const key = `${item.source} ${item.detailType}`;
      const row = rows.get(key) ?? { source: item.source, detailType: item.detailType, count: 0, latestReason: item.reason, latestAt: item.receivedAt };
      row.count++;
      if (item.receivedAt >= row.latestAt) Object.assign(row, { latestReason: item.reason, latestAt: item.receivedAt });
      rows.set(key, row);
    }
  }
  return { generatedAt: nowIso(), days: 7, events: [...rows.values()] };
}

/** Callback coverage of an ISO week (Asia/Shanghai; default the current one): completed ÷ due against the 80 % target. */
async function callbacksReport(query: Query) {
  const week = query.week ?? isoWeekOf(nowIso());
  try {
    isoWeekBounds(week);
  } catch (error) {
    throw new ValidationError('week is invalid', [{ field: 'week', message: (error as Error).message }]);
  }
  const callbacks = await new Callbacks(new DynamoTable(opsEnv().RECORDS_TABLE, 'pk')).dueInWeek(week);
  return { generatedAt: nowIso(), ...callbackCoverage(week, callbacks) };
}
