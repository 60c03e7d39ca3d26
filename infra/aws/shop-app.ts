import type { App } from 'aws-cdk-lib';
import { StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledgeNagFindings, addNagChecks } from './nag';
import { ApiStack } from './stacks/api-stack';
import { BusStack } from './stacks/bus-stack';
import { DataStack } from './stacks/data-stack';
import { WorkflowsStack, type FlowFactory } from './stacks/workflows-stack';

export interface ShopAppOptions {
  stage: string;
  /** Flows to deploy; the production app passes all of them, tests may pass their own. */
  flows: FlowFactory[];
  /** cdk-nag checks; the local platform turns them off (the template tests keep them on). */
  checks?: boolean;
  /** Host the ops console on CloudFront; the local platform turns it off (it serves the console at /console/ itself). */
  console?: boolean;
}

/** Composes the platform's stacks. Shared by `cdk synth`, the local platform and the template tests. */
export function defineShopApp(app: App, { stage, flows, checks = true, console = true }: ShopAppOptions) {
  const prefix = `Shop-${stage}`;
  const data = new DataStack(app, `${prefix}-Data`, { stage });
  const bus = new BusStack(app, `${prefix}-Bus`);
  // CloudFormation rejects a stack with no resources: the flows stack exists once a flow does.
  const workflows =
    flows.length > 0
      ? new WorkflowsStack(app, `${prefix}-Workflows`, { stage, data, bus: bus.bus, deadLetters: bus.deadLetters }, flows)
      : undefined;
  const api = new ApiStack(app, `${prefix}-Api`, {
    stage,
    tables: data,
    bus: bus.bus,
    deadLetters: bus.deadLetters,
    stateMachineNames: new Map([...(workflows?.stateMachines ?? [])].map(([flow, machine]) => [flow, machine.name])),
    expressFlows: [...(workflows?.stateMachines ?? [])].filter(([, machine]) => machine.type === StateMachineType.EXPRESS).map(([flow]) => flow),
    console,
  });
  if (checks) {
    addNagChecks(app);
    acknowledgeNagFindings(workflows ? [data, bus, api, workflows] : [data, bus, api]);
  }
  return { data, bus, api, workflows };
}
