import {
  computeSpeedup,
  indexGraph,
  ReportBuilder,
  type IndexedGraph,
  type RunReport,
  type RunStartedEvent,
  type RunStatus,
  type StepId,
  type WorkflowPlan,
} from '@weft/core';
import type { LoggedRunEvent } from './run-event-log';

/** The parallel-execution figures of a run report. */
export type RunFigures = Pick<
  RunReport,
  'makespanMs' | 'sequentialMs' | 'speedup' | 'idealSpeedup' | 'peakParallelism' | 'criticalPath'
>;

/** A run as its figures are rebuilt from: its row. */
export interface RunFiguresRun {
  readonly status: RunStatus;
  readonly startedAt: string;
  /** The plan it ran by; null for a run started without one. */
  readonly plan: WorkflowPlan | null;
}

/** A step as a run without an event log has its figures rebuilt from: its row. */
export interface RunFiguresStep {
  readonly stepId: StepId;
  readonly durationMs: number | null;
  readonly reused: boolean;
  /** Step processes running when it started, itself included. */
  readonly runningAtStart: number | null;
}

/** The logged event types the figures are rebuilt from; read only these. */
export const FIGURE_EVENT_TYPES = [
  'run.started',
  'step.started',
  'attempt.started',
  'attempt.finished',
] as const;

/**
 * A stored run's figures as at `finishedAt` (null: now, the run still going), by core's report math.
 *
 * A run whose event log holds its `run.started` has its logged events fed to core's
 * `ReportBuilder` as the run coordinator fed them, so the figures are those of the live report:
 * `sequentialMs` is the busy time of every attempt, the critical path weighs each step's measured
 * time on the run's graph, the peak counts every process that started. A run without one (recorded
 * before the event log, or ended before its `run.started`) has its step rows only: each step's
 * duration stands for its busy time (a reused step's is 0) and core's `computeSpeedup` weighs them on
 * the plan's graph.
 */
export function rebuildFigures(
  run: RunFiguresRun,
  events: readonly LoggedRunEvent[],
  steps: readonly RunFiguresStep[],
  finishedAt: string | null,
): RunFigures {
  const started = events.find((event): event is RunStartedEvent => event.type === 'run.started');
  return started
    ? replayFigures(started, events, run.status, finishedAt)
    : stepRowFigures(run, steps, finishedAt);
}

function replayFigures(
  started: RunStartedEvent,
  events: readonly LoggedRunEvent[],
  status: RunStatus,
  finishedAt: string | null,
): RunFigures {
  const builder = new ReportBuilder(planGraph(started.plan));
  builder.runStarted(started);
  for (const event of events) {
    if (event.type === 'step.started') builder.stepStarted(event);
    else if (event.type === 'attempt.started') builder.notePeak(event.running);
    else if (event.type === 'attempt.finished') builder.attemptFinished(event);
  }
  return figuresOf(builder.build(status, finishedAt));
}

function stepRowFigures(
  run: RunFiguresRun,
  steps: readonly RunFiguresStep[],
  finishedAt: string | null,
): RunFigures {
  const ids = steps.map((step) => step.stepId);
  const graph = run.plan ? planGraph(run.plan) : indexGraph(ids, () => []);
  const busyMs: Record<StepId, number> = Object.create(null);
  let peakParallelism = 0;
  for (const step of steps) {
    busyMs[step.stepId] = step.reused ? 0 : (step.durationMs ?? 0);
    peakParallelism = Math.max(peakParallelism, step.runningAtStart ?? 0);
  }
  const endMs = finishedAt ? Date.parse(finishedAt) : Date.now();
  const makespanMs = Math.max(0, endMs - Date.parse(run.startedAt));
  const { sequentialMs, speedup, idealSpeedup, criticalPath } = computeSpeedup(graph, busyMs, makespanMs);
  return { makespanMs, sequentialMs, speedup, idealSpeedup, peakParallelism, criticalPath };
}

/**
 * The dependency graph of a plan, its steps numbered in `plan.steps` order: the graph the run that
 * made the plan walked.
 */
export function planGraph(plan: WorkflowPlan): IndexedGraph {
  const needs = new Map<StepId, StepId[]>();
  for (const [from, to] of plan.edges) {
    const list = needs.get(to);
    if (list) list.push(from);
    else needs.set(to, [from]);
  }
  return indexGraph(plan.steps, (i) => needs.get(plan.steps[i]) ?? []);
}

function figuresOf(report: RunReport): RunFigures {
  const { makespanMs, sequentialMs, speedup, idealSpeedup, peakParallelism, criticalPath } = report;
  return { makespanMs, sequentialMs, speedup, idealSpeedup, peakParallelism, criticalPath };
}
