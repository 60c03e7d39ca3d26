import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Command, Option } from 'commander';
import { catalog } from '../../../events/catalog';
import { samples } from '../../../events/samples';
import { EVENT_BUS_NAME } from '../../aws/stacks/bus-stack';
import { TaskStatus } from '../../../functions/ops-api/schemas';
import { isRole, ROLES } from '../../../shared/roles';
import { createLocalIssuer } from '../engine/auth';
import {
  formatFlow,
  formatHttpError,
  formatSlaReport,
  formatTaskChange,
  formatTaskDetail,
  formatTaskList,
  formatWhoAmI,
  parseAs,
  parseDataOption,
  type FlowViewShape,
  type SlaReportShape,
  type TaskRow,
  type TaskView,
  type WhoAmIShape,
} from './cli-format';
import { parseDuration } from './durations';
import type { ConnectionFile } from '../engine/platform';
import { DEFAULT_STATE_DIR } from './shop-binding';

/**
 * The ops CLI. Talks to the ops API and the local platform's endpoints; `token` mints a local
 * token with the key the running platform verifies against. Views are in `cli-format.ts`.
 */
const program = new Command('npm run ops --')
  .description('Ops command line for the shop workflow platform')
  .addOption(new Option('--api <url>', 'ops API base URL (default: the running local platform\'s)').env('SHOP_API_URL'))
  .addOption(new Option('--token <jwt>', 'bearer token for the ops API').env('SHOP_TOKEN'))
  .option('--as <user:roles>', 'mint a local token on the fly, e.g. --as alice:aftersales,finance (local platform)')
  .option('--json', 'print the raw JSON response (for scripts)')
  .showHelpAfterError('(add --help for usage)');

program.addHelpText(
  'after',
  `
Examples:
  npm run ops -- whoami --as alice:aftersales
  npm run ops -- tasks list --as alice:aftersales --status open
  npm run ops -- tasks list --role finance --all
  npm run ops -- tasks show 01JQ8Z6W3D5V0K2M7N4P9R1S3T --as alice:aftersales
  npm run ops -- tasks claim 01JQ8Z6W3D5V0K2M7N4P9R1S3T --as alice:aftersales
  npm run ops -- tasks complete 01JQ8Z6W3D5V0K2M7N4P9R1S3T --outcome approve --as alice:aftersales
  npm run ops -- tasks complete 01JQ8Z6W3D5V0K2M7N4P9R1S3T --outcome exchange --data '{"skuId":"S1","quantity":1}' --as bob:cs-agent
  npm run ops -- flows show refund R-1001 --as carol:ops-lead
  npm run ops -- reports sla --as carol:ops-lead
  npm run ops -- clock advance 3d

Tokens (commands that call the ops API need one):
  --token <jwt>          or the environment variable SHOP_TOKEN
  --as <user:roles>      mints a local token with the running platform's key
  export SHOP_TOKEN=$(npm run -s ops -- token --user alice --groups aftersales | tail -1)

For scripts: npm run -s ops -- --json tasks list --status open --all | jq '.items[].taskId'
The API defaults to the running local platform (.local/connection.json); --api or SHOP_API_URL
points the CLI at a deployed one (with a Cognito access token).`,
);

interface GlobalOptions {
  api?: string;
  token?: string;
  as?: string;
  json?: boolean;
}

function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

function connection(): ConnectionFile {
  const file = path.join(process.env.SHOP_STATE_DIR ?? DEFAULT_STATE_DIR, 'connection.json');
  if (!existsSync(file)) throw new Error(`No running local platform found (${file} is missing): start it with "npm start" first`);
  return JSON.parse(readFileSync(file, 'utf8')) as ConnectionFile;
}

function awsEndpoint(): string {
  return process.env.SHOP_AWS_ENDPOINT ?? connection().awsEndpoint;
}

async function mintLocalToken(user: string, groups: string[], hours: number): Promise<string> {
  const { issuer, audience, keyFile } = connection();
  const local = await createLocalIssuer({ issuer, audience, keyFile });
  // Expiry is checked on the platform's virtual clock, so the token starts at platform time.
  const now = await clockNow().catch(() => new Date());
  return local.mint({ user, groups, expiresInSeconds: hours * 3600, now });
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
    const token = await mintLocalToken(options.user, groups, Number(options.hours));
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

/** "Now" for relative times: the platform's virtual clock when it answers, else this machine's. */
async function displayNow(): Promise<Date> {
  try {
    const response = await fetch(`${awsEndpoint()}/_local/clock`, { signal: AbortSignal.timeout(1500) });
    const now = new Date(((await response.json()) as { now?: string }).now ?? '');
    return response.ok && !Number.isNaN(now.getTime()) ? now : new Date();
  } catch {
    return new Date();
  }
}

// ---------------------------------------------------------------------------------------------
// The ops API client

const NO_TOKEN =
  'this command calls the ops API and needs a token: pass --token <jwt>, set SHOP_TOKEN, or mint a local one with --as <user:role1,role2> (e.g. --as alice:aftersales)';

/** An explicit --token wins, then --as, then SHOP_TOKEN. */
async function bearerToken(options: GlobalOptions): Promise<string> {
  const tokenFromCli = options.token !== undefined && program.getOptionValueSource('token') !== 'env';
  if (tokenFromCli && options.as) throw new Error('give either --token or --as, not both');
  if (tokenFromCli) return options.token!;
  if (options.as) {
    const { user, groups } = parseAs(options.as);
    return mintLocalToken(user, groups, 1);
  }
  if (options.token) return options.token;
  throw new Error(NO_TOKEN);
}

function apiBase(options: GlobalOptions): string {
  let base = options.api;
  if (!base) {
    try {
      base = connection().apiEndpoint;
    } catch (error) {
      throw new Error(`${(error as Error).message}, or point --api / SHOP_API_URL at an ops API`);
    }
  }
  if (!URL.canParse(base)) throw new Error(`--api "${base}" is not a URL, e.g. http://127.0.0.1:3000`);
  return base.replace(/\/+$/, '');
}

/** An ops API answer other than 2xx; the message is `<status> <message>` plus field errors. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(formatHttpError(status, body).join('\n'));
  }
}

/** The one place the CLI talks HTTP to the ops API: JSON in, JSON out, errors as ApiError. */
async function callApi<T>(options: GlobalOptions, method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const url = `${apiBase(options)}${route}`;
  const token = await bearerToken(options);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`cannot reach the ops API at ${url} (${reason}): is the platform running ("npm start"), and are --api / SHOP_API_URL right?`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (e.g. a proxy's error page): shown as text
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed as T;
}

const segment = encodeURIComponent;

/** Prints the raw response with --json, else the view (rendered with the platform's "now"). */
async function show<T>(options: GlobalOptions, value: T, view: (value: T, now: Date) => string): Promise<void> {
  if (options.json) console.log(JSON.stringify(value, null, 2));
  else console.log(view(value, await displayNow()));
}

// ---------------------------------------------------------------------------------------------
// tasks, flows, reports, whoami

const tasks = program.command('tasks').description('human tasks: list, show, claim, release, complete');

tasks
  .command('list')
  .description('list human tasks (the first page; --all follows nextToken)')
  .addOption(new Option('--status <status>', 'only tasks in this status').choices(TaskStatus.options))
  .option('--kind <kind>', 'only tasks of this kind')
  .addOption(new Option('--role <role>', 'only tasks for this role').choices(ROLES))
  .option('--business-key <key>', 'only tasks of this business key (orderId, refundId, …)')
  .option('--all', 'fetch every page')
  .action(async (options: { status?: string; kind?: string; role?: string; businessKey?: string; all?: boolean }, command: Command) => {
    const global = globals(command);
    const query = new URLSearchParams();
    for (const key of ['status', 'kind', 'role', 'businessKey'] as const) if (options[key]) query.set(key, options[key]);
    const items: TaskRow[] = [];
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      if (nextToken) query.set('nextToken', nextToken);
      const page = await callApi<{ items?: TaskRow[]; nextToken?: string }>(global, 'GET', `/tasks${query.size ? `?${query.toString().replace(/\+/g, '%20')}` : ''}`);
      items.push(...(page.items ?? []));
      nextToken = page.nextToken || undefined;
      if (nextToken && seen.has(nextToken)) throw new Error(`the ops API returned nextToken ${nextToken} twice; stopping`);
      if (nextToken) seen.add(nextToken);
    } while (options.all && nextToken);
    await show(global, { items, ...(nextToken ? { nextToken } : {}) }, (list, now) => formatTaskList(list.items, now));
    if (nextToken && !global.json) console.error('more tasks on the next page: add --all to list them all');
  });

tasks
  .command('show <taskId>')
  .description('one task: fields, allowed outcomes, history')
  .action(async (taskId: string, _options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<TaskView>(global, 'GET', `/tasks/${segment(taskId)}`), formatTaskDetail);
  });

tasks
  .command('claim <taskId>')
  .description('take a task (it is then yours until you complete or release it)')
  .action(async (taskId: string, _options: unknown, command: Command) => {
    const global = globals(command);
    const task = await callApi<TaskView>(global, 'POST', `/tasks/${segment(taskId)}/claim`);
    await show(global, task, (value, now) => formatTaskChange('claimed', value, now));
  });

tasks
  .command('release <taskId>')
  .description('give a claimed task back to its role')
  .option('--reason <reason>', 'why (kept in the task history)')
  .action(async (taskId: string, options: { reason?: string }, command: Command) => {
    const global = globals(command);
    const task = await callApi<TaskView>(global, 'POST', `/tasks/${segment(taskId)}/release`, options.reason === undefined ? {} : { reason: options.reason });
    await show(global, task, (value, now) => formatTaskChange('released', value, now));
  });

tasks
  .command('complete <taskId>')
  .description('decide a task with one of its allowed outcomes (see "tasks show")')
  .requiredOption('--outcome <outcome>', 'one of the task\'s allowed outcomes')
  .option('--reason <reason>', 'why; some outcomes require one')
  .option('--data <json>', 'outcome data as a JSON object, when the outcome has a data schema')
  .addHelpText(
    'after',
    `
Examples:
  npm run ops -- tasks complete 01JQ8Z6W3D5V0K2M7N4P9R1S3T --outcome approve --as alice:aftersales
  npm run ops -- tasks complete 01JQ8Z6W3D5V0K2M7N4P9R1S3T --outcome reject --reason "outside the 7-day window" --as alice:aftersales
  npm run ops -- tasks complete 01JQ8Z6W3D5V0K2M7N4P9R1S3T --outcome exchange --data '{"skuId":"S1","quantity":1}' --as bob:cs-agent`,
  )
  .action(async (taskId: string, options: { outcome: string; reason?: string; data?: string }, command: Command) => {
    const global = globals(command);
    // Bad JSON is refused here, before anything is sent.
    const data = options.data === undefined ? undefined : parseDataOption(options.data);
    const body = { outcome: options.outcome, ...(options.reason === undefined ? {} : { reason: options.reason }), ...(data ? { data } : {}) };
    const task = await callApi<TaskView>(global, 'POST', `/tasks/${segment(taskId)}/complete`, body);
    await show(global, task, (value, now) => formatTaskChange('completed', value, now));
  });

program
  .command('flows')
  .description('flow instances')
  .command('show <flow> <businessKey>')
  .description('where a flow instance stands: status, current step, steps with times, result (flows: listing-review, order-routing, stock-out, refund, member-callback)')
  .action(async (flow: string, businessKey: string, _options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<FlowViewShape>(global, 'GET', `/flows/${segment(flow)}/${segment(businessKey)}`), formatFlow);
  });

program
  .command('reports')
  .description('reports')
  .command('sla')
  .description('open and SLA-breached tasks per kind')
  .action(async (_options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<SlaReportShape>(global, 'GET', '/reports/sla'), formatSlaReport);
  });

program
  .command('whoami')
  .description('the user and roles the token carries')
  .action(async (_options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<WhoAmIShape>(global, 'GET', '/me'), (me) => formatWhoAmI(me));
  });

program
  .command('events')
  .description('platform events on the local bus')
  .command('send <detailType>')
  .description('validate an event against its contract and put it on the shop-platform bus')
  .option('--detail <json>', 'the detail as JSON')
  .option('--sample', 'use the sample detail of events/samples.ts (fields in --detail override it)')
  .action(async (detailType: string, options: { detail?: string; sample?: boolean }) => {
    const contract = catalog.find((c) => c.detailType === detailType);
    if (!contract) throw new Error(`unknown event ${detailType}: events are ${catalog.map((c) => c.detailType).join(', ')}`);
    let given: Record<string, unknown> = {};
    if (options.detail !== undefined) {
      try {
        given = JSON.parse(options.detail);
      } catch {
        throw new Error('--detail is not valid JSON');
      }
    }
    const detail = { ...(options.sample ? (samples as Record<string, object>)[detailType] : {}), ...given };
    const entry = contract.entry(detail as never, EVENT_BUS_NAME);
    const client = new EventBridgeClient({ endpoint: awsEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const result = await client.send(new PutEventsCommand({ Entries: [entry] }));
    const outcome = result.Entries?.[0];
    if (result.FailedEntryCount) throw new Error(`refused: ${outcome?.ErrorCode} ${outcome?.ErrorMessage}`);
    console.log(`sent ${contract.source} ${detailType} (event ${outcome?.EventId})`);
  });

program.parseAsync().catch((error: Error) => {
  if (error instanceof ApiError && program.opts<GlobalOptions>().json && error.body !== undefined) console.log(JSON.stringify(error.body, null, 2));
  console.error(`error: ${error.message}`);
  process.exit(1);
});
