/**
 * "Now" for every handler and rule. In AWS it is the system clock; the local platform installs
 * its virtual clock here so a 7-day wait or a 1-hour SLA can pass in milliseconds.
 */
export interface ClockSource {
  now(): number;
}

const CLOCK = Symbol.for('shop.clock');
type WithClock = typeof globalThis & { [CLOCK]?: ClockSource };

export function installClock(source: ClockSource | undefined): void {
  (globalThis as WithClock)[CLOCK] = source;
}

export function nowMs(): number {
  return (globalThis as WithClock)[CLOCK]?.now() ?? Date.now();
}

export function now(): Date {
  return new Date(nowMs());
}

export function nowIso(): string {
  return now().toISOString();
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function addMs(iso: string | Date, ms: number): string {
  return new Date(new Date(iso).getTime() + ms).toISOString();
}
