import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../clock';
import type { LocalStateMachine } from '../model';
import { FunctionError } from './integrations';
import { LocalStepFunctions } from './service';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:orders';
const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

const machine = (type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): LocalStateMachine => ({
  logicalId: 'Orders',
  stackName: 'Test',
  name: 'orders',
  arn: ARN,
  type,
  definition: {
    StartAt: 'Reserve',
    States: {
      Reserve: { Type: 'Task', Resource: fn('reserve'), ResultPath: '$.reserved', Next: 'Pay' },
      Pay: { Type: 'Task', Resource: fn('pay'), ResultPath: '$.paid', Next: 'Done' },
      Done: { Type: 'Pass', End: true },
    },
  },
});

let clock: VirtualClock;
afterEach(() => clock?.dispose());

/** A platform whose `pay` fails while `failing` is set; counts every call of each function. */
function platform(type?: 'STANDARD' | 'EXPRESS') {
  clock = new VirtualClock(Date.parse('2026-11-23T00:00:00Z'));
  const calls: Record<string, number> = { reserve: 0, pay: 0 };
  const state = { failing: true };
  const sfn = new LocalStepFunctions([machine(type)], clock, {
    invokeFunction: async (name, payload) => {
      const short = name.split(':').pop()!;
      calls[short]++;
      if (short === 'pay' && state.failing) throw new FunctionError('PaymentDown', 'provider unavailable');
      return { by: short, input: payload };
    },
    dynamodb: undefined as never,
    putEvents: async () => ({ FailedEntryCount: 0, Entries: [] }),
    sendMessage: async () => ({}),
  });
  return { sfn, calls, state };
}

async function failedExecution(sfn: LocalStepFunctions) {
  const { executionArn } = await sfn.StartExecution({ stateMachineArn: ARN, name: 'O-1', input: JSON.stringify({ orderId: 'O-1' }) });
  const failed = await sfn.executionResult(executionArn);
  expect(failed.status).toBe('FAILED');
  return executionArn;
}

describe('RedriveExecution', () => {
  it('resumes a failed execution from the failed state with its input; the succeeded step is not run again', async () => {
    const { sfn, calls, state } = platform();
    const executionArn = await failedExecution(sfn);
    expect(await sfn.DescribeExecution({ executionArn })).toMatchObject({ error: 'PaymentDown', redriveCount: 0, redriveStatus: 'REDRIVABLE' });

    state.failing = false;
    await sfn.RedriveExecution({ executionArn });
    const done = await sfn.executionResult(executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' });
    expect(calls).toEqual({ reserve: 1, pay: 2 });
    const output = JSON.parse(done.output!);
    expect(output.reserved.by).toBe('reserve');
    expect(output.paid.input).toMatchObject({ orderId: 'O-1', reserved: { by: 'reserve' } });
    expect(done).not.toHaveProperty('error');

    // The closing event follows the engine's last state events, which arrive a little later.
    const types = await vi.waitFor(async () => {
      const list = (await sfn.GetExecutionHistory({ executionArn })).events.map((e) => e.type);
      expect(list.at(-1)).toBe('ExecutionSucceeded');
      return list;
    });
    expect(types).toContain('ExecutionFailed');
    expect(types.indexOf('ExecutionRedriven')).toBeGreaterThan(types.indexOf('ExecutionFailed'));
    expect(types.filter((t) => t === 'TaskStateEntered')).toHaveLength(3);
    const { executions } = await sfn.ListExecutions({ stateMachineArn: ARN, redriveFilter: 'REDRIVEN' });
    expect(executions.map((e) => e.name)).toEqual(['O-1']);
  });

  it('refuses running and succeeded executions, and failed ones more than 14 days after their stop', async () => {
    const { sfn, state } = platform();
    const executionArn = await failedExecution(sfn);
    await clock.advance(14 * 86_400 + 1);
    await expect(sfn.RedriveExecution({ executionArn })).rejects.toMatchObject({ code: 'ExecutionNotRedrivable', message: expect.stringMatching(/14 days/) });
    expect(await sfn.DescribeExecution({ executionArn })).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE' });

    state.failing = false;
    const { executionArn: ok } = await sfn.StartExecution({ stateMachineArn: ARN, name: 'O-2', input: '{}' });
    await sfn.executionResult(ok);
    await expect(sfn.RedriveExecution({ executionArn: ok })).rejects.toMatchObject({ code: 'ExecutionNotRedrivable', message: 'Execution is SUCCEEDED and cannot be redriven' });
  });

  it('is idempotent per client token, and not offered for EXPRESS machines', async () => {
    const { sfn, calls, state } = platform();
    const executionArn = await failedExecution(sfn);
    await sfn.RedriveExecution({ executionArn, clientToken: 'once' });
    await sfn.RedriveExecution({ executionArn, clientToken: 'once' });
    await sfn.executionResult(executionArn);
    expect((await sfn.DescribeExecution({ executionArn })).redriveCount).toBe(1);
    expect(calls.pay).toBe(2);

    const express = platform('EXPRESS');
    const arn = await failedExecution(express.sfn);
    await expect(express.sfn.RedriveExecution({ executionArn: arn })).rejects.toMatchObject({ code: 'ExecutionNotRedrivable', message: expect.stringMatching(/EXPRESS/) });
  });
});
