import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Command, Option } from 'commander';
import { catalog } from '../../../events/catalog';
import { samples } from '../../../events/samples';
import { EVENT_BUS_NAME } from '../../aws/stacks/bus-stack';
import { ImageUnreadableError, imageLocation, measureImage, type Measurement } from '../../../functions/listing-review/image';
import { listingReviewPolicy } from '../../../functions/listing-review/policy';
import { checkImages } from '../../../functions/listing-review/rules';
import { TaskStatus } from '../../../functions/ops-api/schemas';
import { isRole, ROLES } from '../../../shared/roles';
import { createLocalIssuer } from '../engine/auth';
import {
  checkImageKey,
  declaredImage,
  defaultImageKey,
  formatCatalogEntry,
  formatFlow,
  formatHttpError,
  formatListing,
  formatUpload,
  imageContentType,
  pickListingImagesBucket,
  replaceImages,
  type CatalogEntryShape,
  type ListingImage,
  type ListingViewShape,
  formatSlaReport,
  formatCallbacksReport,
  formatTaskChange,
  formatTaskDetail,
  formatTaskList,
  formatWhoAmI,
  parseAs,
  parseDataOption,
  type FlowViewShape,
  type SlaReportShape,
  type CallbacksReportShape,
  type TaskRow,
  type TaskView,
  type WhoAmIShape,
} from './cli-format';
import { formatBulkRedrive, formatDeadLetters, formatFlowInstances, formatQuarantine, formatRedrive } from './cli-recovery-format';
import { parseDuration } from './durations';
import type { FlowInstance, QuarantinedEvent, RedriveResult } from '../../../functions/ops-api/schemas';
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
  npm run ops -- flows list --status FAILED --as carol:ops-lead
  npm run ops -- flows redrive refund --status FAILED --as carol:ops-lead
  npm run ops -- quarantine list --as carol:ops-lead
  npm run ops -- quarantine replay <id> --detail '{…}' --as carol:ops-lead
  npm run ops -- listings show L-20261120-0001 --as rita:reviewer
  npm run ops -- skus show SKU-LJ-250 --as max:merchandiser
  npm run ops -- images put ./main.png
  npm run ops -- events send ListingSubmitted --sample --image "$(npm run -s ops -- images put ./main.png | tail -1)"
  npm run ops -- reports sla --as carol:ops-lead
  npm run ops -- reports callbacks --week 2026-W48 --as carol:cs-agent
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

const flows = program.command('flows').description('flow instances: show, list, redrive');

flows
  .command('show <flow> <businessKey>')
  .description('where a flow instance stands: status, current step, steps with times, result (flows: listing-review, order-routing, stock-out, refund, member-callback)')
  .action(async (flow: string, businessKey: string, _options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<FlowViewShape>(global, 'GET', `/flows/${segment(flow)}/${segment(businessKey)}`), formatFlow);
  });

flows
  .command('list')
  .description('flow instances by status, with the step they are in or stopped at and the error (every page)')
  .option('--flow <flow>', 'only this flow')
  .addOption(new Option('--status <status>', 'only instances in this status').choices(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']))
  .option('--since <time>', 'stopped (or, running, started) at or after this ISO-8601 time')
  .action(async (options: { flow?: string; status?: string; since?: string }, command: Command) => {
    const global = globals(command);
    const query = new URLSearchParams();
    for (const key of ['flow', 'status', 'since'] as const) if (options[key]) query.set(key, options[key]);
    const items: FlowInstance[] = [];
    const skipped = new Map<string, { flow: string; reason: string }>();
    let nextToken: string | undefined;
    do {
      if (nextToken) query.set('nextToken', nextToken);
      const page = await callApi<{ items: FlowInstance[]; nextToken?: string; skipped?: Array<{ flow: string; reason: string }> }>(global, 'GET', `/flows?${query}`);
      items.push(...page.items);
      for (const skip of page.skipped ?? []) skipped.set(skip.flow, skip);
      nextToken = page.nextToken;
    } while (nextToken);
    await show(global, { items, ...(skipped.size ? { skipped: [...skipped.values()] } : {}) }, formatFlowInstances);
  });

flows
  .command('redrive <flow> [businessKey]')
  .description('resume a failed instance from the step it did not finish (an EXPRESS flow\'s FAILED instance: restart it from its first step); without a key, every instance in --status (ops-lead)')
  .addOption(new Option('--status <status>', 'with no business key: redrive every instance in this status').choices(['FAILED', 'TIMED_OUT', 'ABORTED']))
  .option('--since <time>', 'with --status: only instances that stopped at or after this ISO-8601 time')
  .option('--dry-run', 'with --status: say what would be redriven, change nothing')
  .addHelpText(
    'after',
    `
Examples:
  npm run ops -- flows redrive refund R-1001 --as olivia:ops-lead
  npm run ops -- flows redrive refund --status FAILED --dry-run --as olivia:ops-lead
  npm run ops -- flows redrive complaint --status TIMED_OUT --since 2026-11-23T00:00:00Z --as olivia:ops-lead
  npm run ops -- flows redrive order-routing --status FAILED --as olivia:ops-lead   (EXPRESS: restarted from the first step)`,
  )
  .action(async (flow: string, businessKey: string | undefined, options: { status?: string; since?: string; dryRun?: boolean }, command: Command) => {
    const global = globals(command);
    if (businessKey) {
      if (options.status || options.since || options.dryRun) throw new Error('--status, --since and --dry-run are for redriving by filter: give no business key');
      await show(global, await callApi<RedriveResult>(global, 'POST', `/flows/${segment(flow)}/${segment(businessKey)}/redrive`), formatRedrive);
      return;
    }
    if (!options.status) throw new Error('give a business key, or --status FAILED|TIMED_OUT|ABORTED to redrive every match');
    type Bulk = Parameters<typeof formatBulkRedrive>[0] & { more: boolean };
    const body = { status: options.status, ...(options.since ? { since: options.since } : {}), ...(options.dryRun ? { dryRun: true } : {}) };
    // The API handles a bounded number per call and says `more`: go on while calls still redrive some.
    const total: Bulk = { flow, status: options.status, dryRun: Boolean(options.dryRun), matched: 0, redriven: 0, notRedrivable: 0, failed: 0, results: [], more: false };
    for (;;) {
      const round = await callApi<Bulk>(global, 'POST', `/flows/${segment(flow)}/redrive`, body);
      total.recovery = round.recovery;
      total.matched = Math.max(total.matched, round.matched);
      total.redriven += round.redriven;
      total.notRedrivable = round.notRedrivable;
      total.failed += round.failed;
      total.results.push(...round.results.filter((r) => !total.results.some((t) => t.businessKey === r.businessKey && t.result === r.result)));
      if (!round.more || options.dryRun || round.redriven === 0) break;
    }
    await show(global, total, formatBulkRedrive);
  });

const quarantine = program.command('quarantine').description('events that failed their contract: list, replay (ops-lead)');

quarantine
  .command('list')
  .description('events quarantined on a day, with reason and field errors; personal data masked')
  .option('--day <YYYY-MM-DD>', 'UTC day (default today on the platform clock)')
  .option('--detail-type <type>', 'only events of this detail-type')
  .action(async (options: { day?: string; detailType?: string }, command: Command) => {
    const global = globals(command);
    const query = new URLSearchParams();
    if (options.day) query.set('day', options.day);
    if (options.detailType) query.set('detailType', options.detailType);
    await show(global, await callApi<{ day: string; items: QuarantinedEvent[] }>(global, 'GET', `/quarantine${query.size ? `?${query}` : ''}`), formatQuarantine);
  });

quarantine
  .command('replay <id>')
  .description('check the event (or the corrected detail) against its contract and put it back on the bus, once')
  .option('--detail <json>', 'a corrected detail, as a JSON object')
  .action(async (id: string, options: { detail?: string }, command: Command) => {
    const global = globals(command);
    let detail: unknown;
    if (options.detail !== undefined) {
      try {
        detail = JSON.parse(options.detail);
      } catch (error) {
        throw new Error(`--detail is not valid JSON (${(error as Error).message})`);
      }
    }
    const replayed = await callApi<{ id: string; replayedAt: string; eventId: string }>(global, 'POST', `/quarantine/${segment(id)}/replay`, detail ? { detail } : {});
    await show(global, replayed, (r) => `replayed ${r.id} at ${r.replayedAt} as event ${r.eventId}`);
  });

quarantine
  .command('dead-letters')
  .description("the bus dead-letter queue: how many events wait and the first ten; --redrive puts them all back on the bus")
  .option('--redrive', 'put every dead letter back on the bus (audited)')
  .action(async (options: { redrive?: boolean }, command: Command) => {
    const global = globals(command);
    if (!options.redrive) {
      await show(global, await callApi<Parameters<typeof formatDeadLetters>[0]>(global, 'GET', '/quarantine/dead-letters'), formatDeadLetters);
      return;
    }
    type Round = { redriven: number; quarantined: number; failed: number; waiting: number };
    const total: Round = { redriven: 0, quarantined: 0, failed: 0, waiting: 0 };
    for (;;) {
      const round = await callApi<Round>(global, 'POST', '/quarantine/dead-letters/redrive');
      total.redriven += round.redriven;
      total.quarantined += round.quarantined;
      total.failed += round.failed;
      total.waiting = round.waiting;
      if (round.waiting === 0 || round.redriven + round.quarantined === 0) break;
    }
    await show(global, total, (t) => `dead letters: ${t.redriven} redriven, ${t.quarantined} moved to the quarantine, ${t.failed} failed, ${t.waiting} still waiting`);
  });

const reports = program.command('reports').description('reports');
reports
  .command('sla')
  .description('open and SLA-breached tasks per kind')
  .action(async (_options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<SlaReportShape>(global, 'GET', '/reports/sla'), formatSlaReport);
  });
reports
  .command('callbacks')
  .description("a week's member callbacks against the 80 % coverage target (ISO week, Asia/Shanghai)")
  .option('--week <week>', 'ISO week such as 2026-W48 (default: the current one)')
  .action(async (options: { week?: string }, command: Command) => {
    const global = globals(command);
    const query = options.week ? `?week=${encodeURIComponent(options.week)}` : '';
    await show(global, await callApi<CallbacksReportShape>(global, 'GET', `/reports/callbacks${query}`), formatCallbacksReport);
  });

program
  .command('whoami')
  .description('the user and roles the token carries')
  .action(async (_options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<WhoAmIShape>(global, 'GET', '/me'), (me) => formatWhoAmI(me));
  });

const listings = program.command('listings').description('listings under review (roles reviewer, merchandiser, ops-lead)');

listings
  .command('show <listingId>')
  .description('a listing\'s review: status, publish times, every revision with its reasons and reviews, the SKUs and their catalog entries')
  .action(async (listingId: string, _options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<ListingViewShape>(global, 'GET', `/listings/${segment(listingId)}`), formatListing);
  });

const skus = program.command('skus').description('the catalog (roles reviewer, merchandiser, ops-lead)');

skus
  .command('show <skuId>')
  .description('a SKU\'s catalog entry: listing, title, price, status, publish and sale times')
  .action(async (skuId: string, _options: unknown, command: Command) => {
    const global = globals(command);
    await show(global, await callApi<CatalogEntryShape>(global, 'GET', `/skus/${segment(skuId)}`), formatCatalogEntry);
  });

// ---------------------------------------------------------------------------------------------
// The local platform's AWS endpoint: listing images (S3) and events (EventBridge)

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function s3Client(endpoint: string): S3Client {
  // Path-style: the local platform serves /<bucket>/<key> only. One attempt: it is on this machine.
  return new S3Client({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
}

/** Nothing answers at the AWS endpoint the connection file names. */
class PlatformUnreachable extends Error {}

/** An AWS SDK error in plain words: what the service answered, or that nothing answers at the endpoint. */
function awsError(error: unknown, endpoint: string, doing: string): Error {
  const failure = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string; cause?: { code?: string } };
  if (failure.$metadata?.httpStatusCode) return new Error(`could not ${doing}: ${failure.name}: ${failure.message}`);
  const reason = failure.code ?? failure.cause?.code ?? failure.name ?? failure.message;
  return new PlatformUnreachable(
    `cannot reach the local platform's AWS endpoint at ${endpoint} (${reason}) while trying to ${doing}: is the platform running ("npm start")? ` +
      'The connection file may be left from one that has stopped.',
  );
}

async function aws<T>(endpoint: string, doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw awsError(error, endpoint, doing);
  }
}

/** The platform's listing-images bucket, found with ListBuckets (the connection file names no buckets). */
async function listingImagesBucket(s3: S3Client, endpoint: string): Promise<string> {
  const { Buckets } = await aws(endpoint, 'list its buckets', () => s3.send(new ListBucketsCommand({})));
  return pickListingImagesBucket((Buckets ?? []).flatMap((b) => (b.Name ? [b.Name] : [])), endpoint);
}

/** Measures an image as the review does; an unreadable one is a plain error naming the file. */
function measure(bytes: Uint8Array, what: string): Measurement {
  try {
    return measureImage(bytes, listingReviewPolicy);
  } catch (error) {
    if (error instanceof ImageUnreadableError) throw new Error(`${what} is not an image the listing review can read: ${error.message}`);
    throw error;
  }
}

const images = program.command('images').description('listing images in the local platform\'s listing-images bucket');

images
  .command('put <file>')
  .description('upload a PNG or JPEG listing image to the listing-images bucket; prints its s3:// URL as the last line')
  .option('--key <key>', 'object key (default: listings/<first 12 hex of its SHA-256>-<file name>, the same for the same bytes)')
  .option('--bucket <bucket>', 'bucket (default: the platform\'s listing-images bucket)')
  .addHelpText(
    'after',
    `
The file is measured as the listing review measures it (size, background); what would make the
review refuse it is printed before the URL. Use the URL in a listing:
  URL=$(npm run -s ops -- images put ./main.png | tail -1)
  npm run ops -- events send ListingSubmitted --sample --image "$URL"`,
  )
  .action(async (file: string, options: { key?: string; bucket?: string }, command: Command) => {
    const global = globals(command);
    if (!existsSync(file)) throw new Error(`no file ${file}`);
    if (!statSync(file).isFile()) throw new Error(`${file} is not a file`);
    const contentType = imageContentType(file);
    const bytes = readFileSync(file);
    const measured = measure(bytes, file);
    const named = contentType === 'image/png' ? 'png' : 'jpeg';
    if (measured.format !== named) throw new Error(`${file} is named as a ${named.toUpperCase()} but holds a ${measured.format.toUpperCase()} image: rename it`);
    const key = options.key === undefined ? defaultImageKey(file, bytes) : checkImageKey(options.key);
    const endpoint = awsEndpoint();
    const s3 = s3Client(endpoint);
    const bucket = options.bucket ?? (await listingImagesBucket(s3, endpoint));
    const url = `s3://${bucket}/${key}`;
    const put = await aws(endpoint, `upload ${url}`, () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType })));
    const refusals = checkImages([{ url, ...declaredImage(measured) }], new Map([[0, measured]]), listingReviewPolicy).map(({ code, message }) => ({ code, message }));
    const upload = { file, size: bytes.length, contentType, bucket, key, url, etag: put.ETag?.replace(/"/g, ''), measured, refusals };
    if (global.json) console.log(JSON.stringify(upload, null, 2));
    else console.log(formatUpload(upload));
  });

/** Why the review could not read an image at `url`, or what it measures. */
async function readListingImage(s3: S3Client, endpoint: string, bucket: string, url: string): Promise<{ measured: Measurement } | { problem: string }> {
  const location = imageLocation(url, bucket);
  if (!location.ok) return { problem: location.reason };
  let bytes: Uint8Array;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    bytes = await object.Body!.transformToByteArray();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return { problem: `there is no object ${location.key} in ${bucket}` };
    throw awsError(error, endpoint, `read ${url}`);
  }
  try {
    return { measured: measureImage(bytes, listingReviewPolicy) };
  } catch (error) {
    if (error instanceof ImageUnreadableError) return { problem: error.message };
    throw error;
  }
}

/**
 * ListingSubmitted's images, looked at before sending as the review will: `--image` URLs replace
 * the listing's images (each declared as it measures, when it is in the bucket); every image the
 * review could not read is a warning (the event is still sent: the review rejects it with
 * IMAGE_UNREADABLE, which may be what is being tried).
 */
async function prepareListingImages(detail: Record<string, unknown>, urls: string[]): Promise<Record<string, unknown>> {
  const endpoint = awsEndpoint();
  const s3 = s3Client(endpoint);
  let bucket: string;
  try {
    bucket = await listingImagesBucket(s3, endpoint);
  } catch (error) {
    if (urls.length || error instanceof PlatformUnreachable) throw error;
    console.error(`warning: the images were not checked: ${(error as Error).message}`);
    return detail;
  }
  const given = Array.isArray(detail.images) ? (detail.images as ListingImage[]) : [];
  const checked = urls.length ? urls : given.map((image) => image?.url);
  const measured: Array<Measurement | undefined> = [];
  let problems = 0;
  for (const [i, url] of checked.entries()) {
    if (typeof url !== 'string') continue; // the contract check says what is wrong
    const read = await readListingImage(s3, endpoint, bucket, url);
    if ('measured' in read) measured[i] = read.measured;
    else {
      problems++;
      console.error(`warning: images[${i}] ${url}: ${read.problem}; the review will reject the listing with IMAGE_UNREADABLE`);
    }
  }
  if (problems) console.error(`  upload images with "npm run ops -- images put <file>" and pass their URLs with --image <s3-url> (repeatable)`);
  return urls.length ? { ...detail, images: replaceImages(given, urls, measured) } : detail;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

program
  .command('events')
  .description('platform events on the local bus')
  .command('send <detailType>')
  .description('validate an event against its contract and put it on the shop-platform bus')
  .option('--detail <json>', 'the detail as JSON')
  .option('--sample', 'use the sample detail of events/samples.ts (fields in --detail override it)')
  .option(
    '--image <url>',
    'ListingSubmitted only, repeatable: the listing\'s images become these URLs (from "images put"), each declared with the size and background it measures',
    collect,
    [],
  )
  .addHelpText(
    'after',
    `
The ListingSubmitted sample's images name a placeholder bucket (shop-listing-images), so on its own
the review rejects it with IMAGE_UNREADABLE (a warning says so). Upload an 800×800 image on white
and pass its URL:
  npm run ops -- events send ListingSubmitted --sample --image "$(npm run -s ops -- images put ./main.png | tail -1)"`,
  )
  .action(async (detailType: string, options: { detail?: string; sample?: boolean; image: string[] }) => {
    const contract = catalog.find((c) => c.detailType === detailType);
    if (!contract) throw new Error(`unknown event ${detailType}: events are ${catalog.map((c) => c.detailType).join(', ')}`);
    const listing = detailType === 'ListingSubmitted';
    if (options.image.length && !listing) throw new Error(`--image is for ListingSubmitted only, not ${detailType}`);
    let given: Record<string, unknown> = {};
    if (options.detail !== undefined) {
      try {
        given = JSON.parse(options.detail);
      } catch {
        throw new Error('--detail is not valid JSON');
      }
    }
    let detail: Record<string, unknown> = { ...(options.sample ? (samples as Record<string, object>)[detailType] : {}), ...given };
    if (listing) detail = await prepareListingImages(detail, options.image);
    const entry = contract.entry(detail as never, EVENT_BUS_NAME);
    const endpoint = awsEndpoint();
    const client = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    const result = await aws(endpoint, 'put the event on the bus', () => client.send(new PutEventsCommand({ Entries: [entry] })));
    const outcome = result.Entries?.[0];
    if (result.FailedEntryCount) throw new Error(`refused: ${outcome?.ErrorCode} ${outcome?.ErrorMessage}`);
    console.log(`sent ${contract.source} ${detailType} (event ${outcome?.EventId})`);
    if (listing && typeof detail.listingId === 'string') console.error(`follow it: npm run ops -- listings show ${detail.listingId} --as you:reviewer`);
  });

program.parseAsync().catch((error: Error) => {
  if (error instanceof ApiError && program.opts<GlobalOptions>().json && error.body !== undefined) console.log(JSON.stringify(error.body, null, 2));
  console.error(`error: ${error.message}`);
  process.exit(1);
});
