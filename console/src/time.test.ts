import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoWeekOf } from '../../shared/calendar/weeks';
import { dueLabel, isoWeek, recentWeeks } from './time';

const NOW = Date.parse('2026-11-23T01:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

describe('dueLabel', () => {
  it.each([
    [at(23), 'in 23 min', false],
    [at(23.9), 'in 23 min', false],
    [at(0.5), 'due now', false],
    [at(-0.5), 'due now', false],
    [at(-120), 'overdue 2 h', true],
    [at(-61), 'overdue 1 h', true],
    [at(-59), 'overdue 59 min', true],
    [at(47 * 60), 'in 47 h', false],
    [at(3 * 24 * 60 + 5), 'in 3 d', false],
    [at(-8 * 24 * 60), 'overdue 8 d', true],
  ])('%s reads "%s"', (dueAt, text, overdue) => {
    expect(dueLabel(dueAt, NOW)).toEqual({ text, overdue });
  });
});

describe('isoWeek', () => {
  it.each([
    ['2026-11-23T01:00:00Z', '2026-W48'], // Monday
    ['2026-11-22T15:59:59Z', '2026-W47'], // Sunday 23:59:59 in Shanghai
    ['2026-11-22T16:00:00Z', '2026-W48'], // Monday 00:00 in Shanghai
    ['2026-12-31T12:00:00Z', '2026-W53'], // 2026 has 53 ISO weeks (it starts on a Thursday)
    ['2027-01-04T12:00:00Z', '2027-W01'],
    ['2021-01-03T12:00:00Z', '2020-W53'],
    ['2024-12-30T12:00:00Z', '2025-W01'],
  ])('%s is %s', (iso, week) => {
    expect(isoWeek(Date.parse(iso))).toBe(week);
  });

  it('agrees with the callbacks report\'s weeks (shared/calendar/weeks.ts) at any instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }), (ms) => {
        expect(isoWeek(ms)).toBe(isoWeekOf(new Date(ms).toISOString()));
      }),
      { numRuns: 2000 },
    );
  });

  it('lists recent weeks oldest first, ending with the current one', () => {
    expect(recentWeeks(NOW, 3)).toEqual(['2026-W46', '2026-W47', '2026-W48']);
  });
});
