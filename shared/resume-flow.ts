import { InvalidToken, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { stepFunctions } from './aws';

/**
 * Resumes a flow waiting on `taskToken` with `output`. False when nobody waits on it any more:
 * resumed already (the other side of a race got there first), timed out (the flow took its
 * timeout path), or a token of an earlier run of the wait.
 */
export async function resumeFlow(taskToken: string, output: unknown): Promise<boolean> {
  try {
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return true;
  } catch (error) {
    if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) return false;
    throw error;
  }
}
