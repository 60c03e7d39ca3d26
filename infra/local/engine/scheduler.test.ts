import { describe, expect, it } from 'vitest';
import { nextFireTime } from './scheduler';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('nextFireTime', () => {
  it.each([
    ['rate(5 minutes)', '2026-11-23T10:00:00.000Z', '2026-11-23T10:05:00.000Z'],
    ['rate(1 hour)', '2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z'],
    ['rate(1 day)', '2026-11-23T10:00:00.000Z', '2026-11-24T10:00:00.000Z'],
    // 01:00 UTC is 09:00 in Shanghai: business-hours jobs are written in UTC, as in AWS.
    ['cron(0 1 * * ? *)', '2026-11-23T10:00:00.000Z', '2026-11-24T01:00:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-11-23T10:07:00.000Z', '2026-11-23T10:15:00.000Z'],
    ['cron(0 2 ? * MON *)', '2026-11-23T10:00:00.000Z', '2026-11-30T02:00:00.000Z'],
    ['cron(30 9 1 JAN ? 2027)', '2026-11-23T10:00:00.000Z', '2027-01-01T09:30:00.000Z'],
  ])('%s after %s is %s', (expression, after, expected) => {
    expect(iso(nextFireTime(expression, at(after)))).toBe(expected);
  });

  it('keeps a rate aligned to when the schedule started', () => {
    const start = at('2026-11-23T10:00:00.000Z');
    expect(iso(nextFireTime('rate(10 minutes)', at('2026-11-23T10:25:00.000Z'), start))).toBe('2026-11-23T10:30:00.000Z');
  });

  it.each(['every day', 'cron(0 1 * *)', 'cron(61 * * * ? *)', 'rate(0 minutes)'])('rejects %s with a clear error', (expression) => {
    expect(() => nextFireTime(expression, Date.now())).toThrow(/Invalid schedule|Invalid cron field|positive/);
  });
});
