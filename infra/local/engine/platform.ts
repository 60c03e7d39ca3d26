import { mkdirSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiServer } from './api-server';
import type { AppBinding } from './app-binding';
import { readLocalModel, synthesizeForLocal } from './assembly';
import { createLocalIssuer, type LocalIssuer } from './auth';
import { createAwsServer, dispatchAwsRequest, type AwsServerOptions } from './aws-server';
import { VirtualClock } from './clock';
import { LOCAL_CLIENT_CONFIG, createTablesFromTemplate, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { LocalEventBridge } from './eventbridge/bus';
import { FaultInjector } from './faults';
import { inProcessRequestHandler, serveInProcess } from './in-process';
import { LocalLambdas } from './lambda-runtime';
import type { LocalModel } from './model';
import { LocalS3 } from './s3/service';
import { startScheduler } from './scheduler';
import { LocalSqs } from './sqs';
import { LocalStepFunctions } from './stepfunctions/service';
import { tagOutgoingRequests, traceContext, unitsFor, type PlatformTrace } from './trace';

export interface PlatformOptions {
  /** The app to serve, and how its code meets the engine. */
  app: AppBinding;
  /** 0 picks a free port. */
  awsPort?: number;
  apiPort?: number;
  /** Keep DynamoDB data here between runs; in memory when omitted. */
  persistDir?: string;
  /** Keep S3 objects here between runs; `<stateDir>/s3` when `persistDir` is set, else in memory. */
  s3Dir?: string;
  /** Where the local issuer's key and the connection file live, so a CLI can mint tokens. */
  stateDir: string;
  /** The platform's own log lines (executions closing, dropped events, DynamoDB Local); none when omitted. */
  log?: (line: string) => void;
  /** What functions print while they run; this process's stdout and stderr when omitted. */
  functionOutput?: (text: string) => void;
  /**
   * What the virtual clock reads at start (ISO-8601); real time when omitted. Tests and the demo
   * fix it, so what depends on the date (a business calendar's data, document ages) stays the same.
   */
  clockStart?: string;
  /** Records what the platform does, for cost models and benchmarks (see trace.ts); off when omitted. */
  trace?: PlatformTrace;
}

export interface Platform {
  awsEndpoint: string;
  apiEndpoint: string;
  model: LocalModel;
  clock: VirtualClock;
  issuer: LocalIssuer;
  stepFunctions: LocalStepFunctions;
  eventBridge: LocalEventBridge;
  sqs: LocalSqs;
  s3: LocalS3;
  lambdas: LocalLambdas;
  /** Injected faults (also `/_local/faults` on the AWS endpoint). */
  faults: FaultInjector;
  /** DynamoDB Local itself, behind the proxy (benchmarks replay calls straight against it). */
  dynamoDbEndpoint: string;
  /** What was passed as `trace`, if anything. */
  trace?: PlatformTrace;
  /** Milliseconds from the call to accepting requests. */
  startupMs: number;
  stop(): Promise<void>;
}

/** What a CLI reads to talk to a running platform (`connection.json` in the state directory). */
export interface ConnectionFile {
  awsEndpoint: string;
  apiEndpoint: string;
  issuer: string;
  audience: string;
  keyFile: string;
}

/**
 * Boots the local platform: DynamoDB Local, the synthesized app read into a model, the services
 * (EventBridge, Step Functions, SQS, S3, the DynamoDB proxy) behind one AWS-compatible endpoint, the app's HTTP API, and the virtual clock everything waits on.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const started = performance.now();
  const { app, stateDir } = options;
  const log = options.log ?? (() => undefined);
  mkdirSync(stateDir, { recursive: true });
  const cleanup: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step();
  };

  try {
    // The JVM starts while the app synthesizes.
    const dynamoStarting = startDynamoDbLocal({ persistDir: options.persistDir, log: (line) => log(`dynamodb: ${line}`) });
    dynamoStarting.then((db) => cleanup.push(() => db.stop())).catch(() => undefined);

    const clock = new VirtualClock(options.clockStart === undefined ? undefined : Date.parse(options.clockStart));
    app.installClock({ now: () => clock.now() });
    cleanup.push(() => {
      clock.dispose();
      app.installClock(undefined);
    });

    const faults = new FaultInjector();
    const services: { current?: Record<string, Record<string, unknown>>; dynamo?: DynamoDbLocal; s3?: LocalS3 } = {};
    const awsOptions: AwsServerOptions = {
      services: new Proxy({}, { get: (_, name: string) => services.current?.[name] }),
      get dynamoDbEndpoint() {
        return services.dynamo?.endpoint ?? 'http://127.0.0.1:1';
      },
      get s3() {
        return services.s3;
      },
      clock,
      faults,
      log,
      trace: options.trace,
    };
    const awsServer = createAwsServer(awsOptions);
    const awsPort = await listen(awsServer, options.awsPort ?? 4566, app.portVariables.aws);
    cleanup.push(() => close(awsServer));
    const awsEndpoint = `http://127.0.0.1:${awsPort}`;

    const model = readLocalModel(synthesizeForLocal(app.define), app.stage, { metadata: app.metadata, awsPort, apiPort: options.apiPort || 3000 });
    const dynamo = await dynamoStarting;
    services.dynamo = dynamo;
    const dynamoClient = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    await createTablesFromTemplate(dynamoClient, model.tables);
    if (options.trace) {
      traceIntegrationCalls(dynamoClient, options.trace);
      cleanup.push(await tagOutgoingRequests());
    }

    const sqs = new LocalSqs(model.queues, { now: () => clock.now(), baseUrl: awsEndpoint });
    const s3Dir = options.s3Dir ?? (options.persistDir ? path.join(stateDir, 's3') : undefined);
    const s3 = new LocalS3(model.buckets, { now: () => clock.now(), dir: s3Dir });
    const lambdas = new LocalLambdas({
      functions: model.functions,
      sourceRoot: app.sourceRoot,
      clock,
      baseEnvironment: {
        AWS_ENDPOINT_URL: awsEndpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        ...app.functionEnvironment,
      },
      localOverrides: app.localOverrides,
      sendToDeadLetter: async (arn, body, attributes) => {
        await sqs.sendToArn(arn, body, attributes);
      },
      log,
      functionOutput: options.functionOutput,
      faults,
      trace: options.trace,
    });
    cleanup.push(() => lambdas.dispose());
    // The functions' SDK calls to this endpoint are served in this process (see in-process.ts),
    // outside the calling invocation's environment, as a request arriving over HTTP is.
    cleanup.push(serveInProcess(awsEndpoint, (request) => lambdas.outsideInvocation(() => dispatchAwsRequest(request, awsOptions))));
    if (app.installRequestHandler) {
      app.installRequestHandler(awsEndpoint, inProcessRequestHandler);
      cleanup.push(() => app.installRequestHandler?.(awsEndpoint, undefined));
    }
    app.installEnvSource(() => lambdas.invocationEnvironment() ?? process.env);
    // Handlers create their SDK clients from the process environment on first use.
    Object.assign(process.env, { AWS_ENDPOINT_URL: awsEndpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });

    // EventBridge delivers to Step Functions, whose integrations put events: one refers to the other late.
    let stepFunctions: LocalStepFunctions | undefined;
    const eventBridge = new LocalEventBridge({
      model,
      now: () => clock.now(),
      sqs,
      log,
      // A delivery is the target's own work, not the work of whoever put the event (see trace.ts).
      deliver: {
        invokeLambdaAsync: (arn, payload) => traceContext.exit(() => lambdas.invokeAsync(arn, payload)),
        startExecution: async (arn, input) => {
          await traceContext.exit(() => stepFunctions!.StartExecution({ stateMachineArn: arn, input }));
        },
      },
    });
    cleanup.push(() => eventBridge.close());
    if (options.trace) tracePutEvents(eventBridge, options.trace);
    clock.addBusyProbe(() => eventBridge.inFlight > 0);

    stepFunctions = new LocalStepFunctions(
      model.stateMachines,
      clock,
      {
        invokeFunction: (name, payload) => lambdas.invoke(name, payload),
        dynamodb: dynamoClient,
        putEvents: (request) => eventBridge.PutEvents(request as never) as never,
        sendMessage: (request) => sqs.SendMessage(request as never),
      },
      log,
    );
    cleanup.push(() => stepFunctions.stopAll());
    services.current = { AWSStepFunctions: stepFunctions as never, AWSEvents: eventBridge as never, AmazonSQS: sqs as never };
    services.s3 = s3;

    const stopScheduler = startScheduler(eventBridge.scheduledRules(), clock, (rule) => eventBridge.runScheduledRule(rule));
    cleanup.push(stopScheduler);

    const keyFile = path.join(stateDir, 'issuer-key.json');
    const audience = model.apis[0]?.audience || 'local-client';
    const issuer = await createLocalIssuer({ issuer: app.tokenIssuer, audience, keyFile });
    const invokeRoute = (name: string, event: unknown) => {
      options.trace?.apiRequest((event as { routeKey?: string }).routeKey ?? name);
      return lambdas.invoke(name, event, { faults: false });
    };
    const apiServer = createApiServer({ apis: model.apis, issuer, invoke: invokeRoute, clock, log, site: app.site });
    const apiPort = await listen(apiServer, options.apiPort ?? 3000, app.portVariables.api);
    cleanup.push(() => close(apiServer));
    const apiEndpoint = `http://127.0.0.1:${apiPort}`;

    const connection: ConnectionFile = { awsEndpoint, apiEndpoint, issuer: app.tokenIssuer, audience, keyFile };
    writeFileSync(path.join(stateDir, 'connection.json'), `${JSON.stringify(connection, null, 2)}\n`);

    const platform: Platform = { awsEndpoint, apiEndpoint, model, clock, issuer, stepFunctions, eventBridge, sqs, s3, lambdas, faults, dynamoDbEndpoint: dynamo.endpoint, trace: options.trace, startupMs: 0, stop };
    if (app.seed) {
      log('seeding the app\'s starting data');
      await app.seed(platform);
    }
    platform.startupMs = Math.round(performance.now() - started);
    return platform;
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Idle keep-alive connections are kept this long, as AWS endpoints keep them (minutes, not Node's
 * 5 s default): SDK clients and browsers that reuse a connection idle for longer than 5 s would
 * otherwise race the server's close and see ECONNRESET / "socket hang up".
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** The state machines' direct DynamoDB calls, with the capacity they consume (the caller's response unchanged). */
function traceIntegrationCalls(client: DynamoDBClient, trace: PlatformTrace): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const asked = input.ReturnConsumedCapacity !== undefined && input.ReturnConsumedCapacity !== 'NONE';
      const request = JSON.stringify(input);
      const action = String(context.commandName ?? '').replace(/Command$/, '');
      const startedAt = performance.now();
      trace.callStarted?.();
      let status = 200;
      try {
        const result = await next({ ...args, input: asked ? input : { ...input, ReturnConsumedCapacity: 'TOTAL' } });
        const output = result.output as unknown as Record<string, unknown>;
        trace.dynamodb({ ...traceContext.getStore(), action, via: 'integration', request, ...unitsFor(action, output.ConsumedCapacity), startedAt, durationMs: performance.now() - startedAt, status });
        if (!asked) delete output.ConsumedCapacity;
        return result;
      } catch (error) {
        status = 400;
        trace.dynamodb({ ...traceContext.getStore(), action, via: 'integration', request, readUnits: 0, writeUnits: 0, startedAt, durationMs: performance.now() - startedAt, status });
        throw error;
      } finally {
        trace.callEnded?.();
      }
    },
    { step: 'initialize', name: 'platformTrace' },
  );
}

/** Every PutEvents (from SDK clients and state machines alike), with each entry's billed size. */
function tracePutEvents(eventBridge: LocalEventBridge, trace: PlatformTrace): void {
  const putEvents = eventBridge.PutEvents.bind(eventBridge);
  eventBridge.PutEvents = async (input) => {
    const result = await putEvents(input);
    const accepted = (input.Entries ?? []).filter((_, i) => result.Entries[i]?.ErrorCode === undefined);
    trace.putEvents({
      ...traceContext.getStore(),
      entryBytes: accepted.map((e) => Buffer.byteLength(`${e.Source ?? ''}${e.DetailType ?? ''}${e.Detail ?? ''}${(e.Resources ?? []).join('')}`)),
      detailTypes: accepted.map((e) => String(e.DetailType)),
    });
    return result;
  };
}

function listen(server: http.Server, port: number, variable: string): Promise<number> {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Must exceed the keep-alive timeout, or a request arriving on an old connection can be cut off.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is in use: stop what uses it, or set ${variable} to another port (0 picks a free one)`) : error);
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}
