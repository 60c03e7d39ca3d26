import { mkdirSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { startPlatform } from '../engine/platform';
import { formatReport, runDemo } from './demo/run-demo';
import { DEMO_SCENARIOS } from './demo/scenarios';

/** Monday 23 November 2026, 08:00 in Shanghai: the demo day begins. */
const DEMO_DAY_START = '2026-11-23T00:00:00.000Z';
import { DEFAULT_STATE_DIR, LOCAL_SHOP_APP } from './shop-binding';

/**
 * `npm run demo`: boots a private platform (free ports, data in memory), plays the scripted day,
 * prints a table per flow and exits 0 only when every instance reached its expected end state.
 * The platform's log and what its functions print go to a file, named in the last line.
 */
mkdirSync(DEFAULT_STATE_DIR, { recursive: true });
const logFile = path.join(DEFAULT_STATE_DIR, `demo-${new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.log`);
// Written synchronously, so nothing is lost when the demo exits.
const logFd = openSync(logFile, 'a');
const writeLog = (text: string) => writeSync(logFd, text);

const platform = await startPlatform({
  app: LOCAL_SHOP_APP,
  awsPort: 0,
  apiPort: 0,
  stateDir: mkdtempSync(path.join(tmpdir(), 'shop-demo-')),
  // The scripted day is always the same day, so its dates stay inside the business calendar's data.
  clockStart: DEMO_DAY_START,
  log: (line) => writeLog(`${line}\n`),
  functionOutput: writeLog,
});
let exitCode = 1;
try {
  writeLog(`platform ready in ${(platform.startupMs / 1000).toFixed(1)} s (${platform.awsEndpoint}, ops API ${platform.apiEndpoint})\n`);
  if (DEMO_SCENARIOS.length === 0) {
    console.log('No flow is deployed yet: the demo has nothing to play. Each flow adds its scenario to infra/local/shop/demo/scenarios.ts.');
    exitCode = 0;
  } else {
    const total = DEMO_SCENARIOS.reduce((sum, s) => sum + s.steps, 0);
    const bar = new cliProgress.SingleBar({ format: 'demo day {bar} {value}/{total} steps | {label}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { label: 'starting' });
    const report = await runDemo(platform, DEMO_SCENARIOS, (label) => bar.increment({ label }));
    bar.update(total, { label: 'done' });
    bar.stop();
    console.log(formatReport(report));
    exitCode = report.ok ? 0 : 1;
  }
} finally {
  await platform.stop();
  console.log(`platform log: ${path.relative(process.cwd(), logFile)}`);
}
process.exit(exitCode);
