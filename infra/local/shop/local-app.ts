import type { App } from 'aws-cdk-lib';
import { ALL_FLOWS } from '../../aws/flows';
import { defineShopApp } from '../../aws/shop-app';

export const LOCAL_STAGE = 'local';

/** The app the local platform serves: the production app, stage `local`, without cdk-nag (CI checks it). */
export function defineLocalApp(app: App): void {
  defineShopApp(app, { stage: LOCAL_STAGE, flows: ALL_FLOWS, checks: false });
}
