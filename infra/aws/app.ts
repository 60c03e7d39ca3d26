import { App } from 'aws-cdk-lib';
import { ALL_FLOWS } from './flows';
import { defineShopApp } from './shop-app';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
  throw new Error(`context "stage" must be lower-case letters, digits and dashes (got "${stage}")`);
}
defineShopApp(app, { stage, flows: ALL_FLOWS });
app.synth();
