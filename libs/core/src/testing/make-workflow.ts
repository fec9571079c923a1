import type { StepDefinition, StepId, Workflow } from '../spec/workflow.types';

/** A step definition with defaults, for tests and benchmarks. */
export function makeStep(id: StepId, fields: Partial<StepDefinition> = {}): StepDefinition {
  return {
    id,
    type: 'fake',
    index: 0,
    needs: [],
    inputs: {},
    retries: 0,
    retryDelayMs: 0,
    continueOnError: false,
    env: {},
    config: {},
    ...fields,
  };
}

/**
 * A workflow from a literal adjacency `{ a: [], b: ['a'] }` (step → needs), with optional per-step
 * overrides. Steps keep the literal's order as declaration order.
 */
export function makeWorkflow(
  adjacency: Record<StepId, readonly StepId[]>,
  overrides: Partial<Record<StepId, Partial<StepDefinition>>> = {},
  fields: Partial<Workflow> = {},
): Workflow {
  return {
    name: 'test',
    maxParallel: 4,
    pools: {},
    env: {},
    failFast: false,
    rootDir: process.cwd(),
    ...fields,
    steps: Object.entries(adjacency).map(([id, needs], index) => makeStep(id, { index, needs, ...overrides[id] })),
  };
}
