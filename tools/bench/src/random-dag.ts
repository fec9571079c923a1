import type { BenchDag, BenchStep } from './bench-dag.types';
import { mulberry32, randomInt } from './prng';

/** Options of {@link randomDag}. */
export interface RandomDagOptions {
  /** Number of steps. */
  readonly steps: number;
  /** Seed of the generator: the same seed gives the same DAG. @default 42 */
  readonly seed?: number;
  /** Most dependencies per step (each step gets 0..maxNeeds, fewer near the start). @default 3 */
  readonly maxNeeds?: number;
  /**
   * Dependencies are picked among the `window` steps declared just before, so the DAG is deep as
   * well as wide (long chains of work, like real pipelines) rather than a shallow bipartite mesh.
   * @default 50
   */
  readonly window?: number;
  /** Duration range of a step, in units. @default [1, 1] */
  readonly units?: readonly [number, number];
  /** @default 4 */
  readonly maxParallel?: number;
}

/** Zero-padded ids sort and read well: s00000, s00001… */
function stepId(index: number, count: number): string {
  return `s${String(index).padStart(String(Math.max(count - 1, 0)).length, '0')}`;
}

/**
 * A seeded random DAG: step i depends on up to `maxNeeds` distinct steps among the `window` before
 * it, so the steps are declared in a topological order and there is never a cycle.
 */
export function randomDag(options: RandomDagOptions): BenchDag {
  const { steps: count, seed = 42, maxNeeds = 3, window = 50, units = [1, 1], maxParallel = 4 } = options;
  if (!Number.isInteger(count) || count < 0) throw new TypeError(`Expected a step count of at least 0, got ${String(count)}`);
  const random = mulberry32(seed);
  const steps: BenchStep[] = [];
  for (let i = 0; i < count; i++) {
    const lowest = Math.max(0, i - window);
    const wanted = Math.min(randomInt(random, 0, maxNeeds), i - lowest);
    const picked = new Set<number>();
    while (picked.size < wanted) picked.add(randomInt(random, lowest, i - 1));
    steps.push({
      id: stepId(i, count),
      needs: [...picked].sort((a, b) => a - b).map((j) => stepId(j, count)),
      units: randomInt(random, units[0], units[1]),
    });
  }
  return { name: `random-${count}`, description: `seeded random DAG of ${count} steps`, maxParallel, steps };
}
