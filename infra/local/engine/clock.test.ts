import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from './clock';

const DAY = 86_400_000;
let clock: VirtualClock;
afterEach(() => clock?.dispose());

describe('VirtualClock', () => {
  it('reads real time until it is moved, then real time plus the offset', async () => {
    clock = new VirtualClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    await clock.advance(3 * 86_400);
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(3 * DAY - 50);
  });

  it('can start at a given instant, in the past or the future, and runs on from there', async () => {
    for (const start of [Date.parse('2026-11-23T01:00:00Z'), Date.now() + 400 * DAY]) {
      clock = new VirtualClock(start);
      expect(Math.abs(clock.now() - start)).toBeLessThan(50);
      await clock.advance(3600);
      expect(Math.abs(clock.now() - (start + 3_600_000))).toBeLessThan(50);
      clock.dispose();
    }
  });

  it('fires a 7-day sleep when advanced by 7 days, not before', async () => {
    clock = new VirtualClock();
    let woke = false;
    void clock.sleep(7 * DAY).then(() => (woke = true));
    await clock.advance(6 * 86_400);
    expect(woke).toBe(false);
    await clock.advance(86_400);
    expect(woke).toBe(true);
  });

  it('fires timers in due order, letting the work of one settle before the next', async () => {
    clock = new VirtualClock();
    const fired: string[] = [];
    // An SLA of 1 h that, when it fires, waits another hour: both fit in a 3 h advance.
    void clock.sleep(60 * 60_000).then(() => {
      fired.push(`first at +${Math.round((clock.now() - start) / 60_000)}m`);
      return clock.sleep(60 * 60_000).then(() => fired.push(`second at +${Math.round((clock.now() - start) / 60_000)}m`));
    });
    void clock.sleep(30 * 60_000).then(() => fired.push(`early at +${Math.round((clock.now() - start) / 60_000)}m`));
    const start = clock.now();
    await clock.advance(3 * 3600);
    expect(fired).toEqual(['early at +30m', 'first at +60m', 'second at +120m']);
  });

  it('still fires by real time', async () => {
    clock = new VirtualClock();
    const before = Date.now();
    await clock.sleep(30);
    expect(Date.now() - before).toBeGreaterThanOrEqual(25);
  });

  it('rejects a sleep when its signal aborts and forgets the timer', async () => {
    clock = new VirtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(DAY, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('waits for tracked work before firing the next timer', async () => {
    clock = new VirtualClock();
    const order: string[] = [];
    void clock.sleep(1000).then(() =>
      clock.track(new Promise((resolve) => setTimeout(resolve, 50)).then(() => order.push('slow work done'))),
    );
    void clock.sleep(2000).then(() => order.push('second timer'));
    await clock.advance(5);
    expect(order).toEqual(['slow work done', 'second timer']);
  });

  it('refuses to move backwards', async () => {
    clock = new VirtualClock();
    await expect(clock.advance(-1)).rejects.toThrow(/non-negative/);
  });
});
