import {
  DependencyGraphAnalyzer,
  StepSchedule,
  type StepDefinition,
  type StepId,
  type WorkUnit,
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

/** The tasks as the workflow the engine would run: one process per duration, dependencies on unknown ids dropped. */
export function replayWorkflow(tasks: readonly ScheduleTask[]): Workflow {
  const known = new Set(tasks.map((t) => t.id));
  return {
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
      needs: [...new Set(t.needs)].filter((d) => d !== t.id && known.has(d)),
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
}

/**
 * Makespans of `tasks` replayed under each `maxParallel` given, on a virtual clock with the engine's
 * own ready queue (`StepSchedule`) and priorities (the analysis' remaining critical path, each step
 * weighing its longest process; ties in declaration order). It makes the coordinator's decisions in
 * the coordinator's order (a spec checks it against `simulateRun` on the big fixtures) without
 * bundling the coordinator into the kit. Dependencies on unknown ids are ignored. Throws
 * `CycleDetectedError` on a cycle, as the engine does.
 */
export function replayMakespans(tasks: readonly ScheduleTask[], maxParallels: readonly number[]): number[] {
  const durations = new Map(tasks.map((t) => [t.id, t.durations]));
  const workflow = replayWorkflow(tasks);
  const estimates: Record<StepId, number> = {};
  for (const t of tasks) estimates[t.id] = Math.max(0, ...t.durations);
  const analysis = new DependencyGraphAnalyzer().analyze(workflow, estimates);
  const steps = workflow.steps;
  const number = new Map(steps.map((s, i) => [s.id, i]));
  const dependents: number[][] = steps.map(() => []);
  steps.forEach((s, i) => s.needs.forEach((d) => dependents[number.get(d)!]!.push(i)));
  return maxParallels.map((n) => {
    const schedule = new StepSchedule({ maxParallel: Math.max(1, Math.floor(n)) });
    const waitingFor = steps.map((s) => s.needs.length);
    const open = steps.map(() => 0);
    // Attempt ends to come (at most maxParallel): earliest first, ties in the order they were queued, as in `simulateRun`.
    const ends: { at: number; seq: number; unit: WorkUnit; lane: number }[] = [];
    let seq = 0;
    let now = 0;
    let makespan = 0;
    const finish = (i: number): void => {
      makespan = Math.max(makespan, now);
      for (const d of dependents[i]!) if (--waitingFor[d]! === 0) ready(d);
    };
    // A ready step queues one unit per process; a step with none is done at once.
    const ready = (i: number): void => {
      const processes = durations.get(steps[i]!.id)!;
      if (processes.length === 0) return finish(i);
      open[i] = processes.length;
      processes.forEach((_, item) =>
        schedule.enqueue({ stepId: steps[i]!.id, item: processes.length === 1 ? null : item, attempt: 1, priority: analysis.priority[i]!, order: i }),
      );
    };
    const pump = (): void => {
      for (let next = schedule.next(); next; next = schedule.next()) {
        const ms = durations.get(next.unit.stepId)![next.unit.item ?? 0] ?? 0;
        ends.push({ at: now + Math.max(0, ms), seq: seq++, unit: next.unit, lane: next.lane });
      }
    };
    // The steps without dependencies, found before any is ready (a step with no process finishes at once and readies its dependents).
    const roots = steps.flatMap((s, i) => (s.needs.length === 0 ? [i] : []));
    for (const i of roots) ready(i);
    pump();
    while (ends.length > 0) {
      let first = 0;
      for (let e = 1; e < ends.length; e++)
        if (ends[e]!.at < ends[first]!.at || (ends[e]!.at === ends[first]!.at && ends[e]!.seq < ends[first]!.seq)) first = e;
      const end = ends.splice(first, 1)[0]!;
      now = end.at;
      schedule.release(end.unit, end.lane);
      const i = number.get(end.unit.stepId)!;
      if (--open[i]! === 0) finish(i);
      pump();
    }
    return makespan;
  });
}
