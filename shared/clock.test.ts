import { afterEach, describe, expect, it } from 'vitest';
import { installClock, now, nowIso } from './clock';

afterEach(() => installClock(undefined));

describe('clock', () => {
  it('is the system clock unless a clock is installed', () => {
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(50);
  });

  it('follows an installed clock, as handlers do on the local platform', () => {
    installClock({ now: () => Date.parse('2027-01-01T00:00:00Z') });
    expect(nowIso()).toBe('2027-01-01T00:00:00.000Z');
  });
});
