import { Validations, type App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { WorkflowFunction } from '../../workflows/constructs/workflow-function';
import cdkNag from 'cdk-nag';

/** Runs the AWS Solutions checks on synth; an unacknowledged finding fails it. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
}

/** Every finding we accept, with the reason. */
export function acknowledgeNagFindings(stacks: Stack[]): void {
  for (const stack of stacks) {
    Validations.of(stack).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'Lets a function write its own logs only; the managed policy AWS recommends for exactly that.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-L1',
        reason: 'The platform standardises on Node.js 22, the runtime the local platform and CI run; moving on is a deliberate change.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords and states:SendTask* support no resource-level permissions.',
      },
    );
      // Step Functions' Lambda integration grants invoking any version of the function (`<arn>:*`).
    for (const fn of stack.node.findAll().filter((c): c is WorkflowFunction => c instanceof WorkflowFunction)) {
      if (fn.stack !== stack) continue;
      const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
      Validations.of(stack).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: 'A flow may invoke any version of its own function; the grant names that one function.',
      });
    }
  }
}
