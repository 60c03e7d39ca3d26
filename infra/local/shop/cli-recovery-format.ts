import type { FlowInstance, QuarantinedEvent, RedriveResult } from '../../../functions/ops-api/schemas';
import { formatTable } from './cli-format';

/** Views of the recovery routes for the ops CLI (`flows list|redrive`, `quarantine list|replay`). */

export function formatFlowInstances(page: { items: FlowInstance[]; skipped?: Array<{ flow: string; reason: string }> }): string {
  const lines: string[] = [];
  if (page.items.length === 0) lines.push('no flow instances match');
  else {
    const rows = page.items.map((f) => [f.flow, f.businessKey, f.status, f.step ?? '-', f.error ?? '-', String(f.redriveCount), f.redrivable ? 'yes' : 'no', f.stoppedAt ?? f.startedAt]);
    lines.push(formatTable(['FLOW', 'BUSINESS KEY', 'STATUS', 'STEP', 'ERROR', 'REDRIVES', 'REDRIVABLE', 'STOPPED / STARTED'], rows));
    lines.push(`${page.items.length} instance${page.items.length === 1 ? '' : 's'}`);
  }
  for (const skip of page.skipped ?? []) lines.push(`not listed: ${skip.reason}`);
  return lines.join('\n');
}

export function formatRedrive(result: RedriveResult): string {
  const from = result.fromStep ? ` from ${result.fromStep}` : '';
  return `${result.flow} ${result.businessKey}: ${result.result}${from}${result.redriveCount ? ` (redrive ${result.redriveCount})` : ''}${result.reason ? `: ${result.reason}` : ''}`;
}

export function formatBulkRedrive(summary: { flow: string; status: string; dryRun: boolean; recovery?: 'redrive' | 'restart'; matched: number; redriven: number; notRedrivable: number; failed: number; results: RedriveResult[] }): string {
  const rows = summary.results.map((r) => [r.businessKey, r.result, r.fromStep ?? '-', r.reason ?? '']);
  const head = rows.length ? `${formatTable(['BUSINESS KEY', 'RESULT', 'FROM STEP', 'REASON'], rows)}\n` : '';
  // EXPRESS instances are restarted from their first step, not redriven (see functions/ops-api/recovery/flows.ts).
  const verb = summary.recovery === 'restart' ? (summary.dryRun ? 'would restart' : 'restarted') : summary.dryRun ? 'would redrive' : 'redriven';
  return `${head}${summary.flow} ${summary.status}: ${summary.matched} matched, ${summary.redriven} ${verb}, ${summary.notRedrivable} not redrivable, ${summary.failed} failed`;
}

export function formatQuarantine(page: { day: string; items: QuarantinedEvent[] }): string {
  if (page.items.length === 0) return `no events quarantined on ${page.day}`;
  const rows = page.items.map((q) => [
    q.id,
    q.receivedAt,
    q.detailType,
    q.reason,
    q.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || '-',
    q.replayedAt ? `replayed ${q.replayedAt} by ${q.replayedBy}` : '-',
  ]);
  return `${formatTable(['ID', 'RECEIVED', 'DETAIL-TYPE', 'REASON', 'FIELD ERRORS', 'REPLAY'], rows)}\n${page.items.length} event${page.items.length === 1 ? '' : 's'} quarantined on ${page.day}`;
}

export function formatDeadLetters(list: { waiting: number; sample: Array<{ messageId: string; source?: string; detailType?: string; error?: string }> }): string {
  if (list.waiting === 0 && list.sample.length === 0) return 'no dead letters';
  const rows = list.sample.map((m) => [m.messageId, m.source ?? '(not an event)', m.detailType ?? '-', m.error ?? '-']);
  return `${formatTable(['MESSAGE', 'SOURCE', 'DETAIL-TYPE', 'WHY'], rows)}\n${list.waiting} dead letter${list.waiting === 1 ? '' : 's'} waiting (redrive: npm run ops -- quarantine dead-letters --redrive)`;
}
