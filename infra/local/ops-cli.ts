import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { isRole, ROLES } from '../../shared/roles';
import { createLocalIssuer } from './auth';
import { parseDuration } from './durations';
import { DEFAULT_STATE_DIR, type ConnectionFile } from './platform';

/**
 * The ops CLI. Talks to the ops API and the local platform's endpoints; `token` mints a local
 * token with the key the running platform verifies against.
 */
const program = new Command('npm run ops --').description('Ops command line for the shop workflow platform');

function connection(): ConnectionFile {
  const file = path.join(process.env.SHOP_STATE_DIR ?? DEFAULT_STATE_DIR, 'connection.json');
  if (!existsSync(file)) throw new Error(`No running local platform found (${file} is missing): start it with "npm start" first`);
  return JSON.parse(readFileSync(file, 'utf8')) as ConnectionFile;
}

function awsEndpoint(): string {
  return process.env.SHOP_AWS_ENDPOINT ?? connection().awsEndpoint;
}

program
  .command('token')
  .description('mint a local ops token (prints it as the last line)')
  .requiredOption('--user <user>', 'user name')
  .option('--groups <groups>', `comma-separated roles: ${ROLES.join(', ')}`, '')
  .option('--hours <hours>', 'validity in hours', '8')
  .action(async (options: { user: string; groups: string; hours: string }) => {
    const groups = options.groups.split(',').map((g) => g.trim()).filter(Boolean);
    const unknown = groups.filter((g) => !isRole(g));
    if (unknown.length) throw new Error(`unknown role ${unknown.join(', ')}: roles are ${ROLES.join(', ')}`);
    const { issuer, audience, keyFile } = connection();
    const local = await createLocalIssuer({ issuer, audience, keyFile });
    const now = await clockNow().catch(() => new Date());
    const token = await local.mint({ user: options.user, groups, expiresInSeconds: Number(options.hours) * 3600, now });
    console.error(`token for ${options.user} (${groups.join(', ') || 'no roles'}), valid ${options.hours} h of platform time:`);
    console.log(token);
  });

const clock = program.command('clock').description('the local platform\'s virtual clock');
clock
  .command('show')
  .description('print the platform time')
  .action(async () => console.log((await clockNow()).toISOString()));
clock
  .command('advance <duration>')
  .description('move the clock forward (90s, 15m, 2h, 3d, 1w, 1d12h): due waits, timeouts and schedules fire in order')
  .action(async (duration: string) => {
    const advanceSeconds = parseDuration(duration);
    const response = await fetch(`${awsEndpoint()}/_local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds }) });
    const body = (await response.json()) as { now?: string; message?: string };
    if (!response.ok) throw new Error(body.message ?? `clock answered ${response.status}`);
    console.log(`now ${body.now} (moved ${duration})`);
  });

async function clockNow(): Promise<Date> {
  const response = await fetch(`${awsEndpoint()}/_local/clock`);
  return new Date(((await response.json()) as { now: string }).now);
}

program.parseAsync().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
