/**
 * The local platform's virtual clock: real time plus an offset that only grows. Everything that
 * waits on time (Wait states, task timeouts and heartbeats, schedules, SLAs) waits on this clock,
 * so moving it forward fires what is due in due order, as if the time had passed.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Timer {
  due: number;
  fire: () => void;
  handle?: NodeJS.Timeout;
}

export class VirtualClock {
  private offsetMs: number;
  private readonly timers = new Set<Timer>();
  private busyCount = 0;
  private readonly probes: Array<() => boolean> = [];
  private advancing: Promise<unknown> = Promise.resolve();

  /** `startAt`: what the clock reads now (ms since the epoch); real time when omitted. */
  constructor(startAt?: number) {
    this.offsetMs = startAt === undefined ? 0 : startAt - Date.now();
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Resolves once the clock reads `due` or later; rejects with the signal's reason on abort. */
  sleepUntil(due: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        due,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.cancel(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.add(timer);
      this.arm(timer);
    });
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleepUntil(this.now() + ms, signal);
  }

  /**
   * Moves the clock forward, firing timers one by one in due order and letting the work each one
   * starts settle before the next: an SLA that escalates and waits again inside the window fires
   * twice, as it would in real time. Concurrent calls queue behind each other.
   */
  advance(seconds: number): Promise<string> {
    if (!Number.isFinite(seconds) || seconds < 0) {
      return Promise.reject(new RangeError('advanceSeconds must be a non-negative number'));
    }
    const run = this.advancing.then(async () => {
      const target = this.now() + seconds * 1000;
      for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
        this.moveTo(timer.due);
        this.cancel(timer);
        timer.fire();
        await this.settle();
      }
      this.moveTo(target);
      await this.settle();
      return this.nowIso();
    });
    this.advancing = run.catch(() => undefined);
    return run;
  }

  /** Marks work in progress, so `advance` waits for it before firing the next timer. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.busyCount++;
    try {
      return await work;
    } finally {
      this.busyCount--;
    }
  }

  /** Other sources of work in progress (e.g. event deliveries), asked by `settle`. */
  addBusyProbe(probe: () => boolean): void {
    this.probes.push(probe);
  }

  /**
   * Tracked work running now (Lambda invocations, Step Functions task integrations): how far
   * behind the platform is, for a producer that paces itself (see the reliability suite).
   */
  get workInProgress(): number {
    return this.busyCount;
  }

  get busy(): boolean {
    return this.busyCount > 0 || this.probes.some((probe) => probe());
  }

  /** Waits until no tracked work is running for a few consecutive turns of the event loop. */
  async settle(limitMs = 10_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    let quietTurns = 0;
    while (quietTurns < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      quietTurns = this.busy ? 0 : quietTurns + 1;
    }
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  /** Stops every timer: nothing fires after the platform stops. */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer.handle);
    this.timers.clear();
  }

  private nextDue(limit: number): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.timers) {
      if (timer.due <= limit && (!next || timer.due < next.due)) next = timer;
    }
    return next;
  }

  private moveTo(time: number): void {
    if (time > this.now()) this.offsetMs = time - Date.now();
    // Timers armed for real time must be re-armed for the new reading.
    for (const timer of this.timers) this.arm(timer);
  }

  private arm(timer: Timer): void {
    clearTimeout(timer.handle);
    const wait = Math.max(0, timer.due - this.now());
    timer.handle = setTimeout(() => this.expire(timer), Math.min(wait, MAX_TIMER_MS));
  }

  private expire(timer: Timer): void {
    if (!this.timers.has(timer)) return;
    if (timer.due > this.now()) return this.arm(timer);
    this.cancel(timer);
    timer.fire();
  }

  private cancel(timer: Timer): void {
    clearTimeout(timer.handle);
    this.timers.delete(timer);
  }
}
