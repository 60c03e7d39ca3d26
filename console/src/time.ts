import { SHANGHAI_OFFSET_MS } from './policy';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "in 23 min", "overdue 2 h", "due now": how a due time reads against `now` (whole units, rounded down). */
export function dueLabel(dueAt: string, now: number): { text: string; overdue: boolean } {
  const delta = Date.parse(dueAt) - now;
  const span = Math.abs(delta);
  if (span < MINUTE) return { text: 'due now', overdue: false };
  const amount = span < HOUR ? `${Math.floor(span / MINUTE)} min` : span < 2 * DAY ? `${Math.floor(span / HOUR)} h` : `${Math.floor(span / DAY)} d`;
  return delta < 0 ? { text: `overdue ${amount}`, overdue: true } : { text: `in ${amount}`, overdue: false };
}

/** "2026-11-23 09:00" in the viewer's time zone: what a timeline shows. */
export function shortTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * The ISO week (`2026-W48`) that `now` falls in, in Asia/Shanghai. The same as the callbacks
 * report's `isoWeekOf` (shared/calendar/weeks.ts), which the console does not import: that module
 * brings the holiday data (90 KB) into the page. A test checks the two agree.
 */
export function isoWeek(now: number): string {
  const local = new Date(now + SHANGHAI_OFFSET_MS);
  const day = (local.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - day + 3));
  const year = thursday.getUTCFullYear();
  // The week's Thursday decides its year; its day of that year, over 7, its number.
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The `count` ISO weeks up to and including the one `now` falls in, oldest first. */
export function recentWeeks(now: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => isoWeek(now - (count - 1 - i) * 7 * DAY));
}
