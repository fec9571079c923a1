import type { RunReport } from '../report/run-report.types';
import type { ExecutionEvent } from '../run/execution-events';
import type { ResourceLimits, StepId } from '../spec/workflow.types';
import type { StepLimits } from '../step-type/step-type';
import type { TimerMessage } from './coordinator.messages';

/**
 * One attempt of one step (or of one `foreach` item), described as plain JSON: it can be queued,
 * stored or sent to another machine, and whoever runs it looks its `type` up in its own registry.
 */
export interface AttemptJob {
  /** Names the attempt in later messages and effects. */
  readonly id: string;
  readonly runId: string;
  readonly stepId: StepId;
  /** The step's type name. */
  readonly type: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The `foreach` item it runs, or null. */
  readonly item: { readonly value: unknown; readonly index: number } | null;
  /** Slot 0..maxParallel-1 it holds. */
  readonly lane: number;
  /** The type-specific fields, references resolved (code fields as written). */
  readonly config: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  /** The workflow's and the step's env, resolved to strings. */
  readonly env: Record<string, string>;
  /** The workflow's folder (absolute): the attempt's working directory. */
  readonly workdir: string;
  /** Caps and grace periods it runs under. */
  readonly limits: StepLimits;
  /**
   * How long it may run once started, in ms, or null. The coordinator enforces it with its own
   * timer; a dispatcher that runs attempts elsewhere may enforce it there too.
   */
  readonly timeoutMs: number | null;
  /** A line that goes in the step's log before this attempt's, or null. */
  readonly logHeader: string | null;
  /** The step's OS limits (`limits:`). */
  readonly resourceLimits?: ResourceLimits;
  /** The step's remaining critical path (its schedule priority): higher goes first, across runs too. */
  readonly priority: number;
  /** The worker label the step asks for (`runsOn`), or null for any worker. */
  readonly runsOn: string | null;
}

/** Run an attempt: acquire a process slot, then send `attempt.started`, then `attempt.finished`. */
export interface DispatchEffect {
  readonly type: 'dispatch';
  readonly job: AttemptJob;
  /**
   * The attempt already started before the run was resumed (see `resume`'s `reattach`): find it
   * where it runs and wait for its end; do not start it again.
   */
  readonly reattach?: boolean;
}

/** Abort a dispatched attempt's signal with `reason`. */
export interface AbortEffect {
  readonly type: 'abort';
  readonly attempt: string;
  readonly reason: 'timeout' | 'cancelled' | 'server_lost';
}

/** Start a timer; when it fires, send `message` with the time. */
export interface StartTimerEffect {
  readonly type: 'timer.start';
  readonly timer: string;
  readonly delayMs: number;
  readonly message: TimerMessage;
}

/** Cancel a timer (nothing happens if it already fired). */
export interface CancelTimerEffect {
  readonly type: 'timer.cancel';
  readonly timer: string;
}

/**
 * Hand an event to the run's observers. A `step.finished` event carries an empty `log`: the logs
 * are kept by whoever runs the attempts, who fills it in.
 */
export interface EmitEffect {
  readonly type: 'emit';
  readonly event: ExecutionEvent;
}

/** The run is over (its `run.finished` event was emitted just before); nothing else will follow. */
export interface FinishEffect {
  readonly type: 'finish';
  readonly report: RunReport;
}

/** What the driver does for the coordinator, in the order given. */
export type CoordinatorEffect =
  | DispatchEffect
  | AbortEffect
  | StartTimerEffect
  | CancelTimerEffect
  | EmitEffect
  | FinishEffect;
