import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { isDeepStrictEqual } from 'node:util';
import { EVENT_BUS_NAME } from '../../../aws/stacks/bus-stack';
import { localClients } from '../../engine/clients';
import { callOpsApi } from '../ops-call';
import type { Platform } from '../../engine/platform';
import type { DemoContext, DemoInstance, DemoScenario, FlowState } from './scenario';

export interface InstanceReport extends DemoInstance {
  actual: FlowState | undefined;
  ok: boolean;
  problem?: string;
}

export interface DemoReport {
  ok: boolean;
  scenarios: Array<{ flow: string; title: string; instances: InstanceReport[]; notes: string[]; error?: string }>;
}

/** Runs the scenarios one after another and checks every instance reached its expected end. */
export async function runDemo(platform: Platform, scenarios: DemoScenario[], onStep: (label: string) => void = () => undefined): Promise<DemoReport> {
  const report: DemoReport = { ok: true, scenarios: [] };
  for (const scenario of scenarios) {
    const notes: string[] = [];
    const context = demoContext(platform, onStep, (line) => notes.push(line));
    try {
      const instances = await scenario.run(context);
      const checked = await Promise.all(instances.map((instance) => check(context, instance)));
      report.scenarios.push({ flow: scenario.flow, title: scenario.title, instances: checked, notes });
      if (checked.some((i) => !i.ok)) report.ok = false;
    } catch (error) {
      report.ok = false;
      report.scenarios.push({ flow: scenario.flow, title: scenario.title, instances: [], notes, error: (error as Error).message });
    }
  }
  return report;
}

async function check(context: DemoContext, instance: DemoInstance): Promise<InstanceReport> {
  const actual =
    instance.expected.status === 'RUNNING'
      ? await context.flowState(instance.flow, instance.businessKey)
      : await context.waitFor(instance.flow, instance.businessKey).catch(() => undefined);
  const problems: string[] = [];
  if (!actual) problems.push('no such flow instance');
  else if (actual.status !== instance.expected.status) problems.push(`status ${actual.status}, expected ${instance.expected.status}`);
  for (const [field, value] of Object.entries(instance.expected.result ?? {})) {
    const got = (actual?.output as Record<string, unknown> | undefined)?.[field];
    if (!isDeepStrictEqual(got, value)) problems.push(`${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);
  }
  return { ...instance, actual, ok: problems.length === 0, ...(problems.length ? { problem: problems.join('; ') } : {}) };
}

/** Who the demo looks tasks up as: any role may list the inbox. */
const TASK_READER = { user: 'demo', groups: ['ops-lead'] };

export function demoContext(platform: Platform, onStep: (label: string) => void, onNote: (line: string) => void = () => undefined): DemoContext {
  const { sfn, events, dynamo, s3 } = localClients(platform.awsEndpoint);

  /** Where an instance stands, as ops see it (`GET /flows/...`): Express flows have no execution to describe. */
  const flowState = async (flow: string, businessKey: string): Promise<FlowState | undefined> => {
    if (!platform.model.stateMachines.some((m) => m.flow === flow)) throw new Error(`no state machine runs flow ${flow}`);
    const { status, body } = await callOpsApi(platform, 'GET', `/flows/${flow}/${encodeURIComponent(businessKey)}`, TASK_READER);
    if (status === 404) return undefined;
    if (status !== 200) throw new Error(`GET /flows/${flow}/${businessKey}: ${status} ${JSON.stringify(body)}`);
    return { status: body.status, output: body.result };
  };

  return {
    platform,
    sfn,
    events,
    dynamo,
    s3,
    flowState,
    async putEvent(source, detailType, detail) {
      const result = await events.send(
        new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }] }),
      );
      if (result.FailedEntryCount) throw new Error(`${detailType} was refused: ${result.Entries?.[0]?.ErrorMessage}`);
      await platform.clock.settle();
    },
    api: (method, path, as, body) => callOpsApi(platform, method, path, as, body),
    async openTask(kind, businessKey) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { body } = await callOpsApi(platform, 'GET', `/tasks?businessKey=${encodeURIComponent(businessKey)}&kind=${kind}`, TASK_READER);
        const task = body.items?.find((t: { status: string }) => t.status === 'open');
        if (task) return task;
        if (Date.now() > deadline) throw new Error(`no open ${kind} task for ${businessKey}`);
        await platform.clock.settle();
      }
    },
    async advance(seconds) {
      await platform.clock.advance(seconds);
    },
    async waitFor(flow, businessKey, status) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const state = await flowState(flow, businessKey);
        if (state && (status ? state.status === status : state.status !== 'RUNNING')) return state;
        if (Date.now() > deadline) throw new Error(`${flow} ${businessKey} did not reach ${status ?? 'an end'} (now ${state?.status ?? 'not started'})`);
        await platform.clock.settle();
      }
    },
    step: onStep,
    note: onNote,
  };
}

/** One table per flow: instance, story, expected, actual, verdict. */
export function formatReport(report: DemoReport): string {
  const lines: string[] = [];
  for (const scenario of report.scenarios) {
    lines.push('', `${scenario.flow}: ${scenario.title}`);
    if (scenario.error) lines.push(`  FAILED before checking: ${scenario.error}`);
    const rows = scenario.instances.map((i) => [
      i.businessKey,
      i.flow,
      i.story,
      i.actual?.status ?? '-',
      i.ok ? 'ok' : `FAIL: ${i.problem}`,
      explain(i.actual?.output),
    ]);
    lines.push(...table(['instance', 'flow', 'story', 'status', 'verdict', 'what the flow says'], rows));
    lines.push(...scenario.notes.map((note) => `  ${note}`));
  }
  const total = report.scenarios.flatMap((s) => s.instances);
  lines.push('', `${total.filter((i) => i.ok).length} of ${total.length} flow instances reached their expected end state${report.ok ? '' : ' — demo FAILED'}`);
  return lines.join('\n');
}

/** The flow's own words about the outcome: a routing reason, a resolution, a decision, a listing's fate. */
function explain(output: unknown): string {
  const result = (output ?? {}) as Record<string, unknown>;
  const text =
    callbackOutcome(result) ??
    ([result.reason, result.explanation, result.resolution, result.decision].find((v) => typeof v === 'string') as string | undefined) ??
    listingOutcome(result);
  return text ? (text.length > 110 ? `${text.slice(0, 107)}...` : text) : '';
}

/** A callback's result in a line: the outcome, after how many attempts, the member's satisfaction, the follow-up. */
function callbackOutcome(result: Record<string, unknown>): string | undefined {
  if (typeof result.callbackId !== 'string') return undefined;
  const parts = [`${result.outcome} after ${result.attempts === 1 ? '1 attempt' : `${result.attempts} attempts`}`];
  if (typeof result.satisfaction === 'number') parts.push(`satisfaction ${result.satisfaction}/5`);
  if (result.badReview) parts.push(`bad review, follow-up: ${result.followUp}`);
  return parts.join('; ');
}

/** A listing review's result in a line: which revision, published when, what became of its slow-moving SKUs, or why it was abandoned. */
function listingOutcome(result: Record<string, unknown>): string | undefined {
  const { status, revision, publishedAt, reasons, slowMoving } = result as {
    status?: unknown;
    revision?: unknown;
    publishedAt?: unknown;
    reasons?: Array<{ code?: unknown }>;
    slowMoving?: Array<{ skuId?: unknown; action?: unknown }>;
  };
  if (typeof status !== 'string' || typeof result.listingId !== 'string' || !Array.isArray(slowMoving)) return undefined;
  const parts = [`revision ${revision} ${status}${typeof publishedAt === 'string' ? ` ${publishedAt.replace(/:\d\d(\.\d+)?Z$/, 'Z')}` : ''}`];
  if (Array.isArray(reasons) && reasons.length) parts.push(`last reasons ${reasons.map((r) => r.code).join(', ')}`);
  if (status !== 'abandoned') parts.push(slowMoving.length ? `unsold a week on: ${slowMoving.map((s) => `${s.skuId} ${s.action}`).join(', ')}` : 'every SKU sold in its first week');
  return parts.join('; ');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `  ${cells.map((cell, c) => cell.padEnd(widths[c])).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
