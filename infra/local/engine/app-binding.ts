import type { App } from 'aws-cdk-lib';
import type { Platform } from './platform';
import type { StaticSite } from './static-site';

/**
 * Everything the engine knows about the app it serves. The engine emulates AWS for a CDK app and
 * imports nothing of it: which app, where its sources are and the hooks its handlers read come in
 * through this interface, which the app's side implements (`infra/local/shop/shop-binding.ts`).
 */
export interface AppBinding {
  /** Adds the app's stacks to `app`; the engine synthesizes it in-process, without bundling. */
  define(app: App): void;
  /** The stage the app is defined for; the model records it. */
  stage: string;
  /** The directory the template's function entries are relative to. */
  sourceRoot: string;
  /** The template metadata keys the app's constructs write for the engine to read. */
  metadata: TemplateMetadataKeys;
  /** Variables every function gets besides its template environment and the engine's AWS settings. */
  functionEnvironment: Record<string, string>;
  /**
   * Values that replace the template's for the variables a function has: how the app's code is
   * told to use a local stand-in for a service the engine does not emulate.
   */
  localOverrides: Record<string, string>;
  /** Makes the app's handlers read "now" from `clock`; `undefined` gives them the system clock back. */
  installClock(clock: { now(): number } | undefined): void;
  /** Makes the app's handlers read their environment from `source`: that of the function being invoked. */
  installEnvSource(source: (() => NodeJS.ProcessEnv) | undefined): void;
  /**
   * Makes the app's AWS SDK clients for `endpoint` (the platform's, as their `AWS_ENDPOINT_URL`
   * says) send their requests through `handler`, the platform's in-process transport
   * (`in-process.ts`): the client's `requestHandler` option. `undefined` when the platform stops.
   * Optional: without it the clients go over HTTP.
   */
  installRequestHandler?(endpoint: string, handler: unknown): void;
  /** The `iss` of the tokens the local issuer mints and the HTTP API accepts. */
  tokenIssuer: string;
  /** The environment variables that move the AWS endpoint's and the HTTP API's ports, named when a port is taken. */
  portVariables: { aws: string; api: string };
  /**
   * Puts the app's starting data in place through the running platform (its own endpoints, so it
   * goes through the app's flows), before the platform counts as started.
   */
  seed?(platform: Platform): Promise<void>;
  /** A web app the HTTP API's port serves beside the API (same origin), with `POST /_local/token` to sign in. */
  site?: StaticSite;
}

/** Keys of the template metadata the assembly reader looks for. */
export interface TemplateMetadataKeys {
  /** On a Lambda function: its source module, relative to `sourceRoot`. Functions without it (CDK's own) are not run. */
  entry: string;
  /** On a Lambda function: the name its handler is exported under (`handler` when absent). */
  handler: string;
  /** On a state machine: the app's name for it (`LocalStateMachine.flow`). */
  flow: string;
}
