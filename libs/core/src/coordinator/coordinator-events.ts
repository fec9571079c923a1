import type { WorkflowPlan } from '../graph/workflow-plan.types';
import type { StepReport } from '../report/run-report.types';
import type { AttemptFinishedEvent, RunStartedEvent, StepFinishedEvent } from '../run/execution-events';
import type { Workflow } from '../spec/workflow.types';
import type { AttemptState } from './attempt-state';
import type { AttemptOutcome } from './coordinator.messages';
import type { RunSteps } from './run-steps';
import { iso, type Instant } from './step-state';

/** The fields every event has. */
export interface EventHead {
  readonly runId: string;
  readonly timestamp: string;
  readonly running: number;
}

/** The event fields of a run at an instant. */
export function eventHead(runId: string, at: Instant, running: number): EventHead {
  return { runId, timestamp: at.iso, running };
}

export function runStartedEvent(head: EventHead, workflow: Workflow, maxParallel: number, plan: WorkflowPlan, steps: RunSteps): RunStartedEvent {
  return {
    type: 'run.started',
    runId: head.runId,
    timestamp: head.timestamp,
    running: head.running,
    workflow: workflow.name,
    maxParallel,
    plan,
    steps: [...steps.all()].map((step) => ({
      id: step.def.id,
      type: step.def.type,
      needs: steps.dependencies(step).map((d) => d.def.id),
      runsOn: step.def.runsOn ?? null,
    })),
  };
}

/** The end of an attempt that started; `retryInMs` is null when no attempt follows. */
export function attemptFinishedEvent(
  head: EventHead,
  at: Instant,
  attempt: AttemptState,
  outcome: AttemptOutcome,
  retryInMs: number | null,
): AttemptFinishedEvent {
  const { unit, lane, startedAt } = attempt;
  return {
    type: 'attempt.finished',
    runId: head.runId,
    timestamp: head.timestamp,
    running: head.running,
    stepId: unit.stepId,
    attempt: unit.attempt,
    item: unit.item,
    lane,
    worker: attempt.worker,
    startedAt: iso(startedAt),
    durationMs: Math.round(at.ms - startedAt),
    ok: outcome.ok,
    exitCode: outcome.exitCode ?? null,
    signal: outcome.signal ?? null,
    reason: outcome.ok ? null : (outcome.reason ?? 'error'),
    message: outcome.ok ? null : (outcome.message ?? null),
    outputs: outcome.ok ? (outcome.outputs ?? {}) : null,
    willRetry: retryInMs !== null,
    retryInMs,
  };
}

/** A step's end; its `log` is left empty for the driver, who holds the logs. */
export function stepFinishedEvent(head: EventHead, step: { readonly def: { readonly id: string }; readonly hash: string | null }, result: StepReport): StepFinishedEvent {
  const { runId, timestamp, running } = head;
  return { type: 'step.finished', runId, timestamp, running, stepId: step.def.id, result, log: '', hash: step.hash };
}
