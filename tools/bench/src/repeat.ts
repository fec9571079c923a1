import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';
import { median } from './stats';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage now, so the next measurement does not pay for the previous one's. */
export function collectGarbage(): void {
  gc();
}

/** Options of {@link measureRepeated}. */
export interface RepeatOptions {
  /** Fewest timed runs. */
  readonly runs: number;
  /** Keep running (up to `maxRuns`) while the total stays under this, for sub-millisecond work. */
  readonly budgetMs: number;
  /** @default 200 */
  readonly maxRuns?: number;
}

/**
 * Median wall time of a synchronous piece of work, in ms, after one warm-up run (so the JIT has
 * compiled it). Work that takes longer than the whole budget counts its warm-up run as a sample.
 */
export async function measureRepeated(work: () => unknown, options: RepeatOptions): Promise<number> {
  const { runs, budgetMs, maxRuns = 200 } = options;
  collectGarbage();
  const first = performance.now();
  work();
  const once = performance.now() - first;
  const times: number[] = once > budgetMs ? [once] : [];
  const wanted = Math.max(runs, Math.min(maxRuns, Math.floor(budgetMs / Math.max(once, 0.001))));
  while (times.length < wanted) {
    // Let timers run between runs, as they would between real calls.
    if (times.length % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return median(times);
}
