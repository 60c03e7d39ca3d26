import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPlatform } from '../../engine/platform';
import { LOCAL_SHOP_APP } from '../shop-binding';
import { ReliabilityContext, type Meter } from './context';
import { concurrentCompletions, duplicates, faultDay, malformed, personalDataScan } from './flow-checks';
import type { ReliabilitySize } from './policy';
import { runCheck, type CheckRow } from './report';
import { jwtAttacks, keepAliveReuse } from './security-checks';
import { templateChecks } from './template-check';

/** The fixed day the suite's clock starts on (a Monday, inside the business calendar's data). */
const RELIABILITY_DAY_START = '2026-11-23T01:00:00.000Z';

export interface ReliabilityReport {
  size: ReliabilitySize;
  rows: CheckRow[];
  ok: boolean;
  seconds: number;
}

/**
 * Boots a private platform (free ports, data in memory), runs every check against it and returns
 * one line per check. The platform's log and what its functions print go to `log` (and are
 * scanned for personal data), never to the console.
 */
export async function runReliability(
  size: ReliabilitySize,
  options: { log?: (text: string) => void; progress?: (check: string) => void; meter?: Meter } = {},
): Promise<ReliabilityReport> {
  const started = performance.now();
  const lines: string[] = [];
  const keep = (text: string) => {
    lines.push(text);
    options.log?.(text);
  };
  const stateDir = mkdtempSync(path.join(tmpdir(), 'shop-reliability-'));
  const platform = await startPlatform({ app: LOCAL_SHOP_APP, awsPort: 0, apiPort: 0, stateDir, clockStart: RELIABILITY_DAY_START, log: (line) => keep(`${line}\n`), functionOutput: keep });
  const rows: CheckRow[] = [];
  try {
    const ctx = new ReliabilityContext(platform, stateDir, lines, options.meter);
    const step = async (check: string, run: () => Promise<Omit<CheckRow, 'check'>>) => {
      options.progress?.(check);
      rows.push(await runCheck(check, run));
    };
    options.progress?.('template');
    try {
      rows.push(...templateChecks());
    } catch (error) {
      rows.push({ check: 'template: cdk-nag AwsSolutions', figure: `error: ${(error as Error).message.split('\n')[0]}`, pass: false });
    }
    await step('duplicates and shuffled delivery', () => duplicates(ctx, size));
    await step('malformed events quarantined, replayed once', () => malformed(ctx, size));
    options.progress?.('faults day');
    try {
      rows.push(...(await faultDay(ctx, size)));
    } catch (error) {
      rows.push({ check: 'faults day', figure: `error: ${(error as Error).message.split('\n')[0]}`, pass: false });
    }
    await step(`${size.concurrentCompletions} concurrent completions of one task`, () => concurrentCompletions(ctx, size));
    await step('JWT attacks on every route', async () => {
      const { check: _check, ...row } = await jwtAttacks(platform, stateDir);
      return row;
    });
    await step('keep-alive reuse after idle', async () => {
      const { check: _check, ...row } = await keepAliveReuse(platform);
      return row;
    });
    await step('no personal data or task token anywhere', () => personalDataScan(ctx));
  } finally {
    await platform.stop();
  }
  return { size, rows, ok: rows.length > 0 && rows.every((r) => r.pass), seconds: Math.round((performance.now() - started) / 100) / 10 };
}
