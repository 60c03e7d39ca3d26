/**
 * Runs DynamoDB Local (the jar bundled in the `amplify-dynamodb-simulator` npm package) for the
 * embedded local platform, and creates tables from synthesized CloudFormation definitions.
 *
 * The package itself is never imported: its launcher is broken and its dependencies are stubbed.
 * We only borrow the files under its `emulator/` directory.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  type Projection,
} from '@aws-sdk/client-dynamodb';

export class JavaMissingError extends Error {
  constructor(detail?: string) {
    super(
      `DynamoDB Local needs Java 17 or newer on PATH (java -version failed${detail ? `: ${detail}` : ''}). ` +
        'Install it: Debian/Ubuntu "sudo apt-get install -y openjdk-17-jre-headless", ' +
        'macOS "brew install openjdk@17", ' +
        'Windows: install a JDK 17+ (e.g. "winget install Microsoft.OpenJDK.17") and add it to PATH. ' +
        'Then check with "java -version".',
    );
    this.name = 'JavaMissingError';
  }
}

export interface StartDynamoDbLocalOptions {
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Keep data on disk in this directory instead of in memory. */
  persistDir?: string;
  /** Receives DynamoDB Local's output and lifecycle messages. Nothing goes to stdout otherwise. */
  log?: (line: string) => void;
  /** Java executable; overridable mainly so tests can simulate a missing Java. */
  javaCommand?: string;
  /** How long to wait for the emulator to answer. */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  /** Milliseconds from spawning the JVM to the first successful ListTables. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Credentials/region DynamoDB Local accepts; with -sharedDb any values see the same tables. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

const POLL_INTERVAL_MS = 100;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
const OUTPUT_TAIL_LINES = 30;

export function emulatorDir(): string {
  const pkgJson = createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json');
  return join(dirname(pkgJson), 'emulator');
}

export async function checkJava(javaCommand = 'java'): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(javaCommand, ['-version'], { timeout: 15_000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reject(new JavaMissingError(code === 'ENOENT' ? `"${javaCommand}" not found` : error.message.split('\n')[0]));
        return;
      }
      // java -version prints to stderr.
      resolvePromise(`${stderr}${stdout}`.split('\n')[0]?.trim() ?? '');
    });
  });
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePromise(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

// --- Making sure the JVM never outlives this Node process -------------------------------------
// One shared set of listeners for all running emulators, so that with several instances the
// "are there other SIGINT listeners?" check below still sees only one of ours.
const liveChildren = new Set<ChildProcess>();

function killAllNow(): void {
  // SIGKILL: we cannot wait for a graceful exit here, and sqlite commits are already durable.
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function onProcessExit(): void {
  killAllNow();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  // Registering a listener disables Node's default "die on signal". If we are the only listener,
  // restore that behaviour with the conventional 128+signo code; otherwise the app has its own
  // shutdown logic and decides when to exit.
  if (process.listenerCount(signal) <= 1) process.exit(signal === 'SIGINT' ? 130 : 143);
}

function track(child: ChildProcess): void {
  if (liveChildren.size === 0) {
    process.on('exit', onProcessExit);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  liveChildren.add(child);
}

function untrack(child: ChildProcess): void {
  if (!liveChildren.delete(child) || liveChildren.size > 0) return;
  process.off('exit', onProcessExit);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

// ----------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function isBindFailure(output: string): boolean {
  return /BindException|Address already in use|EADDRINUSE/i.test(output);
}

/**
 * Another server on the port would answer our readiness probe while our JVM dies on the bind, so
 * check first. Binds the wildcard address because that is what DynamoDB Local listens on.
 */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use (EADDRINUSE)`) : error),
    );
    server.listen(port, () => server.close(() => resolvePromise()));
  });
}

/**
 * Starts DynamoDB Local and resolves once it answers ListTables.
 *
 * The JVM never outlives this process: it is SIGKILLed on process 'exit' (which also covers
 * uncaught exceptions, whose handling is left alone), and on SIGINT/SIGTERM, after which we exit
 * with 130/143 unless the app has its own listeners for that signal. stop() removes all of that.
 */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const log = options.log ?? (() => {});
  const javaCommand = options.javaCommand ?? 'java';
  const javaVersion = await checkJava(javaCommand);
  log(`using ${javaVersion}`);

  const dir = emulatorDir();
  const jar = join(dir, 'DynamoDBLocal.jar');
  if (!existsSync(jar)) {
    throw new Error(`DynamoDB Local jar not found at ${jar}; is the amplify-dynamodb-simulator package installed?`);
  }
  const persistDir = options.persistDir ? resolve(options.persistDir) : undefined;
  if (persistDir) mkdirSync(persistDir, { recursive: true });

  // A picked port can be taken between our probe and the JVM binding it; retry only then.
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      await assertPortFree(port);
      return await launch({ dir, jar, port, persistDir, javaCommand, log, timeoutMs: options.startTimeoutMs });
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Error) || !isBindFailure(error.message)) throw error;
      log(`port ${port} was taken, retrying with another one`);
    }
  }
}

async function launch(args: {
  dir: string;
  jar: string;
  port: number;
  persistDir?: string;
  javaCommand: string;
  log: (line: string) => void;
  timeoutMs?: number;
}): Promise<DynamoDbLocal> {
  const { dir, jar, port, persistDir, javaCommand, log } = args;
  const javaArgs = [
    // C1-only JIT and the serial GC start noticeably faster; peak speed does not matter here.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    jar,
    ...(persistDir ? ['-dbPath', persistDir] : ['-inMemory']),
    '-sharedDb',
    '-disableTelemetry', // otherwise it phones home on every start
    '-port',
    String(port),
  ];
  log(`spawning ${javaCommand} ${javaArgs.join(' ')}`);

  const spawnedAt = performance.now();
  const child = spawn(javaCommand, javaArgs, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  track(child);

  // Keep draining both pipes for the whole run: a full pipe would block the JVM.
  const tail: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null, label: string) => {
    let partial = '';
    const emit = (line: string) => {
      if (!line.trim()) return;
      tail.push(`${label}: ${line}`);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      log(line);
    };
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop() ?? '';
      lines.forEach(emit);
    });
    stream?.on('end', () => emit(partial));
  };
  collect(child.stdout, 'stdout');
  collect(child.stderr, 'stderr');

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitController = new AbortController();
  // 'close' rather than 'exit': it also waits for the pipes to drain, so the output tail is complete.
  const exited = new Promise<void>((r) => {
    child.once('close', (code, signal) => {
      exitInfo = { code, signal };
      exitController.abort();
      untrack(child);
      log(`DynamoDB Local (pid ${child.pid}) exited with ${signal ?? `code ${code}`}`);
      r();
    });
  });
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    // 'error' also covers failed kills; only a missing pid means the spawn itself failed.
    if (child.pid !== undefined) return log(`DynamoDB Local process error: ${error.message}`);
    spawnError = error;
    untrack(child);
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo || spawnError) return;
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(escalate);
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({
    ...LOCAL_CLIENT_CONFIG,
    endpoint,
    maxAttempts: 1,
    // No requestTimeout: it only logs a warning to the console. The first request can take
    // seconds while the JVM warms up, so the probe is bounded by the deadline instead.
    requestHandler: { connectionTimeout: 1_000 },
  });
  let lastProbeError = '';
  const deadline = spawnedAt + (args.timeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  try {
    for (;;) {
      if (spawnError) throw new Error(`could not spawn ${javaCommand}: ${spawnError.message}`);
      if (exitInfo) {
        throw new Error(
          `DynamoDB Local exited before answering (${exitInfo.signal ?? `code ${exitInfo.code}`}). Output tail:\n${tail.join('\n')}`,
        );
      }
      try {
        const abortSignal = AbortSignal.any([
          AbortSignal.timeout(Math.max(1, Math.ceil(deadline - performance.now()))),
          exitController.signal,
        ]);
        await probe.send(new ListTablesCommand({ Limit: 1 }), { abortSignal });
        break;
      } catch (error) {
        // Usually ECONNREFUSED until the JVM listens; kept for the timeout message.
        lastProbeError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (performance.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within ${args.timeoutMs ?? DEFAULT_START_TIMEOUT_MS} ms (last probe: ${lastProbeError}). Output tail:\n${tail.join('\n')}`,
        );
      }
      await Promise.race([sleep(POLL_INTERVAL_MS), exited]);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.destroy();
  }

  const startupMs = Math.round(performance.now() - spawnedAt);
  log(`DynamoDB Local (pid ${child.pid}) answering on ${endpoint} after ${startupMs} ms`);
  return { endpoint, port, pid: child.pid!, startupMs, stop };
}

// --- Tables from CloudFormation -----------------------------------------------------------------

export interface TemplateTable {
  tableName: string;
  /** `Properties` of an `AWS::DynamoDB::Table` or `AWS::DynamoDB::GlobalTable` resource. */
  properties: Record<string, any>;
}

function projectionOf(raw: any): Projection {
  if (!raw?.ProjectionType) return { ProjectionType: 'ALL' };
  return {
    ProjectionType: raw.ProjectionType,
    ...(Array.isArray(raw.NonKeyAttributes) && raw.NonKeyAttributes.length ? { NonKeyAttributes: raw.NonKeyAttributes } : {}),
  };
}

function keySchemaOf(raw: any, where: string): KeySchemaElement[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error(`${where} has no KeySchema`);
  return raw.map((k: any) => {
    if (typeof k?.AttributeName !== 'string' || (k.KeyType !== 'HASH' && k.KeyType !== 'RANGE')) {
      throw new Error(`${where} has an unresolvable KeySchema entry ${JSON.stringify(k)}`);
    }
    return { AttributeName: k.AttributeName, KeyType: k.KeyType };
  });
}

/**
 * Keeps what DynamoDB Local can use (keys, indexes, streams) and drops the rest (throughput,
 * PITR, SSE, tags, replicas, table class, deletion protection, contributor insights, ...).
 */
export function createTableInputFromCloudFormation(tableName: string, props: Record<string, any>): CreateTableCommandInput {
  const KeySchema = keySchemaOf(props.KeySchema, 'the table');
  const GlobalSecondaryIndexes: GlobalSecondaryIndex[] = (props.GlobalSecondaryIndexes ?? []).map((g: any) => ({
    IndexName: g.IndexName,
    KeySchema: keySchemaOf(g.KeySchema, `GSI ${g.IndexName}`),
    Projection: projectionOf(g.Projection),
  }));
  const LocalSecondaryIndexes: LocalSecondaryIndex[] = (props.LocalSecondaryIndexes ?? []).map((l: any) => ({
    IndexName: l.IndexName,
    KeySchema: keySchemaOf(l.KeySchema, `LSI ${l.IndexName}`),
    Projection: projectionOf(l.Projection),
  }));

  // DynamoDB rejects attribute definitions not used by any key, so keep only the used ones.
  const used = new Set(
    [KeySchema, ...GlobalSecondaryIndexes.map((g) => g.KeySchema!), ...LocalSecondaryIndexes.map((l) => l.KeySchema!)]
      .flat()
      .map((k) => k.AttributeName),
  );
  const AttributeDefinitions: AttributeDefinition[] = (props.AttributeDefinitions ?? [])
    .filter((a: any) => used.has(a.AttributeName))
    .map((a: any) => ({ AttributeName: a.AttributeName, AttributeType: a.AttributeType }));
  const missing = [...used].filter((name) => !AttributeDefinitions.some((a) => a.AttributeName === name));
  if (missing.length) throw new Error(`key attribute(s) ${missing.join(', ')} missing from AttributeDefinitions`);

  const streamViewType = props.StreamSpecification?.StreamViewType;
  return {
    TableName: tableName,
    KeySchema,
    AttributeDefinitions,
    BillingMode: 'PAY_PER_REQUEST',
    ...(GlobalSecondaryIndexes.length ? { GlobalSecondaryIndexes } : {}),
    ...(LocalSecondaryIndexes.length ? { LocalSecondaryIndexes } : {}),
    ...(typeof streamViewType === 'string' ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType as any } } : {}),
  };
}

function ttlAttributeOf(props: Record<string, any>): string | undefined {
  const spec = props.TimeToLiveSpecification;
  const enabled = spec?.Enabled === true || spec?.Enabled === 'true';
  return enabled && typeof spec.AttributeName === 'string' ? spec.AttributeName : undefined;
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function ensureTtl(client: DynamoDBClient, tableName: string, attributeName: string): Promise<void> {
  const current = (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
  const on = current?.TimeToLiveStatus === 'ENABLED' || current?.TimeToLiveStatus === 'ENABLING';
  if (on && current?.AttributeName === attributeName) return;
  if (on) {
    // Persisted table from an older template: TTL can only move to a new attribute via disable.
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: current!.AttributeName!, Enabled: false },
      }),
    );
  }
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true } }),
  );
}

/**
 * Creates each table unless it already exists (persisted data is kept as is, schema included),
 * then makes sure TTL is on where the template enables it.
 */
export async function createTablesFromTemplate(client: DynamoDBClient, tables: TemplateTable[]): Promise<void> {
  for (const { tableName, properties } of tables) {
    try {
      if (!(await tableExists(client, tableName))) {
        try {
          await client.send(new CreateTableCommand(createTableInputFromCloudFormation(tableName, properties ?? {})));
        } catch (error) {
          // Someone else created it in between: same outcome.
          if (!(error instanceof ResourceInUseException)) throw error;
        }
      }
      const ttlAttribute = ttlAttributeOf(properties ?? {});
      if (ttlAttribute) await ensureTtl(client, tableName, ttlAttribute);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`DynamoDB Local: setting up table "${tableName}" failed: ${message}`, { cause: error });
    }
  }
}
