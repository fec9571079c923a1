import { indexGraph, toWorkflowGraph, type WorkflowGraph } from '@weft/core/browser';
import type { BenchDag } from './bench-dag.types';

/** A bench DAG as the engine's dependency graph: steps in declaration order, edges from `needs`. */
export function benchGraph(dag: BenchDag): WorkflowGraph {
  return toWorkflowGraph(
    indexGraph(
      dag.steps.map((s) => s.id),
      (i) => dag.steps[i].needs,
    ),
  );
}

/** The same graph with every edge turned round: a step's dependents become its dependencies. */
export function reversedGraph(graph: WorkflowGraph): WorkflowGraph {
  return {
    steps: graph.steps,
    dependencies: graph.dependents,
    dependents: graph.dependencies,
    roots: graph.leaves,
    leaves: graph.roots,
  };
}
