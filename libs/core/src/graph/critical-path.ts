import type { StepId } from '../spec/workflow.types';
import { indexWorkflowGraph, longestPaths } from './indexed-graph';
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
  const array = weightArray(steps, estimates);
  const weights: Record<StepId, number> = Object.create(null);
  steps.forEach((id, i) => (weights[id] = array[i]));
  return weights;
}

const isEstimate = (ms: unknown): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0;

/** {@link stepWeights} by step number. */
export function weightArray(steps: readonly StepId[], estimates: Readonly<Record<StepId, number>> = {}): Float64Array {
  const weights = new Float64Array(steps.length);
  // Looking 100,000 ids up in an empty record cost more than the rest of the critical path.
  if (isEmptyRecord(estimates)) return weights.fill(1);
  const known: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    // Each id is looked up once; NaN (never an estimate) marks the steps the median stands in for.
    const ms = estimates[steps[i]];
    weights[i] = isEstimate(ms) ? ms : NaN;
    if (isEstimate(ms)) known.push(ms);
  }
  known.sort((a, b) => a - b);
  const fallback = known.length ? known[Math.floor(known.length / 2)] : 1;
  for (let i = 0; i < weights.length; i++) if (Number.isNaN(weights[i])) weights[i] = fallback;
  return weights;
}

/** A plain record with no own keys: none of its lookups can find an estimate. */
function isEmptyRecord(record: object): boolean {
  const prototype = Object.getPrototypeOf(record);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const _key in record) return false;
  return Object.getOwnPropertyNames(record).length === 0;
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
  const indexed = indexWorkflowGraph(graph);
  const numbers = Int32Array.from(order, (id) => indexed.index.get(id)!);
  const weight = Float64Array.from(graph.steps, (id) => weights[id] ?? 0);
  const result = longestPaths(indexed, numbers, numbers.length, weight);
  const remaining: Record<StepId, number> = Object.create(null);
  for (const i of numbers) remaining[graph.steps[i]] = result.remaining[i];
  return {
    path: result.path.map((i) => graph.steps[i]),
    length: result.pathLength,
    totalWeight: result.total,
    remaining,
  };
}
