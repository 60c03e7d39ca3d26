import { describe, expect, it } from 'vitest';
import { explain } from './words';

describe('explain', () => {
  it.each([
    [403, 'amy already decided the refund-approval task for RF-3; a second person must decide this refund-second-approval task', /Four-eyes rule: you already decided the refund-approval step/],
    [403, 'task 01JQ needs the role finance', /for the role finance, which you do not have/],
    [409, 'task is claimed by bob', /^bob has claimed this task/],
    [409, 'task is completed', /^Someone else already decided this task/],
    [409, 'task is expired', /flow stopped waiting/],
    [409, 'the flow stopped waiting for this task (its SLA passed); the task is expired and your decision was not applied', /^Too late: the flow stopped waiting/],
    [409, 'task 01JQ changed concurrently; try again', /Reload it and try again/],
    [401, 'Unauthorized', /Sign in again/],
    [500, 'Internal error', /could not answer \(500: Internal error\)/],
  ])('%i "%s"', (status, message, words) => {
    expect(explain(status, { message }).words).toMatch(words);
  });

  it('names the fields of a 400 so the form can mark them', () => {
    const problem = explain(400, { message: 'invalid decision', errors: [{ field: 'reason', message: 'a reason is required for outcome reject' }, { field: 'data.trackingNumber', message: 'Required' }] });
    expect(problem.fields).toEqual({ reason: 'a reason is required for outcome reject', 'data.trackingNumber': 'Required' });
    expect(problem.words).toBe('Some of what you entered needs fixing: a reason is required for outcome reject; Required.');
  });
});
