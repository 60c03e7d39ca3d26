import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../../shared/aws';
import { DAY, nowIso, nowMs } from '../../../shared/clock';
import { ForbiddenError, NotFoundError } from '../../../shared/errors';
import { apiHandler, json } from '../../../shared/handlers/api';
import { TaskRepository } from '../../../shared/tasks/repository';
import { isBreached } from '../../../shared/tasks/rules';
import { opsEnv } from '../ops-env';
import { refundPolicy } from '../../refund/policy';
import { caseOverdue, caseOverdueAt } from '../../refund/rules';

const REPORTS: Record<string, () => Promise<unknown>> = { sla: slaReport, quarantine: quarantineReport };

/** `GET /reports/{name}`: read-only summaries for ops. */
export const handler = apiHandler(async (event, caller) => {
  if (caller.roles.length === 0) throw new ForbiddenError('you have no ops role');
  const name = event.pathParameters?.name ?? '';
  const report = REPORTS[name];
  if (!report) throw new NotFoundError(`no report ${name}; reports are ${Object.keys(REPORTS).join(', ')}`);
  return json(200, await report());
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

/** After-sales cases close within 7 working days (business rules §4): open ones past that are breached. */
async function openRefundCases(now: string) {
  const row = { kind: 'refund-case', open: 0, breached: 0 } as { kind: string; open: number; breached: number; oldestDueAt?: string };
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(
      new QueryCommand({
        TableName: opsEnv().RECORDS_TABLE,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :open',
        ExpressionAttributeValues: { ':open': 'REFUNDS#open' },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      row.open++;
      if (caseOverdue(item.openedAt, now, refundPolicy)) row.breached++;
      const dueAt = caseOverdueAt(item.openedAt, refundPolicy);
      if (!row.oldestDueAt || dueAt < row.oldestDueAt) row.oldestDueAt = dueAt;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return row;
}

/** Events quarantined in the last 7 days, per source and type, with their latest reasons. */
async function quarantineReport() {
  const rows = new Map<string, { source: string; detailType: string; count: number; latestReason: string; latestAt: string }>();
  for (let day = 0; day < 7; day++) {
    const date = new Date(nowMs() - day * DAY).toISOString().slice(0, 10);
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents().send(
        new QueryCommand({
          TableName: opsEnv().QUARANTINE_TABLE,
          IndexName: 'byDay',
          KeyConditionExpression: '#day = :day',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':day': date },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const key = `${item.source} ${item.detailType}`;
        const row = rows.get(key) ?? { source: item.source, detailType: item.detailType, count: 0, latestReason: item.reason, latestAt: item.receivedAt };
        row.count++;
        if (item.receivedAt >= row.latestAt) Object.assign(row, { latestReason: item.reason, latestAt: item.receivedAt });
        rows.set(key, row);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return { generatedAt: nowIso(), days: 7, events: [...rows.values()] };
}
