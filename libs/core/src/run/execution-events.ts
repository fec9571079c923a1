import type { FailureReason } from '../step-type/step-type';
import type { StepId } from '../spec/workflow.types';
import type { RunReport, RunStatus, StepReport } from '../report/run-report.types';
import type { WorkflowPlan } from '../graph/workflow-plan.types';

/** Why a step was skipped without running. */
export type SkipReason = 'condition_false' | 'upstream_failed' | 'upstream_skipped';

interface EventBase {
  readonly runId: string;
  /** ISO 8601 with milliseconds. */
  readonly timestamp: string;
  /** Step processes running at that instant (each `foreach` item counts as one). */
  readonly running: number;
}

/** The run begins; `plan` is the analysis it runs by. */
export interface RunStartedEvent extends EventBase {
  readonly type: 'run.started';
  readonly workflow: string;
  readonly maxParallel: number;
  readonly plan: WorkflowPlan;
  /** Step ids in declaration order with their type, dependencies and worker label (`runsOn`, or null). */
  readonly steps: readonly { readonly id: StepId; readonly type: string; readonly needs: readonly StepId[]; readonly runsOn?: string | null }[];
}

/** A step's first process started (once per step). */
export interface StepStartedEvent extends EventBase {
  readonly type: 'step.started';
  readonly stepId: StepId;
  /** Slot 0..maxParallel-1 its first process occupies. */
  readonly lane: number;
}

/** One process of a step started: an attempt, or a `foreach` item's attempt. */
export interface AttemptStartedEvent extends EventBase {
  readonly type: 'attempt.started';
  readonly stepId: StepId;
  readonly attempt: number;
  /** `foreach` item index, or null. */
  readonly item: number | null;
  readonly lane: number;
  /** The id of the worker running it, or null when it runs on the server (or CLI) itself. */
  readonly worker: string | null;
}

/** One process of a step ended. */
export interface AttemptFinishedEvent extends EventBase {
  readonly type: 'attempt.finished';
  readonly stepId: StepId;
  readonly attempt: number;
  readonly item: number | null;
  readonly lane: number;
  /** The id of the worker that ran it, or null when it ran on the server (or CLI) itself. */
  readonly worker: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly reason: FailureReason | null;
  readonly message: string | null;
  /** Its outputs when it succeeded, else null (a `foreach` item's outputs are known before its step ends). */
  readonly outputs: Record<string, unknown> | null;
  /** True when another attempt will follow after `retryInMs`. */
  readonly willRetry: boolean;
  readonly retryInMs: number | null;
}

/** A step reached its final status (once per step; skipped and reused steps too). */
export interface StepFinishedEvent extends EventBase {
  readonly type: 'step.finished';
  readonly stepId: StepId;
  readonly result: StepReport;
  /** The step's captured log (all attempts and items), capped. */
  readonly log: string;
  /** Content hash of the step's definition and resolved inputs (for retry from failure). */
  readonly hash: string | null;
}

/** A chunk of a step's log, as it is written. */
export interface StepLogEvent extends EventBase {
  readonly type: 'step.log';
  readonly stepId: StepId;
  readonly item: number | null;
  readonly chunk: string;
}

/** The run ended; `report` is final. */
export interface RunFinishedEvent extends EventBase {
  readonly type: 'run.finished';
  readonly status: RunStatus;
  readonly report: RunReport;
}

export type ExecutionEvent =
  | RunStartedEvent
  | StepStartedEvent
  | AttemptStartedEvent
  | AttemptFinishedEvent
  | StepFinishedEvent
  | StepLogEvent
  | RunFinishedEvent;

/**
 * Observers of a run. Every hook is optional; a hook that throws is reported once on stderr and
 * never stops the run. The report builder, the CLI's progress view, the server's event stream and
 * its history writer are each one.
 */
export interface ExecutionLifeCycle {
  runStarted?(event: RunStartedEvent): void;
  stepStarted?(event: StepStartedEvent): void;
  attemptStarted?(event: AttemptStartedEvent): void;
  attemptFinished?(event: AttemptFinishedEvent): void;
  stepFinished?(event: StepFinishedEvent): void;
  stepLog?(event: StepLogEvent): void;
  runFinished?(event: RunFinishedEvent): void;
}
