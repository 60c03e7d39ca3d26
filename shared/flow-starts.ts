import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from './aws';
import { addMs, nowIso, SECOND } from './clock';
import { executionNameFor } from './executions';
import { FlowInstances } from './records/flow-instances';

export type InstanceStart = { status: 'started'; executionArn: string } | { status: 'duplicate' };

/**
 * Starts one flow instance, named after its business key. STANDARD machines deduplicate the name
 * themselves (ExecutionAlreadyExists → `duplicate`). EXPRESS machines do not: with `claimSeconds`
 * (the machine's timeout) the instance's record is claimed first, one conditional write that
 * only a new, stale or FAILED instance passes, so an event's redelivery and an ops restart racing
 * start it once; a start that fails gives the claim back. The intake and the ops API's restart of
 * a FAILED EXPRESS instance both start through here.
 */
export async function startInstance(start: { flow: string; businessKey: string; stateMachineArn: string; input: unknown; claimSeconds?: number }): Promise<InstanceStart> {
  const { flow, businessKey, claimSeconds } = start;
  const claimedAt = nowIso();
  if (claimSeconds !== undefined) {
    const claimed = await new FlowInstances().claim(flow, businessKey, claimedAt, addMs(claimedAt, claimSeconds * SECOND));
    if (!claimed) return { status: 'duplicate' };
  }
  try {
    const started = await stepFunctions().send(
      new StartExecutionCommand({ stateMachineArn: start.stateMachineArn, name: executionNameFor(businessKey), input: JSON.stringify(start.input) }),
    );
    return { status: 'started', executionArn: started.executionArn! };
  } catch (error) {
    // The claim goes back, so a retry (EventBridge's, or the operator's) can start the instance.
    if (claimSeconds !== undefined) await new FlowInstances().release(flow, businessKey, claimedAt);
    if (error instanceof ExecutionAlreadyExists) return { status: 'duplicate' };
    throw error;
  }
}
