import type { App } from 'aws-cdk-lib';
import { installRequestHandler } from '../../../shared/aws';
import { installClock } from '../../../shared/clock';
import { installEnvSource } from '../../../shared/env';
import { FLOW_METADATA } from '../../../workflows/constructs/flow';
import { REPO_ROOT, repoPath } from '../../../workflows/constructs/repo-paths';
import { ENTRY_METADATA, HANDLER_METADATA } from '../../../workflows/constructs/workflow-function';
import { ALL_FLOWS } from '../../aws/flows';
import { defineShopApp } from '../../aws/shop-app';
import type { AppBinding, TemplateMetadataKeys } from '../engine/app-binding';
import { LOCAL_CONSOLE_SITE } from '../../../console/local-site';
import { seedCatalog } from './seed/seed-catalog';

/**
 * How the shop meets the local platform's engine (`../engine/app-binding.ts`): the one place that
 * knows both. Everything else in this folder (`npm start`, the demo, the ops CLI) uses the engine
 * through it.
 */

export const LOCAL_STAGE = 'local';

/** The issuer of local ops tokens; `.invalid`, so nothing on the network can ever be it. */
export const LOCAL_ISSUER = 'https://local-issuer.shop-platform.invalid';

/** Where `npm start` keeps the issuer key, the connection file the ops CLI reads, and persisted data. */
export const DEFAULT_STATE_DIR = repoPath('.local');

/** What `WorkflowFunction` and `FlowStateMachine` record in the template. */
export const SHOP_TEMPLATE_METADATA: TemplateMetadataKeys = { entry: ENTRY_METADATA, handler: HANDLER_METADATA, flow: FLOW_METADATA };

/** The app the local platform serves: the production app, stage `local`, without cdk-nag (CI checks it). */
export function defineLocalApp(app: App): void {
  defineShopApp(app, { stage: LOCAL_STAGE, flows: ALL_FLOWS, checks: false, console: false });
}

/** The shop's binding for an app built by `define` (the production app, or a test's fixture app). */
export function bindShopApp(define: (app: App) => void, stage: string): AppBinding {
  return {
    define,
    stage,
    sourceRoot: REPO_ROOT,
    metadata: SHOP_TEMPLATE_METADATA,
    functionEnvironment: { STAGE: stage },
    // No SNS locally: notifications are logged (without the number or the text) instead; refunds
    // are paid to the local payment provider.
    localOverrides: { NOTIFICATION_PROVIDER: 'log', PAYMENT_PROVIDER: 'local' },
    installClock,
    installEnvSource,
    installRequestHandler,
    tokenIssuer: LOCAL_ISSUER,
    portVariables: { aws: 'SHOP_AWS_PORT', api: 'SHOP_API_PORT' },
  };
}

/** What `npm start`, `npm run demo` and the end-to-end tests serve: every flow, the seed catalog published through the listing review, and the ops console. */
export const LOCAL_SHOP_APP: AppBinding = { ...bindShopApp(defineLocalApp, LOCAL_STAGE), seed: seedCatalog, site: LOCAL_CONSOLE_SITE };
