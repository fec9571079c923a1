import type { StepId, StepDefinition } from '../spec/workflow.types';
import { CycleDetectedError } from '../errors/cycle-detected.error';
import { criticalPath, stepWeights } from './critical-path';
import { findCycles } from './find-cycles';
import { topologicalLevels } from './topological-levels';
import { buildGraph, type WorkflowGraph } from './workflow-graph';
import type { WorkflowPlan } from './workflow-plan.types';

/** Everything the analyzer finds about a workflow. */
export interface WorkflowAnalysis {
  readonly graph: WorkflowGraph;
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
  /** Each step's remaining critical path: its priority in the ready queue. */
  readonly priority: Record<StepId, number>;
  /** The plan as `weft plan --json` prints it. */
  readonly plan: WorkflowPlan;
}

/** Rounds to 2 decimals (speedups and ratios). */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Builds a workflow's dependency graph and analyses it: cycles, levels, roots and leaves, critical
 * path, ideal speedup. Linear in steps + edges (cycle enumeration, on a cyclic graph only, is bounded).
 */
export class DependencyGraphAnalyzer {
  /** Analyses a workflow; throws {@link CycleDetectedError} listing every cycle. */
  analyze(
    workflow: { readonly steps: readonly StepDefinition[] },
    estimates?: Readonly<Record<StepId, number>>,
  ): WorkflowAnalysis {
    return this.analyzeGraph(buildGraph(workflow), estimates);
  }

  /** Same as {@link analyze} on a graph already built. */
  analyzeGraph(graph: WorkflowGraph, estimates?: Readonly<Record<StepId, number>>): WorkflowAnalysis {
    const { levels, order, unsorted } = topologicalLevels(graph);
    if (unsorted.length) throw new CycleDetectedError(findCycles(graph));
    const weights = stepWeights(graph.steps, estimates);
    const cp = criticalPath(graph, order, weights);
    const idealSpeedup = cp.length > 0 ? round2(cp.totalWeight / cp.length) : 1;
    const edges: [StepId, StepId][] = [];
    for (const id of graph.steps) for (const dep of graph.dependencies[id]) edges.push([dep, id]);
    return {
      graph,
      order,
      levels,
      criticalPath: cp.path,
      criticalPathLength: cp.length,
      totalWeight: cp.totalWeight,
      idealSpeedup,
      priority: cp.remaining,
      plan: { steps: graph.steps, edges, levels, criticalPath: cp.path, idealSpeedup },
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
