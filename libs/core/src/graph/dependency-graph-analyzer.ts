import type { StepId, StepDefinition } from '../spec/workflow.types';
import { CycleDetectedError } from '../errors/cycle-detected.error';
import { weightArray } from './critical-path';
import { findCycles } from './find-cycles';
import { indexWorkflowGraph, kahn, longestPaths, toWorkflowGraph, type IndexedGraph } from './indexed-graph';
import { buildIndexedGraph, type WorkflowGraph } from './workflow-graph';
import type { WorkflowPlan } from './workflow-plan.types';

/** Everything the analyzer finds about a workflow. */
export interface WorkflowAnalysis {
  /** The graph as records keyed by id (built on first use). */
  readonly graph: WorkflowGraph;
  /** The graph with numbered steps, as the executor walks it. */
  readonly indexed: IndexedGraph;
  /** A topological order (Kahn's, declaration order among equals). */
  readonly order: StepId[];
  /** Parallel levels. */
  readonly levels: StepId[][];
  readonly criticalPath: StepId[];
  /** Weight of the critical path (estimated ms, or the step count with equal weights). */
  readonly criticalPathLength: number;
  /** Sum of all step weights. */
  readonly totalWeight: number;
  /** totalWeight / criticalPathLength, 2 decimals. */
  readonly idealSpeedup: number;
  /** Each step's remaining critical path, by step number: its priority in the ready queue. */
  readonly priority: Float64Array;
  /** The plan as `weft plan --json` prints it. */
  readonly plan: WorkflowPlan;
}

/** Rounds to 2 decimals (speedups and ratios). */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Builds a workflow's dependency graph and analyses it: cycles, levels, roots and leaves, critical
 * path, ideal speedup. Linear in steps + edges: the passes run over numbered steps and flat edge
 * arrays (cycle enumeration, on a cyclic graph only, is bounded).
 */
export class DependencyGraphAnalyzer {
  /** Analyses a workflow; throws {@link CycleDetectedError} listing every cycle. */
  analyze(
    workflow: { readonly steps: readonly StepDefinition[] },
    estimates?: Readonly<Record<StepId, number>>,
  ): WorkflowAnalysis {
    return this.analyzeIndexed(buildIndexedGraph(workflow), estimates);
  }

  /** Same as {@link analyze} on a graph already built. */
  analyzeGraph(graph: WorkflowGraph, estimates?: Readonly<Record<StepId, number>>): WorkflowAnalysis {
    return this.analyzeIndexed(indexWorkflowGraph(graph), estimates);
  }

  /** Same as {@link analyze} on a numbered graph. */
  analyzeIndexed(indexed: IndexedGraph, estimates?: Readonly<Record<StepId, number>>): WorkflowAnalysis {
    const { ids } = indexed;
    const { order, length, level } = kahn(indexed);
    if (length < ids.length) throw new CycleDetectedError(findCycles(toWorkflowGraph(indexed)));
    const cp = longestPaths(indexed, order, length, weightArray(ids, estimates));
    const idealSpeedup = cp.pathLength > 0 ? round2(cp.total / cp.pathLength) : 1;
    const levels = levelLists(ids, level);
    const edges = edgeList(indexed);
    const criticalPath = cp.path.map((i) => ids[i]);
    let graph: WorkflowGraph | undefined;
    return {
      get graph() {
        return (graph ??= toWorkflowGraph(indexed));
      },
      indexed,
      order: idsOf(ids, order),
      levels,
      criticalPath,
      criticalPathLength: cp.pathLength,
      totalWeight: cp.total,
      idealSpeedup,
      priority: cp.remaining,
      plan: { steps: [...ids], edges, levels, criticalPath, idealSpeedup },
    };
  }

  /** Steps that can never run at the same time as `id`: its ancestors and descendants. */
  related(graph: WorkflowGraph, id: StepId): Set<StepId> {
    const related = new Set<StepId>();
    for (const edges of [graph.dependencies, graph.dependents]) {
      const queue = [...edges[id]];
      while (queue.length) {
        const next = queue.pop()!;
        if (related.has(next)) continue;
        related.add(next);
        queue.push(...edges[next]);
      }
    }
    return related;
  }
}

/*
 * The plan's lists are allocated at their final size and filled by position: grown by `push`, the
 * lists of a 100,000-step plan leave as much garbage again behind them.
 */

/** The steps of each level, in declaration order. */
function levelLists(ids: readonly StepId[], level: Int32Array): StepId[][] {
  let depth = 0;
  for (let i = 0; i < level.length; i++) if (level[i] >= depth) depth = level[i] + 1;
  const sizes = new Int32Array(depth);
  for (let i = 0; i < level.length; i++) sizes[level[i]]++;
  const levels: StepId[][] = new Array(depth);
  for (let l = 0; l < depth; l++) levels[l] = new Array(sizes[l]);
  const filled = sizes.fill(0);
  for (let i = 0; i < ids.length; i++) levels[level[i]][filled[level[i]]++] = ids[i];
  return levels;
}

/** Every edge `[from, to]`, by dependent in declaration order, then in the order of its dependencies. */
function edgeList({ ids, depStart, deps }: IndexedGraph): [StepId, StepId][] {
  const edges: [StepId, StepId][] = new Array(deps.length);
  for (let i = 0; i < ids.length; i++)
    for (let k = depStart[i]; k < depStart[i + 1]; k++) edges[k] = [ids[deps[k]], ids[i]];
  return edges;
}

/** The ids of the steps numbered in `numbers`. */
function idsOf(ids: readonly StepId[], numbers: Int32Array): StepId[] {
  const list: StepId[] = new Array(numbers.length);
  for (let h = 0; h < numbers.length; h++) list[h] = ids[numbers[h]];
  return list;
}

/** The plan of a workflow (`weft plan`), with optional duration estimates in ms. */
export function analyzeWorkflow(
  workflow: { readonly steps: readonly StepDefinition[] },
  estimates?: Readonly<Record<StepId, number>>,
): WorkflowPlan {
  return new DependencyGraphAnalyzer().analyze(workflow, estimates).plan;
}
