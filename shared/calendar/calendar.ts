import { DAY, HOUR, MINUTE } from '../clock';
import { ShopError } from '../errors';
import { isCalendarDate, type CalendarData, type Day, type DayEntry } from './data';
import { CALLBACK_HOURS, type DailyHours } from './policy';

// China has had no daylight saving time since 1991: Asia/Shanghai is UTC+8 all year, so a
// Shanghai date is a fixed 8 hours ahead of UTC and every day is 24 hours long.
export const SHANGHAI_OFFSET_MS = 8 * HOUR;

/** An instant: a `Date`, or an ISO-8601 time with its offset (`2026-10-01T01:00:00Z`, `…+08:00`). */
export type Instant = string | Date;

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * Asked about a date the calendar has no data for: never a guess, since holidays and make-up
 * working days are announced year by year. Not retryable: the same date fails until a year is added.
 */
export class CalendarRangeError extends ShopError {
  override name = 'CalendarRangeError';
  constructor(
    /** The Shanghai date asked about, `YYYY-MM-DD`. */
    readonly day: Day,
    readonly coveredYears: readonly number[],
  ) {
    const year = day.slice(0, 4);
    super(
      `The business calendar has no data for ${day} (Asia/Shanghai): it knows the statutory holidays and make-up working days ` +
        `of ${describeYears(coveredYears)} only. To add ${year}, put it under "years" in shared/calendar/overrides.json with the ` +
        `State Council's notice as its source and list every holiday and make-up working day of ${year} under "days" ` +
        `(or upgrade chinese-days once it covers ${year}).`,
    );
  }
}

/** What the calendar knows of one date. */
export interface CalendarDay {
  date: Day;
  weekday: (typeof WEEKDAYS)[number];
  /**
   * `working-day`: Monday to Friday, not a holiday. `weekend`: Saturday or Sunday, not a make-up
   * working day. `statutory-holiday`: a day of an announced holiday break, whatever its weekday.
   * `make-up-working-day`: a weekend day (rarely another) the State Council makes a working day (调休上班).
   */
  kind: 'working-day' | 'weekend' | 'statutory-holiday' | 'make-up-working-day';
  working: boolean;
  statutoryHoliday: boolean;
  /** The holiday, for the last two kinds, e.g. `Spring Festival,春节`. */
  name?: string;
  source?: string;
}

/**
 * The Chinese business calendar in Asia/Shanghai, built from its data (`chineseDaysData()` with the
 * overrides, or any `CalendarData` a test brings). Pure: no I/O, no clock.
 *
 * Arguments: an instant (`Date` or ISO-8601 time with offset), or, where the name says "day", also
 * a Shanghai date `YYYY-MM-DD`. A date-only string is refused where a time of day matters, so it is
 * never read as UTC midnight (08:00 in Shanghai). Instants returned are UTC ISO strings.
 *
 * Every method throws `CalendarRangeError` as soon as it needs a date of a year outside
 * `coveredYears`, and `RangeError` for an argument it cannot read.
 */
export class BusinessCalendar {
  /** The years the calendar answers for, ascending. */
  readonly coveredYears: readonly number[];
  private readonly years: ReadonlySet<number>;
  private readonly days: ReadonlyMap<Day, DayEntry>;

  constructor(data: CalendarData) {
    this.years = new Set(data.years);
    this.days = new Map(data.days);
    this.coveredYears = Object.freeze([...this.years].sort((a, b) => a - b));
  }

  /** The Shanghai date of an instant, `YYYY-MM-DD` (covered or not). `2026-09-30T16:00:00Z` is `2026-10-01`. */
  dayOf(instant: Instant): Day {
    return dayString(dayNumber(toMs(instant, 'instant')));
  }

  /** Everything the calendar knows of a date: its kind, whether it is a working day, the holiday's name. */
  dayDetail(dayOrInstant: Day | Instant): CalendarDay {
    const n = toDayNumber(dayOrInstant, 'day');
    const entry = this.entry(n);
    const weekday = WEEKDAYS[weekdayOf(n)];
    const weekend = weekday === 'Saturday' || weekday === 'Sunday';
    const day: CalendarDay = entry
      ? { date: dayString(n), weekday, kind: entry.kind === 'holiday' ? 'statutory-holiday' : 'make-up-working-day', working: entry.kind === 'workday', statutoryHoliday: entry.kind === 'holiday', name: entry.name, source: entry.source }
      : { date: dayString(n), weekday, kind: weekend ? 'weekend' : 'working-day', working: !weekend, statutoryHoliday: false };
    return day;
  }

  /** Monday to Friday, minus statutory holidays, plus make-up working days. */
  isWorkingDay(dayOrInstant: Day | Instant): boolean {
    return this.working(toDayNumber(dayOrInstant, 'day'));
  }

  /** A day of an announced holiday break (weekend days inside it included); an ordinary weekend is not one. */
  isStatutoryHoliday(dayOrInstant: Day | Instant): boolean {
    return this.holiday(toDayNumber(dayOrInstant, 'day'));
  }

  /** Inside `hours` on a day that is not a statutory holiday (weekends have hours). */
  isInHours(instant: Instant, hours: DailyHours = CALLBACK_HOURS): boolean {
    const [start, end] = parseHours(hours);
    const ms = toMs(instant, 'instant');
    const n = dayNumber(ms);
    const time = ms - startMs(n);
    return time >= start && time < end && !this.holiday(n);
  }

  /**
   * The first moment at or after `instant` inside `hours` on a day that is not a statutory holiday:
   * the instant itself when already inside; that day's start of hours before them; otherwise the
   * start of hours of the next day that is not a statutory holiday (20:59 stays, 21:00 moves to
   * 09:00 the next day; the evening of 30 September moves to 09:00 on 8 October).
   */
  nextInHours(instant: Instant, hours: DailyHours = CALLBACK_HOURS): string {
    return iso(this.nextInHoursMs(toMs(instant, 'instant'), parseHours(hours)));
  }

  /**
   * The end of the window of `hours` that `nextInHours(instant)` falls in: for an instant inside
   * hours, that day's end of hours (21:00); outside, the end of the next window. Always after
   * `instant`: what "due by the end of that day's hours" means for something due from `instant`.
   */
  endOfHours(instant: Instant, hours: DailyHours = CALLBACK_HOURS): string {
    const parsed = parseHours(hours);
    const next = this.nextInHoursMs(toMs(instant, 'instant'), parsed);
    return iso(startMs(dayNumber(next)) + parsed[1]);
  }

  /** Midnight in Shanghai that begins the day (16:00 UTC the evening before). */
  startOfDay(dayOrInstant: Day | Instant): string {
    return iso(startMs(toDayNumber(dayOrInstant, 'day')));
  }

  /**
   * The same Shanghai time of day on the `n`-th working day after the instant's date; the instant's
   * own date never counts, working day or not. `n` = 0 returns the instant. Tuesday 15:00 + 3 is
   * Friday 15:00; Friday 23:30 + 1 is Monday 23:30. `startOfDay` of it gives the midnight that
   * begins that working day.
   */
  addWorkingDays(instant: Instant, n: number): string {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a whole number of working days, 0 or more, got ${n}`);
    const ms = toMs(instant, 'instant');
    const from = dayNumber(ms);
    let day = from;
    for (let counted = 0; counted < n; ) if (this.working(++day)) counted++;
    return iso(ms + (day - from) * DAY);
  }

  /**
   * Working days that have begun after `start`'s date, up to and including `end`'s date (Shanghai
   * dates): the start date itself does not count, so a case opened on Friday 23:30 has 0 on the
   * weekend and 1 from Monday 00:00. 0 when `end` is not on a later date.
   */
  workingDaysBetween(start: Day | Instant, end: Day | Instant): number {
    const from = toDayNumber(start, 'start');
    const to = toDayNumber(end, 'end');
    let count = 0;
    for (let day = from + 1; day <= to; day++) if (this.working(day)) count++;
    return count;
  }

  private nextInHoursMs(ms: number, [start, end]: readonly [number, number]): number {
    let n = dayNumber(ms);
    if (!this.holiday(n)) {
      const time = ms - startMs(n);
      if (time < start) return startMs(n) + start;
      if (time < end) return ms;
    }
    do n++;
    while (this.holiday(n));
    return startMs(n) + start;
  }

  private entry(n: number): DayEntry | undefined {
    const day = dayString(n);
    if (!this.years.has(Number(day.slice(0, 4)))) throw new CalendarRangeError(day, this.coveredYears);
    return this.days.get(day);
  }

  private working(n: number): boolean {
    const entry = this.entry(n);
    if (entry) return entry.kind === 'workday';
    const weekday = weekdayOf(n);
    return weekday >= 1 && weekday <= 5;
  }

  private holiday(n: number): boolean {
    return this.entry(n)?.kind === 'holiday';
  }
}

/** `2004–2026`, `2004–2026, 2028`. */
function describeYears(years: readonly number[]): string {
  if (!years.length) return 'no year';
  const runs: string[] = [];
  let first = years[0];
  for (let i = 1; i <= years.length; i++) {
    if (years[i] === years[i - 1] + 1) continue;
    runs.push(first === years[i - 1] ? String(first) : `${first}–${years[i - 1]}`);
    first = years[i];
  }
  return runs.join(', ');
}

// Days are counted as whole Shanghai days since 1970-01-01 (a Thursday).
const dayNumber = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY);
const startMs = (n: number) => n * DAY - SHANGHAI_OFFSET_MS;
const dayString = (n: number): Day => new Date(n * DAY).toISOString().slice(0, 10);
/** 0 = Sunday … 6 = Saturday. */
const weekdayOf = (n: number) => (((n + 4) % 7) + 7) % 7;
const iso = (ms: number) => new Date(ms).toISOString();

function toMs(value: Instant, field: string): number {
  if (typeof value === 'string' && DAY_ONLY.test(value)) {
    throw new RangeError(`${field} needs a time of day, got the date ${value}: pass an ISO-8601 time such as ${value}T09:00:00+08:00`);
  }
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${field} must be an ISO-8601 time, got ${String(value)}`);
  return ms;
}

function toDayNumber(value: Day | Instant, field: string): number {
  if (typeof value === 'string' && DAY_ONLY.test(value)) {
    if (!isCalendarDate(value)) throw new RangeError(`${field} must be a real date, got ${value}`);
    return Date.parse(`${value}T00:00:00Z`) / DAY;
  }
  return dayNumber(toMs(value, field));
}

const HH_MM = /^(\d{2}):(\d{2})$/;

/** `{start: '09:00', end: '21:00'}` as milliseconds after Shanghai midnight. */
function parseHours(hours: DailyHours): [number, number] {
  const at = (text: string, which: string) => {
    const match = HH_MM.exec(text);
    const [h, m] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
    if (!match || m > 59 || h > 24 || (h === 24 && m > 0)) throw new RangeError(`hours.${which} must be HH:MM between 00:00 and 24:00, got ${text}`);
    return h * HOUR + m * MINUTE;
  };
  const start = at(hours.start, 'start');
  const end = at(hours.end, 'end');
  if (start >= end) throw new RangeError(`hours must start before they end, got ${hours.start}–${hours.end}`);
  return [start, end];
}
