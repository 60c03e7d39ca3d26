import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startPlatform, type Platform } from '../infra/local/engine/platform';
import { TraceRecorder, traceContext, type Attributed } from '../infra/local/engine/trace';
import type { ExecutionTrace } from '../infra/local/engine/stepfunctions/service';
import { LOCAL_SHOP_APP } from '../infra/local/shop/shop-binding';
import { REPO_ROOT } from '../workflows/constructs/repo-paths';
import { measureBundles, type BundlesResult } from './bundles';
import { flowCost, PRICES, splitByFlow, type FlowCost, type RunTrace } from './cost';
import { formatResults } from './report';
import { round } from './stats';
import { projectScale, type ScaleProjection } from './scale';
import { measureThroughput, warmUp, type ThroughputResult } from './throughput';
import { callbacksWorkload, listingsWorkload, ordersWorkload, putMany, refundsWorkload, stockFor, workloadContext, type Workload } from './workloads';

/** The instant the bench's virtual clock starts at (a working Monday, as in the tests and the demo). */
const CLOCK_START = '2026-11-23T01:00:00.000Z';
const MAX_STATE_PAYLOAD_BYTES = 256 * 1024;
const MAX_HISTORY_EVENTS = 25_000;

export interface BenchSizes {
  /** The throughput burst, and the orders routed before it to warm the platform up (not measured). */
  orders: number;
  warmUpOrders: number;
  /** Orders one after another, for their cost. */
  costOrders: number;
  refunds: number;
  listings: number;
  callbacks: number;
  loadRuns: number;
  /** Bundle only this many entries (all when omitted). */
  bundleLimit?: number;
  npmTest: boolean;
}

export const SIZES: Record<'full' | 'quick' | 'tiny', BenchSizes> = {
  full: { orders: 2000, warmUpOrders: 200, costOrders: 300, refunds: 40, listings: 40, callbacks: 30, loadRuns: 5, npmTest: true },
  quick: { orders: 300, warmUpOrders: 100, costOrders: 100, refunds: 12, listings: 12, callbacks: 9, loadRuns: 3, npmTest: false },
  tiny: { orders: 8, warmUpOrders: 2, costOrders: 6, refunds: 4, listings: 2, callbacks: 3, loadRuns: 1, bundleLimit: 2, npmTest: false },
};

export type CostEntry = (FlowCost & { flow: string; status: 'measured' }) | { flow: string; status: 'absent'; reason: string; usdPerMillion: null; allStandardUsdPerMillion: null; ratio: null };

export interface BenchResults {
  generatedAt: string;
  size: keyof typeof SIZES;
  machine: { cpus: number; node: string };
  prices: { region: string; asOf: string; source: string };
  startup: { platformReadyMs: number };
  npmTest: { seconds: number | null; note?: string };
  bundles: BundlesResult;
  cost: Record<'orders' | 'refunds' | 'listings' | 'callbacks', CostEntry>;
  throughput: ThroughputResult;
  headroom: Array<{ flow: string; executions: number; largestPayloadBytes: number; payloadRatio: number; mostHistoryEvents: number; historyRatio: number }>;
  /** The Singles' Day peak against the account's quotas, from what an order measurably does (docs/scale.md). */
  scale: ScaleProjection;
}

interface Recording {
  platform: Platform;
  trace: TraceRecorder;
  notifications: Attributed[];
}

async function boot(): Promise<Recording> {
  const trace = new TraceRecorder();
  const notifications: Attributed[] = [];
  const platform = await startPlatform({
    app: LOCAL_SHOP_APP,
    awsPort: 0,
    apiPort: 0,
    stateDir: mkdtempSync(path.join(tmpdir(), 'shop-bench-')),
    clockStart: CLOCK_START,
    trace,
    // What functions print stays out of the table; each notification a provider sends is one SNS publish in AWS.
    functionOutput: (text) => {
      for (let i = 1; i < text.split('"notification sent"').length; i++) notifications.push({ ...traceContext.getStore() });
    },
  });
  return { platform, trace, notifications };
}

/** Runs `body` and returns what the platform did meanwhile, with the executions it started. */
async function recorded(recording: Recording, instances: number, body: () => Promise<void>): Promise<RunTrace> {
  const { platform, trace } = recording;
  const mark = trace.mark();
  const executionsBefore = platform.stepFunctions.executionTraces().length;
  const sentBefore = recording.notifications.length;
  await body();
  await platform.clock.settle();
  const since = trace.since(mark);
  // Scheduled sweeps run every hour whatever the volume: a fixed cost, not an instance's.
  const notPerInstance = new Set(platform.model.rules.filter((r) => r.scheduleExpression).flatMap((r) => r.targets.map((t) => t.arn.split(':')[6])));
  // The bench watching instances (GET /flows) is not part of any instance's cost.
  const watching = (routeKey: string) => routeKey.startsWith('GET /flows');
  for (const route of platform.model.apis.flatMap((a) => a.routes)) if (watching(route.routeKey)) notPerInstance.add(route.functionName);
  // Nor is what those functions read and write: their invocations go, and so do their calls.
  const perInstance = (record: Attributed) => record.functionName === undefined || !notPerInstance.has(record.functionName);
  return {
    instances,
    executions: platform.stepFunctions.executionTraces().slice(executionsBefore),
    lambdas: since.lambdas.filter(perInstance),
    dynamodb: since.dynamodb.filter(perInstance),
    events: since.events.filter(perInstance),
    apiRequests: since.apiRequests.filter((routeKey) => !watching(routeKey)).length,
    snsMessages: recording.notifications.length - sentBefore,
    notifications: recording.notifications.slice(sentBefore),
  };
}

async function costRun(recording: Recording, workload: Workload): Promise<RunTrace> {
  const context = workloadContext(recording.platform);
  await workload.setUp(context);
  await recording.platform.clock.settle();
  return recorded(recording, workload.instances, () => workload.run(context));
}

async function costOf(recording: Recording, workload: Workload): Promise<FlowCost> {
  return costOfFlow(recording.platform, workload.flow, await costRun(recording, workload));
}

/** A flow's own functions: its construct's (trigger, steps) and the ops API's that people use for it. */
function ownFunctions(platform: Platform, flow: string): (functionName: string) => boolean {
  const prefix = flow.replace(/(^|-)([a-z])/g, (_, _dash, letter: string) => letter.toUpperCase());
  const api = new Set(platform.model.apis.flatMap((a) => a.routes).map((r) => r.functionName));
  const own = new Set(platform.model.functions.filter((f) => f.logicalId.startsWith(prefix) || api.has(f.functionName)).map((f) => f.functionName));
  return (name) => own.has(name);
}

function costOfFlow(platform: Platform, flow: string, run: RunTrace): FlowCost {
  const machine = platform.model.stateMachines.find((m) => m.flow === flow);
  if (!machine) throw new Error(`no state machine runs ${flow}`);
  const { path, others } = splitByFlow(run, machine.name, ownFunctions(platform, flow));
  return flowCost(path, others);
}

function headroom(executions: ExecutionTrace[]): BenchResults['headroom'] {
  const byFlow = new Map<string, ExecutionTrace[]>();
  for (const e of executions) byFlow.set(e.flow ?? e.stateMachine, [...(byFlow.get(e.flow ?? e.stateMachine) ?? []), e]);
  return [...byFlow.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([flow, list]) => {
      const largestPayloadBytes = Math.max(...list.map((e) => e.largestPayloadBytes));
      const mostHistoryEvents = Math.max(...list.map((e) => e.historyEvents));
      return {
        flow,
        executions: list.length,
        largestPayloadBytes,
        payloadRatio: largestPayloadBytes / MAX_STATE_PAYLOAD_BYTES,
        mostHistoryEvents,
        historyRatio: mostHistoryEvents / MAX_HISTORY_EVENTS,
      };
    });
}

function npmTestSeconds(): number | null {
  const started = performance.now();
  const result = spawnSync('npm', ['test'], { cwd: REPO_ROOT, stdio: 'ignore' });
  return result.status === 0 ? round((performance.now() - started) / 1000, 1) : null;
}

/** Every figure of one run; `progress` hears what is being measured. */
export async function runBench(size: keyof typeof SIZES, progress: (line: string) => void = () => undefined, overrides: Partial<BenchSizes> = {}): Promise<BenchResults> {
  const sizes = { ...SIZES[size], ...overrides, npmTest: SIZES[size].npmTest && overrides.npmTest !== false };
  progress('booting the local platform');
  const recording = await boot();
  const { platform } = recording;
  try {
    progress(`throughput: ${sizes.warmUpOrders} orders to warm up, then a burst of ${sizes.orders}`);
    let throughput!: ThroughputResult;
    const context = workloadContext(platform);
    await putMany(context, stockFor(context, sizes.orders + sizes.warmUpOrders));
    await platform.clock.settle();
    await warmUp(platform, context, recording.trace, sizes.warmUpOrders);
    const burst = await recorded(recording, sizes.orders, async () => {
      throughput = { ...(await measureThroughput(platform, context, recording.trace, sizes.orders)), warmUpOrders: sizes.warmUpOrders };
    });
    // From here on, what is measured is cost, not speed: transactions are billed by AWS's rules (trace.ts).
    recording.trace.sizeTransactions = true;
    progress(`cost: ${sizes.costOrders} orders`);
    const orders = await costRun(recording, ordersWorkload(sizes.costOrders));
    const cost: Partial<BenchResults['cost']> = { orders: { flow: 'order-routing', status: 'measured', ...costOfFlow(platform, 'order-routing', orders) } };
    const scale = projectScale(orders, burst);
    progress(`cost: ${sizes.refunds} refunds`);
    cost.refunds = { flow: 'refund', status: 'measured', ...(await costOf(recording, refundsWorkload(sizes.refunds))) };
    progress(`cost: ${sizes.listings} listings`);
    cost.listings = { flow: 'listing-review', status: 'measured', ...(await costOf(recording, listingsWorkload(sizes.listings))) };
    if (platform.model.stateMachines.some((m) => m.flow === 'member-callback')) {
      progress(`cost: ${sizes.callbacks} callbacks`);
      cost.callbacks = { flow: 'member-callback', status: 'measured', ...(await costOf(recording, callbacksWorkload(sizes.callbacks))) };
    } else {
      cost.callbacks = { flow: 'member-callback', status: 'absent', reason: 'the member-callback flow is not deployed', usdPerMillion: null, allStandardUsdPerMillion: null, ratio: null };
    }
    const executions = platform.stepFunctions.executionTraces();
    const startup = { platformReadyMs: platform.startupMs };
    await platform.stop();

    progress('bundles: every handler, as deployed and with CDK defaults');
    const bundles = await measureBundles(platform.model.functions, { loadRuns: sizes.loadRuns, limit: sizes.bundleLimit, workDir: path.join(REPO_ROOT, '.local', 'bench-bundles') });
    let npmTest: BenchResults['npmTest'] = { seconds: null, note: SIZES[size].npmTest ? '--no-npm-test' : 'the full run times it' };
    if (sizes.npmTest) {
      progress('npm test, timed');
      const seconds = npmTestSeconds();
      npmTest = seconds === null ? { seconds: null, note: 'npm test failed' } : { seconds };
    }
    return {
      generatedAt: new Date().toISOString(),
      size,
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      prices: { region: PRICES.region, asOf: PRICES.asOf, source: PRICES.source },
      startup,
      npmTest,
      bundles,
      cost: cost as BenchResults['cost'],
      throughput,
      headroom: headroom(executions),
      scale,
    };
  } finally {
    await platform.stop().catch(() => undefined);
  }
}

async function main() {
  const program = new Command('bench')
    .description('measures bundles, cost per million instances, throughput against the DynamoDB ceiling and headroom; writes bench/results.json')
    .option('--quick', 'fewer orders and instances (under 3 minutes)')
    .option('--size <size>', 'full, quick or tiny', (value) => {
      if (!(value in SIZES)) throw new InvalidArgumentError('full, quick or tiny');
      return value;
    })
    .option('--out <file>', 'where the results go', path.join(REPO_ROOT, 'bench', 'results.json'))
    .option('--no-npm-test', 'do not time npm test (the full run times it)')
    .parse();
  const options = program.opts<{ quick?: boolean; size?: keyof typeof SIZES; out: string; npmTest: boolean }>();
  const size = options.size ?? (options.quick ? 'quick' : 'full');
  const started = performance.now();
  const results = await runBench(size, (line) => process.stderr.write(`${line}\n`), { npmTest: options.npmTest });
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatResults(results)}\n\nwritten to ${path.relative(process.cwd(), options.out)} in ${round((performance.now() - started) / 1000, 1)} s\n`);
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
