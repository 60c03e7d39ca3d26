import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoWeekBounds, isoWeekOf } from './weeks';

describe('ISO weeks in Asia/Shanghai', () => {
  it.each([
    ['2026-11-23T00:00:00+08:00', '2026-W48', 'Monday 00:00 Shanghai starts the week'],
    ['2026-11-22T16:00:00Z', '2026-W48', 'the same instant in UTC (Sunday evening)'],
    ['2026-11-22T15:59:59Z', '2026-W47', 'a second earlier is still Sunday in Shanghai'],
    ['2026-11-29T23:59:59+08:00', '2026-W48', 'Sunday night ends it'],
    ['2026-12-31T12:00:00+08:00', '2026-W53', '2026 starts on a Thursday: it has a week 53'],
    ['2027-01-01T12:00:00+08:00', '2026-W53', '1 January 2027 (Friday) belongs to 2026-W53'],
    ['2027-01-04T09:00:00+08:00', '2027-W01', 'the first Monday of 2027 starts W01'],
    ['2024-12-30T09:00:00+08:00', '2025-W01', '30 December 2024 is in 2025-W01'],
  ])('%s is in %s (%s)', (instant, week) => {
    expect(isoWeekOf(instant)).toBe(week);
  });

  it('bounds a week from Monday 00:00 to the next Monday, Shanghai time', () => {
    expect(isoWeekBounds('2026-W48')).toEqual({ start: '2026-11-22T16:00:00.000Z', end: '2026-11-29T16:00:00.000Z' });
    expect(isoWeekBounds('2026-W53')).toEqual({ start: '2026-12-27T16:00:00.000Z', end: '2027-01-03T16:00:00.000Z' });
  });

  it.each([
    ['2026-48', 'must look like 2026-W48'],
    ['2026-W5', 'must look like 2026-W48'],
    ['2025-W53', '2025 has weeks W01 to W52'],
    ['2026-W00', '2026 has weeks W01 to W53'],
  ])('refuses %s, saying why', (week, message) => {
    expect(() => isoWeekBounds(week)).toThrow(message);
  });

  it('every instant lies inside the bounds of its own week', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }), (date) => {
        const { start, end } = isoWeekBounds(isoWeekOf(date));
        expect(Date.parse(start)).toBeLessThanOrEqual(date.getTime());
        expect(date.getTime()).toBeLessThan(Date.parse(end));
        expect(Date.parse(end) - Date.parse(start)).toBe(7 * 86_400_000);
      }),
    );
  });
});
