import type { BenchResults } from './run';

const usd = (value: number | null) => (value === null ? '—' : `$${value.toFixed(2)}`);
const times = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)}×`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The bench's figures as the tables `npm run bench` prints. */
export function formatResults(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`bench (${r.size}) on ${r.machine.cpus} cores, Node ${r.machine.node}; prices ${r.prices.region} as of ${r.prices.asOf}`, '');
  lines.push('cost per million instances (ours vs. every machine STANDARD and every direct integration a Lambda step)');
  lines.push(
    ...table(
      ['flow', 'ours', 'all-STANDARD', 'ratio', 'transitions', 'Lambda calls', 'RRU', 'WRU', 'events'],
      Object.entries(r.cost).map(([name, c]) =>
        c.status === 'absent'
          ? [name, 'absent', '—', '—', c.reason, '', '', '', '']
          : [
              name,
              usd(c.usdPerMillion),
              usd(c.allStandardUsdPerMillion),
              times(c.ratio),
              c.perInstance.stateTransitions.toFixed(1),
              c.perInstance.lambdaInvocations.toFixed(1),
              c.perInstance.readUnits.toFixed(1),
              c.perInstance.writeUnits.toFixed(1),
              c.perInstance.events.toFixed(1),
            ],
      ),
    ),
    '',
  );
  if (r.cost.orders.status === 'measured') {
    lines.push('order path functions (what workflows/constructs/memory-policy.ts sizes from)');
    lines.push(
      ...table(
        ['function', 'calls/order', 'median warm', 'memory'],
        r.cost.orders.functions.map((f) => [f.functionName, f.invocationsPerInstance.toFixed(2), `${f.medianMs.toFixed(1)} ms`, `${f.memoryMb} MB`]),
      ),
      '',
    );
  }
  const t = r.throughput;
  lines.push(`throughput: ${t.orders} orders through PutEvents${t.warmUpOrders ? ` (after ${t.warmUpOrders} to warm up)` : ''}`);
  lines.push(
    ...table(
      ['orders/s', 'DynamoDB ceiling orders/s', 'ratio', 'p50', 'p99', 'DynamoDB calls/order', 'concurrency'],
      [[t.ordersPerSecond.toFixed(1), t.ceilingOrdersPerSecond.toFixed(1), times(t.ratio), `${t.p50Ms.toFixed(0)} ms`, `${t.p99Ms.toFixed(0)} ms`, t.dynamodbCallsPerOrder.toFixed(1), String(t.concurrency)]],
    ),
    '',
  );
  const b = r.bundles;
  lines.push(`bundles: ${b.functions.length} handlers, ours ÷ CDK default (worst: bytes ${b.worst.bytes}, load ${b.worst.load})`);
  lines.push(
    ...table(
      ['', 'ours', 'CDK default', 'ratio'],
      [
        ['code loaded at cold start', kb(b.totals.oursBytes), kb(b.totals.cdkDefaultBytes), times(b.bytesRatio)],
        ['deployment packages', kb(b.totals.oursPackageBytes), kb(b.totals.cdkDefaultPackageBytes), times(b.packageBytesRatio)],
        ['cold module load (sum of medians)', `${b.totals.oursLoadMs.toFixed(0)} ms`, `${b.totals.cdkDefaultLoadMs.toFixed(0)} ms`, times(b.loadRatio)],
      ],
    ),
    '',
  );
  lines.push('headroom: largest state payload ÷ 256 KiB, most history events ÷ 25,000');
  lines.push(
    ...table(
      ['flow', 'executions', 'largest payload', 'payload ratio', 'most events', 'history ratio'],
      r.headroom.map((h) => [h.flow, String(h.executions), `${h.largestPayloadBytes} B`, h.payloadRatio.toFixed(4), String(h.mostHistoryEvents), h.historyRatio.toFixed(4)]),
    ),
    '',
  );
  const sc = r.scale;
  lines.push(`Singles' Day: ${sc.peak.ordersPerSecond.toLocaleString('en')} orders/s (${sc.peak.hotSkuOrdersPerSecond.toLocaleString('en')}/s on one SKU) against the account's default quotas; first bottleneck: ${sc.firstBottleneck}`);
  lines.push(
    ...table(
      ['quota', 'limit', 'at the peak', 'ratio', 'orders/s at the limit'],
      sc.quotas.map((q) => [q.quota, q.limit.toLocaleString('en'), Math.round(q.atPeak).toLocaleString('en'), times(q.ratio), Math.round(q.ordersPerSecondAtLimit).toLocaleString('en')]),
    ),
    '',
  );
  lines.push(`start-up: platform ready in ${(r.startup.platformReadyMs / 1000).toFixed(1)} s; npm test: ${r.npmTest.seconds === null ? `not timed (${r.npmTest.note})` : `${r.npmTest.seconds} s`}`);
  return lines.join('\n');
}
