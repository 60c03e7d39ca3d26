import { describe, expect, it } from 'vitest';
import { prepareDefinition } from './definition';

describe('prepareDefinition', () => {
  it('runs `ResultPath: "$"` as AWS does: the result replaces the input (in states and catchers)', () => {
    const { definition } = prepareDefinition({
      StartAt: 'Wait for it',
      States: {
        'Wait for it': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          ResultPath: '$',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Done' }, { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Pass', ResultPath: '$.kept', End: true },
      },
    });
    expect(definition.States['Wait for it']).not.toHaveProperty('ResultPath');
    expect(definition.States['Wait for it'].Catch[0]).not.toHaveProperty('ResultPath');
    expect(definition.States['Wait for it'].Catch[1].ResultPath).toBe('$.error');
    expect(definition.States.Done.ResultPath).toBe('$.kept');
  });
});
