import { DescribeExecutionCommand, DescribeStateMachineCommand, ExecutionDoesNotExist, GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws';
import { ForbiddenError, NotFoundError } from '../../../shared/errors';
import { apiHandler, json } from '../../../shared/handlers/api';
import { executionArnFor } from '../../../shared/executions';
import { opsEnv } from '../ops-env';
import { definitionGraph } from './definition';
import { flowView, recordedView } from './view';
import { FlowInstances } from '../../../shared/records/flow-instances';

/**
 * `GET /flows/{flow}/{businessKey}`: executions are named after their business key, so this is a
 * direct lookup, not a search. `GET /flows/{flow}`: the flow's deployed definition as a graph.
 */
export const handler = apiHandler(async (event, caller) => {
  if (caller.roles.length === 0) throw new ForbiddenError('you have no ops role');
  const flow = event.pathParameters?.flow ?? '';
  const businessKey = event.pathParameters?.businessKey;
  const machines = opsEnv().FLOW_STATE_MACHINES;
  const stateMachineArn = machines[flow];
  if (!stateMachineArn) throw new NotFoundError(`no flow ${flow}; flows are ${Object.keys(machines).sort().join(', ') || 'not deployed yet'}`);
  if (businessKey === undefined) {
    const machine = await stepFunctions().send(new DescribeStateMachineCommand({ stateMachineArn }));
    return json(200, definitionGraph(flow, JSON.parse(machine.definition ?? '{}')));
  }
  // Flows on EXPRESS machines record themselves (AWS keeps no Express history to read).
  const recorded = await new FlowInstances().get(flow, businessKey);
  if (recorded) return json(200, { flow, businessKey, ...recordedView(recorded) });
  const executionArn = executionArnFor(stateMachineArn, businessKey);
  try {
    const execution = await stepFunctions().send(new DescribeExecutionCommand({ executionArn }));
    return json(200, flowView(flow, businessKey, execution, await history(executionArn)));
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) throw new NotFoundError(`no ${flow} flow for ${businessKey}`);
    throw error;
  }
});

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stepFunctions().send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: false }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
