import { getDayDetail, isInLieu, isWorkday } from 'chinese-days';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY } from '../clock';
import { ShopError, ValidationError } from '../errors';
import {
  BusinessCalendar,
  CALLBACK_HOURS,
  CalendarRangeError,
  businessCalendar,
  chineseDaysData,
  createBusinessCalendar,
  type DailyHours,
} from './index';
import shippedOverrides from './overrides.json' with { type: 'json' };
import testOverrides from './test-overrides.json' with { type: 'json' };

const calendar = createBusinessCalendar();
const withTestYear = createBusinessCalendar({ overrides: testOverrides });

/** `2026-10-01 09:00` in Shanghai as the UTC ISO string the calendar returns. */
const sh = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`).toISOString();

describe('the data', () => {
  it('covers the years chinese-days has holidays for: 2004 to 2026', () => {
    expect(calendar.coveredYears).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
  });

  it("agrees with chinese-days' own functions on every day it covers", () => {
    const data = chineseDaysData();
    for (let t = Date.UTC(2004, 0, 1); t <= Date.UTC(2026, 11, 31); t += DAY) {
      const date = new Date(t).toISOString().slice(0, 10);
      const detail = getDayDetail(date);
      // getDayDetail names a holiday "Spring Festival,春节,4" and any other day by its weekday.
      const holiday = !detail.work && detail.name.includes(',');
      expect({ date, working: calendar.isWorkingDay(date), holiday: calendar.isStatutoryHoliday(date) }).toEqual({ date, working: isWorkday(date), holiday });
      // In-lieu days (调休放假) are holidays like the others here.
      if (isInLieu(date)) expect(data.days.get(date)?.kind).toBe('holiday');
    }
  });

  it('ships an override file the calendar accepts, and the app calendar covers at least the package years', () => {
    expect(() => createBusinessCalendar({ overrides: shippedOverrides })).not.toThrow();
    expect(businessCalendar.coveredYears).toEqual(expect.arrayContaining([...calendar.coveredYears]));
  });
});

describe('days', () => {
  it.each([
    // Spring Festival 2026: 15 (Sun) to 23 Feb (Mon) off, Saturdays 14 and 28 Feb worked (the State
    // Council's notice of November 2025, gov.cn/zhengce/zhengceku/202511/content_7047091.htm, as chinese-days has it).
    ['2026-02-13', 'Friday', 'working-day'],
    ['2026-02-14', 'Saturday', 'make-up-working-day'],
    ['2026-02-15', 'Sunday', 'statutory-holiday'],
    ['2026-02-17', 'Tuesday', 'statutory-holiday'],
    ['2026-02-21', 'Saturday', 'statutory-holiday'],
    ['2026-02-23', 'Monday', 'statutory-holiday'],
    ['2026-02-24', 'Tuesday', 'working-day'],
    ['2026-02-28', 'Saturday', 'make-up-working-day'],
    ['2026-03-01', 'Sunday', 'weekend'],
    // Mid-autumn 25–27 Sep; National Day 1–7 Oct off, Sunday 20 Sep and Saturday 10 Oct worked.
    ['2026-09-20', 'Sunday', 'make-up-working-day'],
    ['2026-09-25', 'Friday', 'statutory-holiday'],
    ['2026-09-30', 'Wednesday', 'working-day'],
    ['2026-10-01', 'Thursday', 'statutory-holiday'],
    ['2026-10-07', 'Wednesday', 'statutory-holiday'],
    ['2026-10-08', 'Thursday', 'working-day'],
    ['2026-10-10', 'Saturday', 'make-up-working-day'],
    ['2026-10-11', 'Sunday', 'weekend'],
    // Labour Day: Saturday 9 May worked. New Year 2026: 1–3 Jan off, Sunday 4 Jan worked.
    ['2026-05-09', 'Saturday', 'make-up-working-day'],
    ['2026-01-03', 'Saturday', 'statutory-holiday'],
    ['2026-01-04', 'Sunday', 'make-up-working-day'],
    // An ordinary weekend.
    ['2026-11-27', 'Friday', 'working-day'],
    ['2026-11-28', 'Saturday', 'weekend'],
    ['2026-11-29', 'Sunday', 'weekend'],
    ['2026-11-30', 'Monday', 'working-day'],
  ] as const)('%s (%s) is a %s', (date, weekday, kind) => {
    const detail = calendar.dayDetail(date);
    expect(detail).toMatchObject({ date, weekday, kind });
    expect(calendar.isWorkingDay(date)).toBe(kind === 'working-day' || kind === 'make-up-working-day');
    expect(calendar.isStatutoryHoliday(date)).toBe(kind === 'statutory-holiday');
  });

  it('names the holiday and the source', () => {
    expect(calendar.dayDetail('2026-02-17')).toMatchObject({ name: 'Spring Festival,春节', source: 'chinese-days', working: false, statutoryHoliday: true });
    expect(calendar.dayDetail('2026-10-10')).toMatchObject({ name: 'National Day,国庆节', working: true, statutoryHoliday: false });
  });

  it.each([
    // 16:00 UTC on 30 September is already 00:00 on 1 October in Shanghai.
    ['2026-09-30T16:00:00Z', '2026-10-01', false, true],
    ['2026-09-30T15:59:59Z', '2026-09-30', true, false],
    ['2026-09-30T15:59:59.999Z', '2026-09-30', true, false],
    ['2026-10-01T00:00:00+08:00', '2026-10-01', false, true],
    // 23 February is the last day of the Spring Festival break; 16:00 UTC that day is Tuesday in Shanghai.
    ['2026-02-23T15:59:59Z', '2026-02-23', false, true],
    ['2026-02-23T16:00:00Z', '2026-02-24', true, false],
  ] as const)('takes the Shanghai date of %s: %s', (instant, date, working, holiday) => {
    expect(calendar.dayOf(instant)).toBe(date);
    expect(calendar.dayOf(new Date(instant))).toBe(date);
    expect(calendar.isWorkingDay(instant)).toBe(working);
    expect(calendar.isWorkingDay(new Date(instant))).toBe(working);
    expect(calendar.isStatutoryHoliday(instant)).toBe(holiday);
  });

  it('starts a day at Shanghai midnight', () => {
    expect(calendar.startOfDay('2026-10-01')).toBe('2026-09-30T16:00:00.000Z');
    expect(calendar.startOfDay('2026-10-01T15:59:00Z')).toBe('2026-09-30T16:00:00.000Z');
    expect(calendar.startOfDay('2026-10-01T16:00:00Z')).toBe('2026-10-01T16:00:00.000Z');
  });

  it('refuses what it cannot read', () => {
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('someday')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay(new Date(NaN))).toThrow(RangeError);
    // A bare date where a time of day matters would be UTC midnight, 08:00 in Shanghai: refused.
    expect(() => calendar.nextInHours('2026-10-08')).toThrow(/needs a time of day/);
    expect(() => calendar.addWorkingDays('2026-10-08', 1)).toThrow(RangeError);
  });
});

describe('callback hours', () => {
  it('are 09:00 to 21:00 Shanghai by default', () => {
    expect(CALLBACK_HOURS).toEqual({ start: '09:00', end: '21:00' });
  });

  it.each([
    ['08:59 on a Tuesday → 09:00 that day', '2026-12-01 08:59', '2026-12-01 09:00'],
    ['09:00 → itself', '2026-12-01 09:00', '2026-12-01 09:00'],
    ['20:59 → itself', '2026-12-01 20:59', '2026-12-01 20:59'],
    ['21:00 → 09:00 the next day', '2026-12-01 21:00', '2026-12-02 09:00'],
    ['23:00 → 09:00 the next day', '2026-12-01 23:00', '2026-12-02 09:00'],
    ['00:30 → 09:00 that day', '2026-12-02 00:30', '2026-12-02 09:00'],
    ['an ordinary Saturday has hours', '2026-11-28 10:00', '2026-11-28 10:00'],
    ['Saturday 21:00 → Sunday 09:00', '2026-11-28 21:00', '2026-11-29 09:00'],
    ['National Day eve, 20:30 → itself', '2026-09-30 20:30', '2026-09-30 20:30'],
    ['National Day eve, 21:00 → 09:00 on 8 October', '2026-09-30 21:00', '2026-10-08 09:00'],
    ['National Day eve, 23:00 → 09:00 on 8 October', '2026-09-30 23:00', '2026-10-08 09:00'],
    ['during National Day → 09:00 on 8 October', '2026-10-03 10:00', '2026-10-08 09:00'],
    ['Mid-autumn eve, 22:00 → 09:00 on Monday 28 September', '2026-09-24 22:00', '2026-09-28 09:00'],
    ['the make-up Saturday before Spring Festival has hours', '2026-02-14 10:00', '2026-02-14 10:00'],
    ['Spring Festival eve, 21:00 → 09:00 on 24 February', '2026-02-14 21:00', '2026-02-24 09:00'],
  ])('%s', (_, at, next) => {
    expect(calendar.nextInHours(sh(at))).toBe(sh(next));
    expect(calendar.nextInHours(new Date(sh(at)))).toBe(sh(next));
    expect(calendar.isInHours(sh(at))).toBe(at === next);
  });

  it('keeps the milliseconds of an instant already inside, and 20:59:59.999 is inside', () => {
    expect(calendar.nextInHours('2026-12-01T12:59:59.999Z')).toBe('2026-12-01T12:59:59.999Z');
    expect(calendar.nextInHours('2026-12-01T13:00:00.000Z')).toBe(sh('2026-12-02 09:00'));
  });

  it.each([
    ['inside: 21:00 that day', '2026-12-01 10:00', '2026-12-01 21:00'],
    ['before hours: 21:00 that day', '2026-12-01 08:00', '2026-12-01 21:00'],
    ['at 21:00: the next day', '2026-12-01 21:00', '2026-12-02 21:00'],
    ['after hours: the next day', '2026-12-01 22:00', '2026-12-02 21:00'],
    ['National Day eve after hours: 8 October', '2026-09-30 21:00', '2026-10-08 21:00'],
    ['during a holiday: the first day after it', '2026-02-17 12:00', '2026-02-24 21:00'],
  ])('endOfHours %s', (_, at, end) => {
    expect(calendar.endOfHours(sh(at))).toBe(sh(end));
  });

  it('takes other hours, end 24:00 included, and refuses hours it cannot use', () => {
    const late: DailyHours = { start: '18:00', end: '24:00' };
    expect(calendar.nextInHours(sh('2026-12-01 23:59'), late)).toBe(sh('2026-12-01 23:59'));
    expect(calendar.nextInHours(sh('2026-12-01 10:00'), late)).toBe(sh('2026-12-01 18:00'));
    expect(calendar.endOfHours(sh('2026-12-01 10:00'), late)).toBe(sh('2026-12-02 00:00'));
    for (const hours of [
      { start: '21:00', end: '09:00' },
      { start: '09:00', end: '09:00' },
      { start: '9:00', end: '21:00' },
      { start: '09:00', end: '24:30' },
      { start: '09:60', end: '21:00' },
    ]) {
      expect(() => calendar.nextInHours(sh('2026-12-01 10:00'), hours)).toThrow(RangeError);
    }
  });
});

describe('addWorkingDays: the same Shanghai time on the n-th working day after the date', () => {
  it.each([
    ['Tuesday 15:00 + 3 → Friday 15:00', '2026-12-01 15:00', 3, '2026-12-04 15:00'],
    ['Friday 23:30 + 1 → Monday 23:30 (an ordinary weekend)', '2026-11-27 23:30', 1, '2026-11-30 23:30'],
    ['Saturday + 1 → Monday (the date itself never counts)', '2026-11-28 10:00', 1, '2026-11-30 10:00'],
    ['+ 0 → the instant, even on a holiday', '2026-10-03 10:00', 0, '2026-10-03 10:00'],
    ['Friday before Spring Festival + 1 → the make-up Saturday', '2026-02-13 10:00', 1, '2026-02-14 10:00'],
    ['Friday before Spring Festival + 2 → Tuesday 24 February', '2026-02-13 10:00', 2, '2026-02-24 10:00'],
    ['Friday before Spring Festival + 6 → the make-up Saturday 28 February', '2026-02-13 10:00', 6, '2026-02-28 10:00'],
    ['National Day eve + 1 → 8 October', '2026-09-30 10:00', 1, '2026-10-08 10:00'],
    ['National Day eve + 3 → the make-up Saturday 10 October', '2026-09-30 10:00', 3, '2026-10-10 10:00'],
    ['National Day eve + 4 → Monday 12 October', '2026-09-30 10:00', 4, '2026-10-12 10:00'],
    ['Saturday 19 September + 1 → the make-up Sunday 20 September', '2026-09-19 10:00', 1, '2026-09-20 10:00'],
  ])('%s', (_, at, n, expected) => {
    expect(calendar.addWorkingDays(sh(at), n)).toBe(sh(expected));
  });

  it('refuses a count that is not a whole number of days, 0 or more', () => {
    for (const n of [-1, 1.5, NaN, Infinity]) expect(() => calendar.addWorkingDays(sh('2026-12-01 10:00'), n)).toThrow(RangeError);
  });
});

describe('workingDaysBetween: working days begun after the start date, up to the end date', () => {
  it.each([
    // The old Monday-to-Friday count gave 7 here: 16–20 and 23–24 February.
    ['over Spring Festival: the make-up Saturday and Tuesday 24th', '2026-02-13 10:00', '2026-02-24 10:00', 2],
    ['over National Day: 8, 9, the make-up Saturday 10, 12 October', '2026-09-30 10:00', '2026-10-12 10:00', 4],
    ['over an ordinary weekend', '2026-11-27 23:30', '2026-11-30 00:00', 1],
    ['Friday 23:30 to Sunday 23:59', '2026-11-27 23:30', '2026-11-29 23:59', 0],
    ['the same day', '2026-12-01 09:00', '2026-12-01 20:00', 0],
    ['end before start', '2026-12-14 10:00', '2026-11-30 10:00', 0],
  ])('%s', (_, start, end, days) => {
    expect(calendar.workingDaysBetween(sh(start), sh(end))).toBe(days);
  });

  it('counts by Shanghai dates, and takes dates as well as instants', () => {
    // 15:59:59Z on 30 September is still that day; 16:00Z on 8 October is already the 9th.
    expect(calendar.workingDaysBetween('2026-09-30T15:59:59Z', '2026-10-08T15:59:59Z')).toBe(1);
    expect(calendar.workingDaysBetween('2026-09-30T15:59:59Z', '2026-10-08T16:00:00Z')).toBe(2);
    expect(calendar.workingDaysBetween('2026-09-30T16:00:00Z', '2026-10-08T16:00:00Z')).toBe(2);
    expect(calendar.workingDaysBetween('2026-09-30', '2026-10-12')).toBe(4);
  });
});

describe('beyond the data', () => {
  const outside: Array<[string, () => unknown]> = [
    ['isWorkingDay', () => calendar.isWorkingDay('2027-01-04')],
    ['isStatutoryHoliday', () => calendar.isStatutoryHoliday('2027-01-04T02:00:00Z')],
    ['dayDetail', () => calendar.dayDetail('2027-01-04')],
    ['isInHours', () => calendar.isInHours('2027-01-04T02:00:00Z')],
    ['nextInHours', () => calendar.nextInHours('2027-01-04T02:00:00Z')],
    ['endOfHours', () => calendar.endOfHours('2027-01-04T02:00:00Z')],
    ['addWorkingDays (its own date never looked up)', () => calendar.addWorkingDays('2027-01-03T02:00:00Z', 1)],
    ['workingDaysBetween', () => calendar.workingDaysBetween('2027-01-03', '2027-01-04')],
  ];
  it.each(outside)('%s throws CalendarRangeError naming the date, the years covered and how to add one', (_, call) => {
    expect(call).toThrow(CalendarRangeError);
    try {
      call();
    } catch (error) {
      expect(error).toBeInstanceOf(ShopError);
      expect(error).toMatchObject({ name: 'CalendarRangeError', day: '2027-01-04' });
      expect((error as Error).message).toMatch(/2027-01-04.*2004–2026.*shared\/calendar\/overrides\.json/s);
    }
  });

  it('throws as soon as an answer needs a day past the data, not before', () => {
    // The evening of 31 December 2026 would move to a day of 2027.
    expect(calendar.nextInHours(sh('2026-12-31 20:00'))).toBe(sh('2026-12-31 20:00'));
    expect(() => calendar.nextInHours(sh('2026-12-31 21:00'))).toThrow(CalendarRangeError);
    expect(calendar.addWorkingDays(sh('2026-12-30 10:00'), 1)).toBe(sh('2026-12-31 10:00'));
    expect(() => calendar.addWorkingDays(sh('2026-12-30 10:00'), 2)).toThrow(/2027-01-01/);
    expect(() => calendar.workingDaysBetween('2026-12-30', '2027-01-01')).toThrow(CalendarRangeError);
    expect(() => calendar.isWorkingDay('2003-12-31')).toThrow(/2003-12-31/);
    // Only the day of an instant is converted: that needs no data.
    expect(calendar.dayOf('2027-06-01T00:00:00Z')).toBe('2027-06-01');
  });
});

describe('overrides', () => {
  it('answer for a year the package lacks once the override file covers it', () => {
    expect(withTestYear.coveredYears.at(-1)).toBe(2027);
    expect(withTestYear.isStatutoryHoliday('2027-01-01')).toBe(true);
    expect(withTestYear.isWorkingDay('2027-01-04')).toBe(true);
    expect(withTestYear.isWorkingDay('2027-01-09')).toBe(true);
    expect(withTestYear.dayDetail('2027-01-09')).toMatchObject({ kind: 'make-up-working-day', source: 'invented test data (calendar.test.ts)' });
    expect(withTestYear.nextInHours(sh('2026-12-31 21:00'))).toBe(sh('2027-01-02 09:00'));
    expect(withTestYear.addWorkingDays(sh('2026-12-30 10:00'), 2)).toBe(sh('2027-01-04 10:00'));
    expect(() => withTestYear.isWorkingDay('2028-01-03')).toThrow(/2004–2027/);
  });

  it('add, replace and undo single days of a package year', () => {
    expect(withTestYear.dayDetail('2026-10-08')).toMatchObject({ kind: 'statutory-holiday', source: 'invented correction (calendar.test.ts)' });
    expect(withTestYear.dayDetail('2026-10-10')).toMatchObject({ kind: 'weekend', working: false });
    expect(withTestYear.nextInHours(sh('2026-09-30 21:00'))).toBe(sh('2026-10-09 09:00'));
    // The calendar without the override is untouched.
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true);
  });

  it('take plain values too, so a test can bring its own data', () => {
    const own = new BusinessCalendar({ years: new Set([2030]), days: new Map([['2030-01-01', { kind: 'holiday', name: 'test', source: 'test' }]]) });
    expect(own.isStatutoryHoliday('2030-01-01')).toBe(true);
    expect(own.isWorkingDay('2030-01-02')).toBe(true);
    expect(() => own.isWorkingDay('2026-01-02')).toThrow(/of 2030 only/);
  });

  it.each([
    ['a day that is no date', { days: { '2027-02-30': { kind: 'holiday', name: 'x' } } }, 'days.2027-02-30'],
    ['an unknown kind', { days: { '2026-10-08': { kind: 'half-day', name: 'x' } } }, 'days.2026-10-08.kind'],
    ['a day without a name', { days: { '2026-10-08': { kind: 'holiday' } } }, 'days.2026-10-08.name'],
    ['a day of a year nobody covers', { days: { '2028-01-03': { kind: 'holiday', name: 'x' } } }, 'days.2028-01-03'],
    ['a year without its source', { years: { '2027': {} } }, 'years.2027.source'],
    ['a year that is not four digits', { years: { '27': { source: 'x' } } }, 'years.27'],
    ['an unknown field', { holidays: {} }, '(root)'],
  ])('refuse %s, naming the field', (_, overrides, field) => {
    try {
      createBusinessCalendar({ overrides });
      expect.unreachable('the override was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors.map((e) => e.field)).toContain(field);
    }
  });
});

describe('properties', () => {
  // Instants whose answers stay inside the data (nextInHours moves at most a holiday week ahead).
  const instant = fc.integer({ min: Date.parse('2004-01-01T00:00:00+08:00'), max: Date.parse('2026-11-30T00:00:00+08:00') });
  const hours = fc.oneof(
    fc.constant(CALLBACK_HOURS),
    fc.tuple(fc.integer({ min: 0, max: 23 * 60 + 59 }), fc.integer({ min: 1, max: 24 * 60 })).filter(([a, b]) => a < b).map(([a, b]) => ({ start: hhmm(a), end: hhmm(b) })),
  );

  it('nextInHours is inside hours on a day that is not a statutory holiday, at or after the input, and the first such moment', () => {
    fc.assert(
      fc.property(instant, hours, (t, h) => {
        const next = Date.parse(calendar.nextInHours(new Date(t), h));
        expect(next).toBeGreaterThanOrEqual(t);
        expect(calendar.isInHours(new Date(next), h)).toBe(true);
        expect(calendar.isStatutoryHoliday(new Date(next))).toBe(false);
        if (next > t) {
          // Moved: so it is a start of hours, and no window opened in between.
          expect(calendar.isInHours(new Date(t), h)).toBe(false);
          expect(calendar.isInHours(new Date(next - 1), h)).toBe(false);
          for (let day = Date.parse(calendar.startOfDay(new Date(t))) + DAY; day < Date.parse(calendar.startOfDay(new Date(next))); day += DAY) {
            expect(calendar.isStatutoryHoliday(new Date(day))).toBe(true);
          }
        }
        const end = Date.parse(calendar.endOfHours(new Date(t), h));
        expect(end).toBeGreaterThan(next);
        expect(calendar.dayOf(new Date(end - 1))).toBe(calendar.dayOf(new Date(next)));
      }),
      { numRuns: 1000 },
    );
  });

  it('nextInHours is monotonic: a ≤ b ⇒ next(a) ≤ next(b)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 3 * DAY }), hours, (a, gap, h) => {
        expect(Date.parse(calendar.nextInHours(new Date(a), h))).toBeLessThanOrEqual(Date.parse(calendar.nextInHours(new Date(a + gap), h)));
      }),
      { numRuns: 1000 },
    );
  });

  it('addWorkingDays lands on working days at the same time of day, grows with n, and counts back with workingDaysBetween', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 15 }), (t, n) => {
        const at = Date.parse(calendar.addWorkingDays(new Date(t), n));
        const later = Date.parse(calendar.addWorkingDays(new Date(t), n + 1));
        expect(later).toBeGreaterThan(at);
        expect(calendar.isWorkingDay(new Date(later))).toBe(true);
        if (n > 0) expect(calendar.isWorkingDay(new Date(at))).toBe(true);
        else expect(at).toBe(t);
        expect((at - t) % DAY).toBe(0);
        expect(calendar.workingDaysBetween(new Date(t), new Date(at))).toBe(n);
        // Nothing skipped: the day before the n-th working day still had n - 1.
        if (n > 0) expect(calendar.workingDaysBetween(new Date(t), new Date(at - DAY))).toBe(n - 1);
      }),
    );
  });
});

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
