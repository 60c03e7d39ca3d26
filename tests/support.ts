import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format, promisify } from 'node:util';
import { localClients } from '../infra/local/engine/clients';
import { callOpsApi } from '../infra/local/shop/ops-call';
import { startPlatform, type Platform } from '../infra/local/engine/platform';
import { defineFixtureApp } from './fixtures/fixture-app';
import { LOCAL_SHOP_APP, bindShopApp } from '../infra/local/shop/shop-binding';

const execFileAsync = promisify(execFile);

/**
 * The instant every test platform's virtual clock starts at: a Monday, 09:00 in Shanghai. Tests
 * move time relative to it, so their dates never run past the business calendar's data (or make
 * a document in a sample too old) as the real date moves on.
 */
export const TEST_CLOCK_START = '2026-11-23T01:00:00.000Z';

/** A platform serving the fixture flows on free ports, its state directory, and SDK clients for it. */
export async function startFixturePlatform() {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'shop-platform-'));
  const platform = await startPlatform({ app: bindShopApp(defineFixtureApp, 'fixture'), awsPort: 0, apiPort: 0, stateDir, clockStart: TEST_CLOCK_START });
  return { platform, stateDir, ...localClients(platform.awsEndpoint) };
}

/** A platform serving the production app (every flow), as `npm start` does, on free ports. */
export async function startLocalPlatform({ clockStart = TEST_CLOCK_START } = {}) {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'shop-platform-'));
  const platform = await startPlatform({ app: LOCAL_SHOP_APP, awsPort: 0, apiPort: 0, stateDir, clockStart });
  return { platform, stateDir, ...localClients(platform.awsEndpoint) };
}

/** Calls the ops API as a user with these roles (tokens minted by the platform's local issuer). */
export function opsApi(platform: Platform, method: string, route: string, as: { user: string; roles: string[] }, body?: unknown) {
  return callOpsApi(platform, method, route, { user: as.user, groups: as.roles }, body);
}

/**
 * Records everything written to stdout, stderr and the console (still printing it), so a test can
 * check that no personal data or task token ever reached a log line. In tests the handlers' logger
 * writes to the console (POWERTOOLS_DEV, see vitest.config.ts). Returns the lines and a function to stop.
 */
export function captureOutput(): { printed: string[]; restore: () => void } {
  const printed: string[] = [];
  const undo: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return write(chunk as never, ...(rest as []));
    }) as typeof stream.write;
    undo.push(() => (stream.write = write));
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const print = console[method];
    console[method] = (...args: unknown[]) => {
      printed.push(format(...args));
      print.apply(console, args);
    };
    undo.push(() => (console[method] = print));
  }
  return { printed, restore: () => undo.forEach((u) => u()) };
}

/** Runs the ops CLI against the platform that wrote `stateDir`; resolves with its stdout. */
export async function opsCli(stateDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('npm', ['run', '-s', 'ops', '--', ...args], { env: { ...process.env, SHOP_STATE_DIR: stateDir } });
  return stdout;
}

export function tableName(platform: Platform, logicalIdPrefix: string): string {
  const table = platform.model.tables.find((t) => t.logicalId.startsWith(logicalIdPrefix));
  if (!table) throw new Error(`no table ${logicalIdPrefix}* in the model`);
  return table.tableName;
}

/** Polls `read` (real time) until `accept` says yes; fails naming what it waited for. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
