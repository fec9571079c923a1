import { performance } from 'node:perf_hooks';
import { ParallelExecutor, type StepDispatcher, type StepTypeRegistry, type Workflow } from '@weft/core';
import { shellWorkflow } from './shell-workflow';
import { TimedDispatcher } from './timed.dispatcher';

/**
 * Runs `workflows` at the same time through `dispatcher`; throws unless every run succeeded. Runs
 * still going after `timeoutMs` are cancelled (a worker that died would leave them waiting).
 */
export async function runAll(
  workflows: readonly Workflow[],
  stepTypes: StepTypeRegistry,
  dispatcher: StepDispatcher,
  timeoutMs: number,
): Promise<void> {
  const reports = await Promise.all(
    workflows.map((workflow) =>
      new ParallelExecutor({
        workflow,
        stepTypes,
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      }).execute(),
    ),
  );
  const failed = reports.filter((report) => report.status !== 'succeeded');
  if (failed.length) {
    const [id, step] = Object.entries(failed[0].steps).find(([, s]) => s.status !== 'succeeded') ?? [
      '?',
      null,
    ];
    const why = failed.some((report) => report.status === 'cancelled')
      ? `not done within ${timeoutMs} ms, so cancelled: `
      : '';
    throw new Error(
      `${why}${failed.length} of ${reports.length} runs did not succeed; the first ended ${failed[0].status}, its step ${id} ${step?.status}: ${step?.message ?? step?.reason}`,
    );
  }
}

/** Options of {@link dispatchLatencies}. */
export interface LatencyOptions {
  readonly dispatcher: StepDispatcher;
  readonly stepTypes: StepTypeRegistry;
  /** An empty folder of its own (the queue ships it to the workers). */
  readonly rootDir: string;
  /** Chains run side by side (the run's maxParallel): keep it under the free slots, so none waits for one. */
  readonly chains: number;
  /** Steps per chain. */
  readonly length: number;
}

/**
 * Dispatch → started of each attempt of one run of `chains` chains of `sh -c true` steps, after a
 * warm-up run of 2 steps per chain (the queue's first attempt of a run packs its folder; the
 * workers unpack it once). Each step is dispatched when the one before it ends, so every attempt
 * finds a slot free: what is timed is getting it there, not waiting for room.
 */
export async function dispatchLatencies(options: LatencyOptions): Promise<number[]> {
  const workflow = (length: number) =>
    shellWorkflow({
      name: 'bench-latency',
      run: 'true',
      chains: options.chains,
      length,
      maxParallel: options.chains,
      rootDir: options.rootDir,
    });
  await runAll([workflow(2)], options.stepTypes, options.dispatcher, 30_000);
  const timed = new TimedDispatcher(options.dispatcher);
  await runAll([workflow(options.length)], options.stepTypes, timed, 60_000 + options.length * 1000);
  return timed.latencies();
}

/** Options of {@link sleepMakespan}. */
export interface MakespanOptions {
  readonly dispatcher: StepDispatcher;
  readonly stepTypes: StepTypeRegistry;
  readonly rootDir: string;
  /** Runs started at the same time. */
  readonly runs: number;
  /** Independent `sleep` steps per run. */
  readonly stepsPerRun: number;
  /** Each run's maxParallel (8 at most). */
  readonly maxParallel: number;
  readonly sleepMs: number;
}

/** Wall time, in ms, of `runs` runs of independent `sleep` shell steps started at once, until the last one ended. */
export async function sleepMakespan(options: MakespanOptions): Promise<number> {
  const workflows = Array.from({ length: options.runs }, () =>
    shellWorkflow({
      name: 'bench-makespan',
      run: `sleep ${options.sleepMs / 1000}`,
      chains: options.stepsPerRun,
      length: 1,
      maxParallel: options.maxParallel,
      rootDir: options.rootDir,
    }),
  );
  const start = performance.now();
  await runAll(
    workflows,
    options.stepTypes,
    options.dispatcher,
    60_000 + options.runs * options.stepsPerRun * options.sleepMs,
  );
  return performance.now() - start;
}
