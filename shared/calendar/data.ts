import * as z from 'zod';
import packaged from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { ValidationError } from '../errors';
import { toFieldErrors, type FieldError } from '../validation';

/**
 * The data behind the business calendar: which days of which years are statutory holidays and
 * which are make-up working days (调休上班). Every other day of a covered year follows its weekday.
 *
 * It comes from the npm package `chinese-days` (its `dist/chinese-days.json`, the file it publishes
 * for exactly this use, built from the State Council's yearly notices), corrected and extended by
 * an override (`overrides.json` next to this file for the app; any value for tests).
 */

/** A calendar date in Asia/Shanghai, `YYYY-MM-DD`. */
export type Day = string;

export interface DayEntry {
  /**
   * `holiday`: a day of an announced holiday break (放假), weekend days inside the break and the
   * in-lieu days (调休放假) included. `workday`: a make-up working day (调休上班), usually a weekend day.
   */
  readonly kind: 'holiday' | 'workday';
  /** Which holiday, e.g. `Spring Festival,春节`. */
  readonly name: string;
  /** `chinese-days`, or the override's: the day's `source`, else its year's, else `override`. */
  readonly source: string;
}

export interface CalendarData {
  /** The years the calendar answers for: their every holiday and make-up working day is in `days`. */
  readonly years: ReadonlySet<number>;
  /** Statutory holidays and make-up working days, by date; a date not here follows its weekday. */
  readonly days: ReadonlyMap<Day, DayEntry>;
}

export const PACKAGE_SOURCE = 'chinese-days';

interface PackagedJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/**
 * The package's data as `CalendarData`. Its entries read `Spring Festival,春节,4` (the last field
 * is the number of statutory days of that holiday, unused here). A year counts as covered when the
 * package lists holidays in it: 2004–2026 for chinese-days 1.5.7.
 */
export function chineseDaysData(json: PackagedJson = packaged as PackagedJson): CalendarData {
  const days = new Map<Day, DayEntry>();
  const years = new Set<number>();
  for (const [kind, entries] of [['holiday', json.holidays], ['workday', json.workdays]] as const) {
    for (const [day, label] of Object.entries(entries)) {
      const name = label.split(',').slice(0, 2).join(',');
      days.set(day, { kind, name, source: PACKAGE_SOURCE });
      if (kind === 'holiday') years.add(Number(day.slice(0, 4)));
    }
  }
  return { years, days };
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2027-02-30` matches the pattern but is no date. */
export function isCalendarDate(value: string): boolean {
  const match = DAY_PATTERN.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const text = (field: string) => z.string({ error: `${field} must be a text` }).trim().min(1, `${field} must not be empty`);

const OverrideDay = z.strictObject({
  kind: z.enum(['holiday', 'workday', 'ordinary'], { error: 'kind must be holiday, workday or ordinary' }),
  name: text('name'),
  source: text('source').optional(),
});

const OverrideYear = z.strictObject({ source: text('source') });

const Overrides = z.strictObject({
  $comment: z.string().optional(),
  years: z.record(z.string().regex(/^\d{4}$/, 'a year is four digits, e.g. "2027"'), OverrideYear).default({}),
  days: z.record(z.string().refine(isCalendarDate, 'a day is a real date, YYYY-MM-DD'), OverrideDay).default({}),
});

/**
 * What an override may say. `years` adds whole years the package lacks: list every holiday and
 * make-up working day of such a year under `days` (a day not listed follows its weekday), with
 * the notice it comes from. `days` adds or replaces single days of any covered year: `holiday`,
 * `workday` (a make-up working day), or `ordinary` (back to its weekday: undoes a package entry),
 * each with a `name` (which holiday, or why) and optionally its own `source`.
 */
export type CalendarOverrides = z.input<typeof Overrides>;

/**
 * The data with the override applied. Throws `ValidationError` naming every bad field: a day that
 * is not a date, an unknown kind, or a day in a year that neither the package nor the override's
 * `years` covers (one day does not make a year known).
 */
export function withOverrides(base: CalendarData, overrides: unknown): CalendarData {
  const parsed = Overrides.safeParse(overrides);
  if (!parsed.success) throw new ValidationError('invalid business calendar overrides', toFieldErrors(parsed.error));
  const { years: addedYears, days: changed } = parsed.data;
  const years = new Set(base.years);
  for (const year of Object.keys(addedYears)) years.add(Number(year));
  const days = new Map(base.days);
  const errors: FieldError[] = [];
  for (const [day, { kind, name }] of Object.entries(changed).sort(([a], [b]) => a.localeCompare(b))) {
    const year = Number(day.slice(0, 4));
    if (!years.has(year)) {
      errors.push({ field: `days.${day}`, message: `${year} is not covered; add it under "years" with its source, and list all its holidays and make-up working days` });
      continue;
    }
    const source = changed[day].source ?? addedYears[String(year)]?.source ?? 'override';
    if (kind === 'ordinary') days.delete(day);
    else days.set(day, { kind, name, source });
  }
  if (errors.length) throw new ValidationError('invalid business calendar overrides', errors);
  return { years, days };
}
