import type { RunTrace } from './cost';
import quotas from './quotas.json' with { type: 'json' };

/**
 * The Singles' Day peak against the account's quotas, projected from what one order measurably
 * does (the cost run's trace, and the throughput burst, whose orders all take one SKU): each
 * quota's use at the peak, and the order rate at which it runs out. See docs/scale.md.
 */
export interface ScaleProjection {
  peak: { ordersPerSecond: number; hotSkuOrdersPerSecond: number; hours: number };
  perOrder: {
    lambdaInvocations: number;
    lambdaSeconds: number;
    writeUnits: number;
    readUnits: number;
    putEventsRequests: number;
    expressStarts: number;
    standardStarts: number;
    stateTransitions: number;
    /** Write units one order of the hot SKU puts on the busiest partition key. */
    hottestKey: { key: string; writeUnits: number };
  };
  quotas: Array<{ quota: string; limit: number; atPeak: number; ratio: number; ordersPerSecondAtLimit: number; note: string }>;
  /** The quota that runs out at the lowest order rate. */
  firstBottleneck: string;
}

const PARTITION = /"pk":\{"S":"([^"]+)"\}/g;

/** Write units per partition key, summed over the calls (a transaction's units spread evenly over its items). */
export function writeUnitsByKey(run: RunTrace): Map<string, number> {
  const byKey = new Map<string, number>();
  for (const call of run.dynamodb) {
    if (call.writeUnits === 0) continue;
    const keys = [...call.request.matchAll(PARTITION)].map((m) => m[1]);
    if (keys.length === 0) continue;
    const unique = [...new Set(keys)];
    for (const key of unique) byKey.set(key, (byKey.get(key) ?? 0) + call.writeUnits / unique.length);
  }
  return byKey;
}

export function projectScale(costRun: RunTrace, burst: RunTrace): ScaleProjection {
  const { peak } = quotas;
  const per = (value: number, run: RunTrace = costRun) => value / run.instances;
  const byKey = [...writeUnitsByKey(burst).entries()].sort((a, b) => b[1] - a[1]);
  const [hotKey, hotUnits] = byKey[0] ?? ['(none)', 0];
  const perOrder = {
    lambdaInvocations: per(costRun.lambdas.length),
    lambdaSeconds: per(costRun.lambdas.reduce((sum, l) => sum + l.durationMs, 0)) / 1000,
    writeUnits: per(costRun.dynamodb.reduce((sum, c) => sum + c.writeUnits, 0)),
    readUnits: per(costRun.dynamodb.reduce((sum, c) => sum + c.readUnits, 0)),
    putEventsRequests: per(costRun.events.length),
    expressStarts: per(costRun.executions.filter((e) => e.type === 'EXPRESS').length),
    standardStarts: per(costRun.executions.filter((e) => e.type === 'STANDARD').length),
    stateTransitions: per(costRun.executions.filter((e) => e.type === 'STANDARD').reduce((sum, e) => sum + e.stateTransitions, 0)),
    hottestKey: { key: hotKey.replace(/#[^#]*$/, '#…').replace(/^([A-Z]+#).*/, '$1<hot SKU>'), writeUnits: per(hotUnits, burst) },
  };
  const q = quotas.quotas;
  const rows: ScaleProjection['quotas'] = [
    { quota: 'Lambda concurrent executions (account, region)', limit: q.lambdaConcurrency.limit, use: perOrder.lambdaSeconds, rate: peak.ordersPerSecond, note: q.lambdaConcurrency.note },
    { quota: 'EventBridge PutEvents requests/s', limit: q.putEventsPerSecond.limit, use: perOrder.putEventsRequests, rate: peak.ordersPerSecond, note: q.putEventsPerSecond.note },
    { quota: 'Step Functions Express StartExecution/s', limit: q.expressStartsPerSecond.limit, use: perOrder.expressStarts, rate: peak.ordersPerSecond, note: q.expressStartsPerSecond.note },
    { quota: 'Step Functions Standard StartExecution/s', limit: q.standardStartsPerSecond.limit, use: perOrder.standardStarts, rate: peak.ordersPerSecond, note: q.standardStartsPerSecond.note },
    { quota: 'Step Functions Standard state transitions/s', limit: q.standardTransitionsPerSecond.limit, use: perOrder.stateTransitions, rate: peak.ordersPerSecond, note: q.standardTransitionsPerSecond.note },
    { quota: 'DynamoDB on-demand write units/s (Records table)', limit: q.tableWriteUnitsPerSecond.limit, use: perOrder.writeUnits, rate: peak.ordersPerSecond, note: q.tableWriteUnitsPerSecond.note },
    { quota: 'DynamoDB write units/s on one partition (the hot SKU)', limit: q.partitionWriteUnitsPerSecond.limit, use: perOrder.hottestKey.writeUnits, rate: peak.hotSkuOrdersPerSecond, note: q.partitionWriteUnitsPerSecond.note },
  ]
    .filter((row) => row.use > 0)
    .map(({ quota, limit, use, rate, note }) => ({ quota, limit, atPeak: use * rate, ratio: (use * rate) / limit, ordersPerSecondAtLimit: limit / use, note }));
  // The hot SKU's rate is a share of all orders: its limit is reached when the whole peak is that many times larger.
  const scaled = rows.map((row) => ({ row, allOrdersAtLimit: row.quota.includes('hot SKU') ? row.ordersPerSecondAtLimit * (peak.ordersPerSecond / peak.hotSkuOrdersPerSecond) : row.ordersPerSecondAtLimit }));
  const first = scaled.reduce((a, b) => (b.allOrdersAtLimit < a.allOrdersAtLimit ? b : a));
  return { peak, perOrder, quotas: rows, firstBottleneck: first.row.quota };
}
