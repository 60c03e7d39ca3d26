import { DAY } from '../clock';
import { SHANGHAI_OFFSET_MS, type Instant } from './calendar';

/**
 * ISO-8601 weeks in Asia/Shanghai (weekly reports): a week runs Monday 00:00 to the next Monday
 * 00:00 Shanghai time, and belongs to the year its Thursday falls in, so `2026-W53` exists and
 * 1 January 2027 is in it. Pure date arithmetic: no holiday data is needed.
 */
export type IsoWeek = `${number}-W${number}`;

const WEEK = /^(\d{4})-W(\d{2})$/;

/** Shanghai day number (days since 1970-01-01) of an instant. */
const shanghaiDayNumber = (instant: Instant) => Math.floor((new Date(instant).getTime() + SHANGHAI_OFFSET_MS) / DAY);
/** 1 = Monday … 7 = Sunday; day 0 (1970-01-01) was a Thursday. */
const isoWeekday = (n: number) => ((((n + 3) % 7) + 7) % 7) + 1;

/** The ISO week an instant falls in, as Shanghai reckons it: `2026-W48`. */
export function isoWeekOf(instant: Instant): IsoWeek {
  const n = shanghaiDayNumber(instant);
  if (!Number.isFinite(n)) throw new RangeError(`instant must be an ISO-8601 time, got ${String(instant)}`);
  const thursday = n - isoWeekday(n) + 4;
  const year = new Date(thursday * DAY).getUTCFullYear();
  const firstThursday = firstThursdayOf(year);
  const week = (thursday - firstThursday) / 7 + 1;
  return `${year}-W${String(week).padStart(2, '0')}` as IsoWeek;
}

/** The instants a week starts and ends at (Monday 00:00 Shanghai, end exclusive); RangeError naming what is wrong. */
export function isoWeekBounds(week: string): { start: string; end: string } {
  const match = WEEK.exec(week);
  if (!match) throw new RangeError(`week must look like 2026-W48 (an ISO week: year, "-W", two digits), got "${week}"`);
  const [year, number] = [Number(match[1]), Number(match[2])];
  const weeks = weeksIn(year);
  if (number < 1 || number > weeks) throw new RangeError(`week ${week} does not exist: ${year} has weeks W01 to W${weeks}`);
  const monday = firstThursdayOf(year) - 3 + (number - 1) * 7;
  const at = (n: number) => new Date(n * DAY - SHANGHAI_OFFSET_MS).toISOString();
  return { start: at(monday), end: at(monday + 7) };
}

function firstThursdayOf(year: number): number {
  const jan1 = Date.UTC(year, 0, 1) / DAY;
  return jan1 + ((4 - isoWeekday(jan1) + 7) % 7);
}

/** 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; else 52. */
function weeksIn(year: number): number {
  return isoWeekOf(new Date(Date.UTC(year, 11, 28, 12) - SHANGHAI_OFFSET_MS)) === `${year}-W53` ? 53 : 52;
}
