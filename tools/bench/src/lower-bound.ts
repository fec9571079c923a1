import { criticalPath as longestChains } from '@weft/core/browser';
import type { BenchDag } from './bench-dag.types';
import { benchGraph, reversedGraph } from './bench-graph';

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
  steps.forEach((s, i) => {
    for (const need of s.needs) {
      const j = index.get(need);
      if (j === undefined || j >= i) throw new TypeError(`Expected '${need}' (needed by '${s.id}') to be declared before it`);
    }
  });
  // The engine's critical path gives each step's weight plus its heaviest chain of dependents; on
  // the reversed graph, plus its heaviest chain of dependencies. Declaration order is topological.
  const graph = benchGraph(dag);
  const units = Object.fromEntries(steps.map((s) => [s.id, s.units]));
  const after = longestChains(graph, graph.steps, units);
  const before = longestChains(reversedGraph(graph), [...graph.steps].reverse(), units);
  // head: earliest start (longest chain before the step); tail: longest chain after it ends.
  const head = steps.map((s) => before.remaining[s.id] - s.units);
  const tail = steps.map((s) => after.remaining[s.id] - s.units);
  const { length: criticalPath, totalWeight: totalWork } = after;
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
