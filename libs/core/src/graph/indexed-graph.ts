import type { StepId } from '../spec/workflow.types';
import { StepNumbers, stepIndex } from './step-numbers';
import type { WorkflowGraph } from './workflow-graph';

/**
 * The dependency graph with steps numbered in declaration order and edges in flat typed arrays
 * (compressed rows): what the analyzer and the executor walk, in time linear in steps + edges.
 * {@link WorkflowGraph} is the same graph as records keyed by id, for people and tests.
 */
export interface IndexedGraph {
  /** Step ids in declaration order; a step's number is its position here. */
  readonly ids: readonly StepId[];
  /** Step id → number (built on first use). */
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
  return indexSteps(ids, (i, add) => {
    for (const id of dependenciesOf(i)) add(id);
  });
}

/** Takes one dependency, by id, of the step being laid out. */
export type AddDependency = (id: StepId) => void;

/**
 * {@link indexGraph} with each step's dependencies handed to `add` rather than returned, so a
 * caller that finds them by walking the step's fields builds no list per step. It allocates a few
 * flat arrays for the whole graph and nothing per step, so that the analysis stays linear in the
 * size of the workflow (section 1 of docs/benchmarks.md measures it).
 */
export function indexSteps(
  ids: readonly StepId[],
  visitDependencies: (i: number, add: AddDependency) => void,
): IndexedGraph {
  const n = ids.length;
  const numbers = new StepNumbers(ids);
  const depStart = new Int32Array(n + 1);
  // Room for two dependencies a step before it has to grow; the spare room is dropped at the end.
  let deps: Int32Array = new Int32Array(2 * n + 16);
  let count = 0;
  const seenBy = new Int32Array(n).fill(-1);
  let i = 0;
  const add = (id: StepId): void => {
    const j = numbers.numberOf(id);
    if (j === -1 || seenBy[j] === i) return;
    seenBy[j] = i;
    if (count === deps.length) deps = grown(deps);
    deps[count++] = j;
  };
  for (; i < n; i++) {
    depStart[i] = count;
    numbers.numberThrough(i);
    visitDependencies(i, add);
  }
  depStart[n] = count;
  deps = deps.slice(0, count);
  const { outStart, outs } = dependentsOf(n, depStart, deps);
  let index: Map<StepId, number> | undefined;
  return {
    ids,
    // Nothing on the way from a workflow to its run needs the Map: it is built on first use.
    get index() {
      return (index ??= stepIndex(ids));
    },
    depStart,
    deps,
    outStart,
    outs,
  };
}

/** A copy of `array` with twice the room. */
function grown(array: Int32Array): Int32Array {
  const copy = new Int32Array(array.length * 2);
  copy.set(array);
  return copy;
}

/** The reverse edges in compressed rows; walking dependents in declaration order keeps each step's dependents sorted. */
function dependentsOf(
  n: number,
  depStart: Int32Array,
  deps: Int32Array,
): { outStart: Int32Array; outs: Int32Array } {
  const outStart = new Int32Array(n + 1);
  for (let k = 0; k < deps.length; k++) outStart[deps[k] + 1]++;
  for (let i = 0; i < n; i++) outStart[i + 1] += outStart[i];
  const outs = new Int32Array(deps.length);
  const next = outStart.slice(0, n);
  for (let i = 0; i < n; i++) for (let k = depStart[i]; k < depStart[i + 1]; k++) outs[next[deps[k]]++] = i;
  return { outStart, outs };
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
