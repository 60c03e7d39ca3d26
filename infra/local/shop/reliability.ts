import { mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { sizeFor } from './reliability/policy';
import { formatRows } from './reliability/report';
import { runReliability } from './reliability/run';
import { DEFAULT_STATE_DIR } from './shop-binding';

/**
 * `npm run reliability [-- --size full|small|<factor>]`: boots a private platform, runs the
 * reliability checks (duplicates, malformed events, faults and recovery, races, escalations,
 * personal data, JWT attacks, keep-alive, the template), prints one line per check with its
 * figure and exits 0 only when every line holds.
 */
const options = new Command('npm run reliability --')
  .option('--size <size>', 'full (the README figures), small (as in npm test) or a factor of full in (0, 1]', 'full')
  .parse()
  .opts<{ size: string }>();
const size = sizeFor(options.size);

mkdirSync(DEFAULT_STATE_DIR, { recursive: true });
const logFile = path.join(DEFAULT_STATE_DIR, `reliability-${new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.log`);
const logFd = openSync(logFile, 'a');

console.log(`reliability checks, size ${size.name}`);
// Long puts show a bar on stderr (only on a terminal); the table goes to stdout.
const meter = (label: string, total: number) => {
  const bar = new cliProgress.SingleBar({ format: `  {bar} {value}/{total} ${label}`, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { advance: (n: number) => bar.increment(n), stop: () => bar.stop() };
};
const report = await runReliability(size, {
  log: (text) => writeSync(logFd, text),
  progress: (check) => console.error(`… ${check}`),
  meter,
});
console.log(formatRows(report.rows));
console.log(`${report.rows.filter((r) => r.pass).length} of ${report.rows.length} checks hold; ${report.seconds} s`);
console.log(`platform log: ${path.relative(process.cwd(), logFile)}`);
process.exit(report.ok ? 0 : 1);
