import { tmpdir } from 'node:os';
import { DEFAULT_STEP_LIMITS, type StepDefinition, type StepRunContext, type Workflow } from '@weft/core';
import type { BenchDag, BenchStep } from './bench-dag.types';

/** The step definition of a bench step: `type: sleep`, `ms` = units × unitMs. */
export function benchStepDefinition(step: BenchStep, index: number, unitMs: number): StepDefinition {
  return {
    id: step.id,
    type: 'sleep',
    index,
    needs: step.needs,
    inputs: {},
    retries: 0,
    retryDelayMs: 0,
    continueOnError: false,
    env: {},
    config: { ms: step.units * unitMs },
  };
}

/** The DAG as a validated workflow of `sleep` steps, without going through the parser. */
export function benchWorkflow(dag: BenchDag, unitMs: number): Workflow {
  return {
    name: dag.name,
    maxParallel: dag.maxParallel,
    pools: {},
    env: {},
    failFast: false,
    rootDir: tmpdir(),
    steps: dag.steps.map((step, index) => benchStepDefinition(step, index, unitMs)),
  };
}

/** The context a baseline scheduler hands the step type for one step: what the executor would give. */
export function benchStepContext(step: BenchStep, unitMs: number, signal: AbortSignal): StepRunContext<{ ms: number }> {
  return {
    runId: 'bench',
    stepId: step.id,
    attempt: 1,
    config: { ms: step.units * unitMs },
    inputs: {},
    env: {},
    workdir: tmpdir(),
    signal,
    limits: DEFAULT_STEP_LIMITS,
    log: () => undefined,
  };
}
