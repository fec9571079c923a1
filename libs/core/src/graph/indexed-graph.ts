import type { StepId } from '../spec/workflow.types';
import type { WorkflowGraph } from './workflow-graph';

/**
 * The dependency graph with steps numbered in declaration order and edges in flat typed arrays
 * (compressed rows): what the analyzer and the executor walk, in time linear in steps + edges.
 * {@link WorkflowGraph} is the same graph as records keyed by id, for people and tests.
 */
export interface IndexedGraph {
  /** Step ids in declaration order; a step's number is its position here. */
  readonly ids: readonly StepId[];
  /** Step id → number. */
  readonly index: ReadonlyMap<StepId, number>;
  /** Step `i` depends on `deps[depStart[i]] … deps[depStart[i + 1] - 1]`, in declaration order of `needs`/references. */
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
  /** Step `i`'s dependents are `outs[outStart[i]] … outs[outStart[i + 1] - 1]`, in declaration order. */
  readonly outStart: Int32Array;
  readonly outs: Int32Array;
}

/**
 * Numbers the steps and lays the edges out. `dependenciesOf(i)` lists step `i`'s dependencies by id;
 * unknown ids and repeats are dropped.
 */
export function indexGraph(ids: readonly StepId[], dependenciesOf: (i: number) => Iterable<StepId>): IndexedGraph {
  const n = ids.length;
  const index = new Map<StepId, number>();
  for (let i = 0; i < n; i++) if (!index.has(ids[i])) index.set(ids[i], i);
  const depStart = new Int32Array(n + 1);
  const deps: number[] = [];
  const seenBy = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    depStart[i] = deps.length;
    for (const id of dependenciesOf(i)) {
      const j = index.get(id);
      if (j === undefined || seenBy[j] === i) continue;
      seenBy[j] = i;
      deps.push(j);
    }
  }
  depStart[n] = deps.length;
  const outStart = new Int32Array(n + 1);
  for (const j of deps) outStart[j + 1]++;
  for (let i = 0; i < n; i++) outStart[i + 1] += outStart[i];
  const outs = new Int32Array(deps.length);
  const next = outStart.slice(0, n);
  // Walking dependents in declaration order keeps each step's dependents sorted.
  for (let i = 0; i < n; i++) for (let k = depStart[i]; k < depStart[i + 1]; k++) outs[next[deps[k]]++] = i;
  return { ids, index, depStart, deps: Int32Array.from(deps), outStart, outs };
}

/** The same graph as records keyed by step id. */
export function toWorkflowGraph(graph: IndexedGraph): WorkflowGraph {
  const { ids, depStart, deps, outStart, outs } = graph;
  const dependencies: Record<StepId, StepId[]> = Object.create(null);
  const dependents: Record<StepId, StepId[]> = Object.create(null);
  const roots: StepId[] = [];
  const leaves: StepId[] = [];
  for (let i = 0; i < ids.length; i++) {
    const mine: StepId[] = [];
    for (let k = depStart[i]; k < depStart[i + 1]; k++) mine.push(ids[deps[k]]);
    const theirs: StepId[] = [];
    for (let k = outStart[i]; k < outStart[i + 1]; k++) theirs.push(ids[outs[k]]);
    dependencies[ids[i]] = mine;
    dependents[ids[i]] = theirs;
    if (mine.length === 0) roots.push(ids[i]);
    if (theirs.length === 0) leaves.push(ids[i]);
  }
  return { steps: [...ids], dependencies, dependents, roots, leaves };
}

/** Numbers a {@link WorkflowGraph}. */
export function indexWorkflowGraph(graph: WorkflowGraph): IndexedGraph {
  return indexGraph(graph.steps, (i) => graph.dependencies[graph.steps[i]]);
}

/**
 * Kahn's algorithm over numbers: a topological `order` (roots in declaration order first) and each
 * step's `level` (the longest dependency chain before it). Steps on a cycle are left out of
 * `order` (`length` tells how many were sorted).
 */
export function kahn(graph: IndexedGraph): { order: Int32Array; length: number; level: Int32Array } {
  const n = graph.ids.length;
  const { depStart, outStart, outs } = graph;
  const remaining = new Int32Array(n);
  const level = new Int32Array(n);
  const order = new Int32Array(n);
  let length = 0;
  for (let i = 0; i < n; i++) {
    remaining[i] = depStart[i + 1] - depStart[i];
    if (remaining[i] === 0) order[length++] = i;
  }
  for (let head = 0; head < length; head++) {
    const v = order[head];
    const next = level[v] + 1;
    for (let k = outStart[v]; k < outStart[v + 1]; k++) {
      const w = outs[k];
      if (level[w] < next) level[w] = next;
      if (--remaining[w] === 0) order[length++] = w;
    }
  }
  return { order, length, level };
}

/**
 * Longest weighted chain from each step to the end (its own weight included), over a topological
 * `order`, and the critical path: the heaviest chain, ties to the earlier-declared step.
 */
export function longestPaths(
  graph: IndexedGraph,
  order: Int32Array,
  length: number,
  weight: Float64Array,
): { remaining: Float64Array; path: number[]; pathLength: number; total: number } {
  const n = graph.ids.length;
  const { outStart, outs, depStart } = graph;
  const remaining = new Float64Array(n);
  const next = new Int32Array(n).fill(-1);
  let total = 0;
  for (let h = length - 1; h >= 0; h--) {
    const v = order[h];
    let best = 0;
    let bestNext = -1;
    for (let k = outStart[v]; k < outStart[v + 1]; k++) {
      const w = outs[k];
      if (remaining[w] > best) {
        best = remaining[w];
        bestNext = w;
      }
    }
    remaining[v] = weight[v] + best;
    next[v] = bestNext;
    total += weight[v];
  }
  let start = -1;
  for (let i = 0; i < n; i++) {
    if (depStart[i + 1] !== depStart[i]) continue;
    if (start === -1 || remaining[i] > remaining[start]) start = i;
  }
  const path: number[] = [];
  for (let v = start; v !== -1; v = next[v]) path.push(v);
  return { remaining, path, pathLength: start === -1 ? 0 : remaining[start], total };
}
