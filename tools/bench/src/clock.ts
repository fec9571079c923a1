import { performance } from 'node:perf_hooks';

/** Time as the bench's sleep step type and schedulers see it. */
export interface Clock {
  /** Milliseconds from an arbitrary origin. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock. */
  sleep(ms: number): Promise<void>;
  /** Waits for `work` while letting this clock's time pass (a virtual clock moves time forward). */
  drive<T>(work: Promise<T>): Promise<T>;
}

/** Real time: `performance.now()`, `setTimeout`, and `setImmediate` for a 0 ms sleep. */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => (ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms))),
  drive: (work) => work,
};

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

const flushed = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * An instant fake clock: time only moves when every piece of work is waiting on one of its sleeps,
 * and then jumps to the earliest wake-up. Makespans come out exact and the same on every machine,
 * so tests can compare schedulers without timing anything.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#timers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve }));
  }

  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const watched = work.finally(() => (settled = true));
    watched.catch(() => undefined);
    for (;;) {
      await flushed();
      if (settled) return watched;
      if (this.#timers.length === 0) throw new Error('VirtualClock: the work is waiting on something other than this clock');
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const at = this.#timers[0].at;
      this.#now = at;
      const due = this.#timers.filter((t) => t.at === at);
      this.#timers = this.#timers.filter((t) => t.at !== at);
      for (const timer of due) timer.resolve();
    }
  }
}
