import { round2 } from '../graph/dependency-graph-analyzer';
import { kahn, longestPaths, type IndexedGraph } from '../graph/indexed-graph';
import type { StepId } from '../spec/workflow.types';

/** The speed figures of a finished run. */
export interface SpeedupFigures {
  /** Sum of step busy times: the run one step at a time. */
  readonly sequentialMs: number;
  /** sequentialMs / makespanMs, 2 decimals (1 when nothing ran). */
  readonly speedup: number;
  /** sequentialMs / criticalPathMs, 2 decimals (1 when nothing ran). */
  readonly idealSpeedup: number;
  /** The longest chain by measured durations. */
  readonly criticalPath: StepId[];
  readonly criticalPathMs: number;
}

/**
 * Speedup math: `speedup = sequentialMs / makespanMs`, `idealSpeedup = sequentialMs /
 * criticalPathMs`. `busyMs` is each step's measured process time (all attempts and items; 0 for
 * steps that did not run); `spanMs` weighs it on the critical path, where a `foreach` step counts
 * its longest item (its items could all run at once).
 */
export function computeSpeedup(
  graph: IndexedGraph,
  busyMs: Readonly<Record<StepId, number>>,
  makespanMs: number,
  spanMs: Readonly<Record<StepId, number>> = busyMs,
): SpeedupFigures {
  const { ids } = graph;
  const weight = new Float64Array(ids.length);
  let sequentialMs = 0;
  ids.forEach((id, i) => {
    weight[i] = Math.max(0, spanMs[id] ?? 0);
    sequentialMs += Math.max(0, busyMs[id] ?? 0);
  });
  const { order, length } = kahn(graph);
  const cp = longestPaths(graph, order, length, weight);
  return {
    sequentialMs: Math.round(sequentialMs),
    speedup: ratio(sequentialMs, makespanMs),
    idealSpeedup: ratio(sequentialMs, cp.pathLength),
    criticalPath: cp.pathLength > 0 ? cp.path.map((i) => ids[i]) : [],
    criticalPathMs: Math.round(cp.pathLength),
  };
}

function ratio(numerator: number, denominator: number): number {
  return numerator > 0 && denominator > 0 ? round2(numerator / denominator) : 1;
}
