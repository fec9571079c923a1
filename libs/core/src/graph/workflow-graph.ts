import type { StepDefinition, StepId } from '../spec/workflow.types';
import { forEachStepReference } from '../spec/references';
import { indexGraph, indexSteps, toWorkflowGraph, type IndexedGraph } from './indexed-graph';

/** A workflow's dependency graph as plain data. Keys are step ids; records have no prototype. */
export interface WorkflowGraph {
  /** Step ids in declaration order. */
  readonly steps: StepId[];
  /** Each step's dependencies: its `needs` ∪ every step it references, deduped, known steps only. */
  readonly dependencies: Record<StepId, StepId[]>;
  /** Each step's dependents: the reverse edges, in declaration order of the dependents. */
  readonly dependents: Record<StepId, StepId[]>;
  /** Steps with no dependencies, in declaration order: they can all start at once. */
  readonly roots: StepId[];
  /** Steps nothing depends on, in declaration order. */
  readonly leaves: StepId[];
}

/**
 * Builds the dependency graph: explicit `needs` plus every `${steps.x…}` reference in a step's
 * inputs, `if`, `foreach`, `env` and type-specific fields. References to unknown steps are left
 * out (validation reports them). Linear in steps + edges.
 */
export function buildGraph(workflow: { readonly steps: readonly StepDefinition[] }): WorkflowGraph {
  return toWorkflowGraph(buildIndexedGraph(workflow));
}

/** {@link buildGraph} with numbered steps and flat edge arrays, for the analyzer and the executor. */
export function buildIndexedGraph(workflow: { readonly steps: readonly StepDefinition[] }): IndexedGraph {
  const steps = workflow.steps;
  return indexSteps(
    steps.map((step) => step.id),
    (i, add) => {
      const step = steps[i];
      for (const id of step.needs) add(id);
      forEachStepReference(step, add);
    },
  );
}

/**
 * Builds a graph from an adjacency `{ a: [], b: ['a'] }` (step → dependencies, in declaration
 * order). Duplicate edges and dependencies on unknown steps are dropped.
 */
export function graphFromDependencies(adjacency: Record<StepId, readonly StepId[]>): WorkflowGraph {
  const steps = Object.keys(adjacency);
  return toWorkflowGraph(indexGraph(steps, (i) => adjacency[steps[i]]));
}
