import {
  DependencyGraphAnalyzer,
  simulateRun,
  type StepDefinition,
  type StepId,
  type Workflow,
} from '@weft/core/browser';

/** A step to replay: its dependencies and the durations of its processes. */
export interface ScheduleTask {
  readonly id: string;
  readonly needs: readonly string[];
  /**
   * One duration per process: one for a plain step, one per item for a `foreach` step, none for a
   * step that did not run (skipped, reused): it completes as soon as it is ready.
   */
  readonly durations: readonly number[];
}

/**
 * Makespans of `tasks` replayed under each `maxParallel` given, by Weft's own run coordinator on a
 * virtual clock (`simulateRun`): the executor's list schedule, longest remaining path first (each
 * step weighing its longest process), ties in declaration order. Dependencies on unknown ids are
 * ignored. Throws `CycleDetectedError` on a cycle, as the engine does.
 */
export function replayMakespans(tasks: readonly ScheduleTask[], maxParallels: readonly number[]): number[] {
  const known = new Set(tasks.map((t) => t.id));
  const durations = new Map(tasks.map((t) => [t.id, t.durations]));
  const workflow: Workflow = {
    name: 'replay',
    maxParallel: 1,
    pools: {},
    env: {},
    failFast: false,
    rootDir: '/',
    steps: tasks.map((t, index): StepDefinition => ({
      id: t.id,
      type: 'replay',
      index,
      needs: t.needs.filter((d) => d !== t.id && known.has(d)),
      inputs: {},
      // A plain step is one process; a foreach step one per item, and a step that did not run none.
      ...(t.durations.length === 1 ? {} : { foreach: t.durations.map((_, item) => item) }),
      retries: 0,
      retryDelayMs: 0,
      continueOnError: false,
      env: {},
      config: {},
    })),
  };
  const estimates: Record<StepId, number> = {};
  for (const t of tasks) estimates[t.id] = Math.max(0, ...t.durations);
  const analysis = new DependencyGraphAnalyzer().analyze(workflow, estimates);
  return maxParallels.map((n) => {
    const { report } = simulateRun({
      runId: `replay-${n}`,
      workflow,
      analysis,
      maxParallel: Math.max(1, Math.floor(n)),
      script: (job) => ({ durationMs: Math.max(0, durations.get(job.stepId)![job.item?.index ?? 0] ?? 0) }),
    });
    return report.makespanMs;
  });
}
