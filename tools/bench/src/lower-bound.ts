import type { BenchDag } from './bench-dag.types';

/** Lower bounds of the makespan of a DAG on `maxParallel` slots, in units. */
export interface MakespanBounds {
  /** Longest chain of work. */
  readonly criticalPath: number;
  /** Sum of all step durations (the sequential time). */
  readonly totalWork: number;
  /** The bound: max(critical path, total work / maxParallel). */
  readonly simple: number;
  /**
   * A tighter bound, still one no schedule can beat: for every threshold pair (a, b), the steps that
   * cannot start before `a` and must be followed by at least `b` more units all run inside
   * [a, makespan − b] on `maxParallel` slots, so makespan ≥ a + their work / maxParallel + b.
   * It sees that a fan-out's root runs alone, which the simple bound does not. Equals `simple` or more.
   */
  readonly tight: number;
}

/**
 * Makespan lower bounds of a DAG whose steps are declared in a topological order. The tight bound
 * is O(h·t·n) for h distinct heads and t distinct tails: fine for the bench's small sleep DAGs.
 */
export function makespanBounds(dag: BenchDag): MakespanBounds {
  const { steps, maxParallel } = dag;
  const index = new Map(steps.map((s, i) => [s.id, i]));
  // head: earliest start (longest chain before the step); tail: longest chain after it ends.
  const head = new Array<number>(steps.length).fill(0);
  const tail = new Array<number>(steps.length).fill(0);
  steps.forEach((s, i) => {
    for (const need of s.needs) {
      const j = index.get(need);
      if (j === undefined || j >= i) throw new TypeError(`Expected '${need}' (needed by '${s.id}') to be declared before it`);
      head[i] = Math.max(head[i], head[j] + steps[j].units);
    }
  });
  for (let i = steps.length - 1; i >= 0; i--) {
    for (const need of steps[i].needs) {
      const j = index.get(need)!;
      tail[j] = Math.max(tail[j], tail[i] + steps[i].units);
    }
  }
  const totalWork = steps.reduce((sum, s) => sum + s.units, 0);
  const criticalPath = steps.reduce((most, s, i) => Math.max(most, head[i] + s.units + tail[i]), 0);
  const simple = Math.max(criticalPath, totalWork / maxParallel);
  let tight = simple;
  for (const a of new Set(head)) {
    for (const b of new Set(tail)) {
      let work = 0;
      steps.forEach((s, i) => {
        if (head[i] >= a && tail[i] >= b) work += s.units;
      });
      if (work > 0) tight = Math.max(tight, a + work / maxParallel + b);
    }
  }
  return { criticalPath, totalWork, simple, tight };
}
