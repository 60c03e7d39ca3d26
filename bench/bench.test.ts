import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { billAllStandard, billAsDeployed, flowCost, PRICES, type RunTrace } from './cost';
import { formatResults } from './report';
import { runBench, type BenchResults } from './run';
import { retable } from './throughput';
import { median, percentile } from './stats';

const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

const express = { name: 'e', stateMachine: 'm', type: 'EXPRESS' as const, status: 'SUCCEEDED' as const, durationMs: 150, stateTransitions: 6, historyEvents: 20, largestPayloadBytes: 100, tasksByIntegration: { lambda: 2, events: 1 }, integrationCallsMs: [{ resourceType: 'events', ms: 4 }] };
const run: RunTrace = {
  instances: 1,
  executions: [express],
  lambdas: [{ functionName: 'f', memoryMb: 1024, durationMs: 100, failed: false }],
  dynamodb: [{ action: 'PutItem', via: 'sdk', request: '{}', readUnits: 0, writeUnits: 2, startedAt: 0, durationMs: 1, status: 200 }],
  events: [{ entryBytes: [100, 70_000], detailTypes: ['A', 'B'] }],
  apiRequests: 0,
  snsMessages: 1,
};

describe('cost model', () => {
  it('bills Express per request and 100 ms of 64 MB, Standard per transition, the rest by the prices', () => {
    const bill = billAsDeployed(run);
    expect(bill.stepFunctions).toBeCloseTo(PRICES.stepFunctions.expressPerRequest + 0.2 * (64 / 1024) * PRICES.stepFunctions.expressPerGbSecond, 12);
    expect(bill.lambda).toBeCloseTo(PRICES.lambda.perRequest + 0.1 * PRICES.lambda.arm64PerGbSecond, 12);
    expect(bill.events).toBeCloseTo(3 * PRICES.eventBridge.perEventChunk, 12); // 70,000 bytes are two 64 KB chunks
    expect(bill.dynamodb).toBeCloseTo(2 * PRICES.dynamodb.perWriteRequestUnit, 12);
    expect(bill.sns).toBeCloseTo(PRICES.sns.perPublish, 12);
  });

  it('bills the counterfactual per transition, with a 128 MB Lambda for each direct integration', () => {
    const standard = billAllStandard(run);
    expect(standard.stepFunctions).toBeCloseTo(6 * PRICES.stepFunctions.standardPerStateTransition, 12);
    expect(standard.lambda - billAsDeployed(run).lambda).toBeCloseTo(PRICES.lambda.perRequest + 0.004 * (128 / 1024) * PRICES.lambda.arm64PerGbSecond, 12);
    const cost = flowCost(run);
    expect(cost.ratio).toBeCloseTo(cost.allStandardUsdPerMillion / cost.usdPerMillion, 9);
  });

  it('points every table of a replayed request at its clone', () => {
    const request = { TransactItems: [{ Put: { TableName: 'Records', Item: {} } }], RequestItems: { Records: [] }, TableName: 'Tasks' };
    expect(retable(request, (name) => `${name}-x`)).toEqual({ TransactItems: [{ Put: { TableName: 'Records-x', Item: {} } }], RequestItems: { 'Records-x': [] }, TableName: 'Tasks-x' });
  });

  it('takes medians and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  });
});

describe('npm run bench, at a tiny size', () => {
  it('writes every figure, each finite and consistent with its parts', async () => {
    const results: BenchResults = await runBench('tiny');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bench-')), 'results.json');
    (await import('node:fs')).writeFileSync(file, JSON.stringify(results));
    const read = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;

    for (const flow of ['orders', 'refunds', 'listings', 'callbacks'] as const) {
      const cost = read.cost[flow];
      if (cost.status !== 'measured') throw new Error(`${flow} not measured`);
      expect([cost.usdPerMillion, cost.allStandardUsdPerMillion, cost.ratio].every(finite)).toBe(true);
      expect(cost.ratio).toBeCloseTo(cost.allStandardUsdPerMillion / cost.usdPerMillion, 6);
      expect(cost.allStandardUsdPerMillion).toBeGreaterThanOrEqual(cost.usdPerMillion);
      expect(cost.perInstance.stateTransitions).toBeGreaterThan(0);
    }

    const t = read.throughput;
    expect([t.ordersPerSecond, t.ceilingOrdersPerSecond, t.ratio, t.p50Ms, t.p99Ms].every(finite)).toBe(true);
    expect(t.ratio).toBeCloseTo(t.ordersPerSecond / t.ceilingOrdersPerSecond, 6);
    expect(t.p99Ms).toBeGreaterThanOrEqual(t.p50Ms);

    const b = read.bundles;
    expect(b.functions.length).toBeGreaterThan(0);
    expect([b.bytesRatio, b.loadRatio, b.packageBytesRatio].every(finite)).toBe(true);
    expect(b.bytesRatio).toBeCloseTo(b.totals.oursBytes / b.totals.cdkDefaultBytes, 6);
    for (const f of b.functions) expect([f.ours.bytes, f.ours.loadMs, f.cdkDefault.bytes, f.cdkDefault.loadMs].every((v) => finite(v) && v > 0)).toBe(true);

    expect(read.headroom.map((h) => h.flow)).toEqual(expect.arrayContaining(['order-routing', 'refund', 'listing-review', 'member-callback']));
    for (const h of read.headroom) {
      expect(h.payloadRatio).toBeCloseTo(h.largestPayloadBytes / (256 * 1024), 9);
      expect(h.historyRatio).toBeCloseTo(h.mostHistoryEvents / 25_000, 9);
      expect(h.payloadRatio).toBeLessThan(1);
    }
    expect(read.startup.platformReadyMs).toBeGreaterThan(0);
    expect(read.scale.quotas.length).toBeGreaterThan(0);
    for (const q of read.scale.quotas) expect(q.ratio).toBeCloseTo(q.atPeak / q.limit, 9);
    expect(read.scale.quotas.map((q) => q.quota)).toContain(read.scale.firstBottleneck);
    expect(formatResults(read)).toContain('first bottleneck');
  }, 240_000);
});
