import type { VirtualClock } from './clock';
import type { LocalRule } from './model';

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { minute: MINUTE, hour: 60 * MINUTE, day: 24 * 60 * MINUTE };

/**
 * The next time a schedule expression fires after `after` (ms), in UTC as EventBridge rules do:
 * `rate(5 minutes)` or `cron(0 9 * * ? *)` (minutes hours day-of-month month day-of-week year).
 */
export function nextFireTime(expression: string, after: number, startedAt = after): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const period = Number(rate[1]) * UNIT_MS[rate[2].replace(/s$/, '')];
    if (period <= 0) throw new Error(`Invalid schedule ${expression}: the rate must be positive`);
    return startedAt + (Math.floor((after - startedAt) / period) + 1) * period;
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new Error(`Invalid schedule ${expression}: use rate(...) or cron(...)`);
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`Invalid schedule ${expression}: cron needs 6 fields`);
  const [minutes, hours, days, months, weekdays, years] = [
    parseField(fields[0], 0, 59),
    parseField(fields[1], 0, 23),
    parseField(fields[2], 1, 31),
    parseField(fields[3], 1, 12),
    parseField(fields[4], 1, 7),
    parseField(fields[5], 1970, 2199),
  ];
  // Minute by minute for at most a few years: simple, and fast enough for a schedule that fires.
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < 5 * 366 * 24 * 60; i++, t += MINUTE) {
    const d = new Date(t);
    if (
      minutes(d.getUTCMinutes()) &&
      hours(d.getUTCHours()) &&
      days(d.getUTCDate()) &&
      months(d.getUTCMonth() + 1) &&
      weekdays(d.getUTCDay() + 1) &&
      years(d.getUTCFullYear())
    ) {
      return t;
    }
  }
  throw new Error(`Schedule ${expression} never fires`);
}

const NAMES: Record<string, number> = {
  JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12,
  SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7,
};

function parseField(field: string, min: number, max: number): (value: number) => boolean {
  if (field === '*' || field === '?') return () => true;
  const allowed = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const value = (text: string) => NAMES[text.toUpperCase()] ?? Number(text);
    const [from, to] = range === '*' ? [min, max] : range.includes('-') ? range.split('-').map(value) : [value(range), stepText ? max : value(range)];
    if (![from, to, step].every(Number.isInteger) || from < min || to > max || step < 1) {
      throw new Error(`Invalid cron field "${field}" (allowed ${min}-${max}, lists, ranges, steps)`);
    }
    for (let v = from; v <= to; v += step) allowed.add(v);
  }
  return (v) => allowed.has(v);
}

/** Fires every scheduled rule on the virtual clock until stopped. */
export function startScheduler(rules: LocalRule[], clock: VirtualClock, fire: (rule: LocalRule) => void): () => void {
  const stop = new AbortController();
  const startedAt = clock.now();
  for (const rule of rules) {
    if (!rule.scheduleExpression || rule.state !== 'ENABLED') continue;
    const expression = rule.scheduleExpression;
    const loop = async () => {
      for (;;) {
        await clock.sleepUntil(nextFireTime(expression, clock.now(), startedAt), stop.signal);
        fire(rule);
      }
    };
    loop().catch(() => undefined);
  }
  return () => stop.abort(new Error('scheduler stopped'));
}
