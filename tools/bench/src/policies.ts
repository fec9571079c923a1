import { StepTypeRegistry, executeWorkflow } from '@weft/core';
import { topologicalLevels } from '@weft/core/browser';
import type { BenchDag, BenchStep } from './bench-dag.types';
import { benchGraph } from './bench-graph';
import { benchStepContext, benchWorkflow } from './bench-workflow';
import type { SleepStepType } from './sleep.step-type';

/** A way of running a DAG's steps under its `maxParallel`; resolves when every step ended. */
export interface SchedulingPolicy {
  /** Column name in the tables. */
  readonly name: string;
  /** One line on how it picks the next step. */
  readonly description: string;
  run(dag: BenchDag, stepType: SleepStepType, unitMs: number): Promise<void>;
}

function runner(stepType: SleepStepType, unitMs: number): (step: BenchStep) => Promise<void> {
  const signal = new AbortController().signal;
  return async (step) => {
    const outcome = await stepType.run(benchStepContext(step, unitMs, signal));
    if (!outcome.ok) throw new Error(`step ${step.id} failed: ${outcome.message ?? outcome.reason}`);
  };
}

/** The engine's Kahn levels: level k holds the steps whose longest chain of dependencies has k steps. */
export function dagLevels(dag: BenchDag): BenchStep[][] {
  const byId = new Map(dag.steps.map((s) => [s.id, s]));
  return topologicalLevels(benchGraph(dag)).levels.map((level) => level.map((id) => byId.get(id)!));
}

/** Runs `items` with at most `limit` at once, in order: `Promise.all` behind a concurrency limit. */
async function allLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The naive design: run each level with `Promise.all` (at most `maxParallel` at once) and start the
 * next level only when the whole level is done.
 */
export const levelByLevel: SchedulingPolicy = {
  name: 'level-by-level',
  description: 'Kahn levels one after the other, each level with Promise.all under maxParallel',
  async run(dag, stepType, unitMs) {
    const run = runner(stepType, unitMs);
    for (const level of dagLevels(dag)) await allLimited(level, dag.maxParallel, run);
  },
};

/** A ready queue in the order steps became ready (roots in declaration order), no priorities. */
export const fifoQueue: SchedulingPolicy = {
  name: 'FIFO queue',
  description: 'ready queue, first ready first started (declaration order among equals)',
  run(dag, stepType, unitMs) {
    const run = runner(stepType, unitMs);
    const remaining = new Map(dag.steps.map((s) => [s.id, s.needs.length]));
    const dependents = new Map<string, BenchStep[]>(dag.steps.map((s) => [s.id, []]));
    for (const step of dag.steps) for (const need of step.needs) dependents.get(need)!.push(step);
    const ready = dag.steps.filter((s) => s.needs.length === 0);
    let running = 0;
    let finished = 0;
    return new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        while (running < dag.maxParallel && ready.length) {
          const step = ready.shift()!;
          running++;
          run(step).then(() => {
            running--;
            finished++;
            for (const dependent of dependents.get(step.id)!) {
              const left = remaining.get(dependent.id)! - 1;
              remaining.set(dependent.id, left);
              if (left === 0) ready.push(dependent);
            }
            if (finished === dag.steps.length) resolve();
            else pump();
          }, reject);
        }
      };
      if (dag.steps.length === 0) resolve();
      else pump();
    });
  },
};

async function runExecutor(dag: BenchDag, stepType: SleepStepType, unitMs: number, estimates?: Record<string, number>): Promise<void> {
  const report = await executeWorkflow({ workflow: benchWorkflow(dag, unitMs), stepTypes: new StepTypeRegistry([stepType]), estimates });
  if (report.status !== 'succeeded') throw new Error(`run of ${dag.name} ended ${report.status}`);
}

/** Weft's real executor, with no history: every step weighs the same (a first run). */
export const criticalPathFirst: SchedulingPolicy = {
  name: 'critical-path-first',
  description: "Weft's ParallelExecutor, equal weights (no history yet)",
  run: (dag, stepType, unitMs) => runExecutor(dag, stepType, unitMs),
};

/** Weft's real executor given every step's duration, as history gives it from the second run on. */
export const criticalPathFirstWithEstimates: SchedulingPolicy = {
  name: 'critical-path-first + estimates',
  description: "Weft's ParallelExecutor with duration estimates (what history gives after one run)",
  run: (dag, stepType, unitMs) =>
    runExecutor(dag, stepType, unitMs, Object.fromEntries(dag.steps.map((s) => [s.id, s.units * unitMs]))),
};

/** The policies of section 5, baselines first. */
export const POLICIES: readonly SchedulingPolicy[] = [levelByLevel, fifoQueue, criticalPathFirst, criticalPathFirstWithEstimates];

/** Runs `dag` under `policy` and returns its makespan in the step type's clock milliseconds. */
export async function measureMakespan(policy: SchedulingPolicy, dag: BenchDag, stepType: SleepStepType, unitMs: number): Promise<number> {
  stepType.reset();
  const clock = stepType.clock;
  const start = clock.now();
  await clock.drive(policy.run(dag, stepType, unitMs));
  if (stepType.maxRunning > dag.maxParallel) {
    throw new Error(`${policy.name} ran ${stepType.maxRunning} steps at once on ${dag.name}, over maxParallel ${dag.maxParallel}`);
  }
  return clock.now() - start;
}
