import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { repoPath } from '../paths';
import { OpsApi } from '../ops-api';
import { WorkflowFunction } from '../workflow-function';

export interface ApiStackProps extends StackProps {
  stage: string;
}

export class ApiStack extends Stack {
  readonly opsApi: OpsApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.opsApi = new OpsApi(this, 'OpsApi', { stage: props.stage });
    const whoami = new WorkflowFunction(this, 'WhoAmI', {
      entry: repoPath('functions/ops-api/whoami/handler.ts'),
      description: 'GET /me: the caller and their roles',
    });
    this.opsApi.addRoute('GET /me', whoami);
  }
}
