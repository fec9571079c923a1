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
    const { ids, depStart, deps } = indexed;
    const { order, length, level } = kahn(indexed);
    if (length < ids.length) throw new CycleDetectedError(findCycles(toWorkflowGraph(indexed)));
    const cp = longestPaths(indexed, order, length, weightArray(ids, estimates));
    const idealSpeedup = cp.pathLength > 0 ? round2(cp.total / cp.pathLength) : 1;
    const levels: StepId[][] = [];
    const edges: [StepId, StepId][] = [];
    for (let i = 0; i < ids.length; i++) {
      (levels[level[i]] ??= []).push(ids[i]);
      for (let k = depStart[i]; k < depStart[i + 1]; k++) edges.push([ids[deps[k]], ids[i]]);
    }
    const criticalPath = cp.path.map((i) => ids[i]);
    let graph: WorkflowGraph | undefined;
    return {
      get graph() {
        return (graph ??= toWorkflowGraph(indexed));
      },
      indexed,
      order: Array.from(order, (i) => ids[i]),
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

/** The plan of a workflow (`weft plan`), with optional duration estimates in ms. */
export function analyzeWorkflow(
  workflow: { readonly steps: readonly StepDefinition[] },
  estimates?: Readonly<Record<StepId, number>>,
): WorkflowPlan {
  return new DependencyGraphAnalyzer().analyze(workflow, estimates).plan;
}
