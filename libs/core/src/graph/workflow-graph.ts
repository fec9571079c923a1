import type { StepDefinition, StepId } from '../spec/workflow.types';
import { stepReferences } from '../spec/references';

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
  const adjacency: Record<StepId, StepId[]> = Object.create(null);
  for (const step of workflow.steps) adjacency[step.id] = [...step.needs, ...stepReferences(step)];
  return graphFromDependencies(adjacency);
}

/**
 * Builds a graph from an adjacency `{ a: [], b: ['a'] }` (step → dependencies, in declaration
 * order). Duplicate edges and dependencies on unknown steps are dropped.
 */
export function graphFromDependencies(adjacency: Record<StepId, readonly StepId[]>): WorkflowGraph {
  const steps = Object.keys(adjacency);
  const dependencies: Record<StepId, StepId[]> = Object.create(null);
  const dependents: Record<StepId, StepId[]> = Object.create(null);
  for (const id of steps) dependents[id] = [];
  for (const id of steps) {
    const deps = [...new Set(adjacency[id])].filter((dep) => dep in dependents);
    dependencies[id] = deps;
    for (const dep of deps) dependents[dep].push(id);
  }
  return {
    steps,
    dependencies,
    dependents,
    roots: steps.filter((id) => dependencies[id].length === 0),
    leaves: steps.filter((id) => dependents[id].length === 0),
  };
}
