import type { StepId } from '../spec/workflow.types';
import type { WorkflowGraph } from './workflow-graph';

/** Result of the longest-path analysis. */
export interface CriticalPathAnalysis {
  /** The longest chain by weight, first step first. */
  readonly path: StepId[];
  /** Its total weight (ms when durations were given). */
  readonly length: number;
  /** Sum of all weights: the sequential time. */
  readonly totalWeight: number;
  /** Each step's weight plus the heaviest chain of dependents after it (its scheduling priority). */
  readonly remaining: Record<StepId, number>;
}

/**
 * Weights each step by its estimate; steps without one get the median of the known estimates,
 * or 1 when none is known (equal weights).
 */
export function stepWeights(steps: readonly StepId[], estimates: Readonly<Record<StepId, number>> = {}): Record<StepId, number> {
  const known = steps
    .map((id) => estimates[id])
    .filter((ms): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)
    .sort((a, b) => a - b);
  const fallback = known.length ? known[Math.floor(known.length / 2)] : 1;
  const weights: Record<StepId, number> = Object.create(null);
  for (const id of steps) {
    const ms = estimates[id];
    weights[id] = typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : fallback;
  }
  return weights;
}

/**
 * Longest weighted path through the DAG, in one pass over a topological `order`. Ties go to the
 * earlier-declared step, so the result is deterministic.
 */
export function criticalPath(
  graph: WorkflowGraph,
  order: readonly StepId[],
  weights: Readonly<Record<StepId, number>>,
): CriticalPathAnalysis {
  const remaining: Record<StepId, number> = Object.create(null);
  const next: Record<StepId, StepId | undefined> = Object.create(null);
  let totalWeight = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    let best = 0;
    let bestNext: StepId | undefined;
    for (const dependent of graph.dependents[id]) {
      if (remaining[dependent] > best) {
        best = remaining[dependent];
        bestNext = dependent;
      }
    }
    remaining[id] = weights[id] + best;
    next[id] = bestNext;
    totalWeight += weights[id];
  }
  let start: StepId | undefined;
  for (const id of graph.roots) {
    if (start === undefined || remaining[id] > remaining[start]) start = id;
  }
  const path: StepId[] = [];
  for (let id = start; id !== undefined; id = next[id]) path.push(id);
  return { path, length: start === undefined ? 0 : remaining[start], totalWeight, remaining };
}
