import type { ExecutionEvent } from '../run/execution-events';
import type { StepOutcome } from '../step-type/step-type';

/** What one attempt came to, as the coordinator reads it (the log stays with whoever ran it). */
export type AttemptOutcome = Omit<StepOutcome, 'log'>;

interface MessageBase {
  /** When it happened, in epoch milliseconds: the timestamp of every event it causes. */
  readonly at: number;
}

/** Begins the run: `run.started`, then the roots are decided and the first attempts dispatched. */
export interface StartMessage extends MessageBase {
  readonly type: 'start';
  /** The run was cancelled before it began (its signal had already aborted). */
  readonly cancelled?: boolean;
}

/**
 * Begins a run that another coordinator (one whose server was lost) had started: `events` are the
 * run's logged events, in order. Finished steps stay finished and are not emitted again; an attempt
 * that was running ends `server_lost` and its unit runs again as a new attempt, not counted against
 * `retries`; a pending retry keeps what is left of its backoff; the rest runs as usual.
 */
export interface ResumeMessage extends MessageBase {
  readonly type: 'resume';
  readonly events: readonly ExecutionEvent[];
  /** Cancel the run as it resumes (the user asked for it while its server was lost). */
  readonly cancelled?: boolean;
  /**
   * The attempts that were running may still be running (on workers that outlive a server): each
   * stays open and is dispatched again with `reattach: true` instead of ending `server_lost`.
   */
  readonly reattach?: boolean;
}

/** A dispatched attempt got its process slot and is starting now. */
export interface AttemptStartedMessage extends MessageBase {
  readonly type: 'attempt.started';
  /** The `job.id` of the dispatch effect. */
  readonly attempt: string;
  /** The id of the worker that runs it, or null (or absent) when it runs right here. */
  readonly worker?: string | null;
}

/**
 * A dispatched attempt ended, whether it ran or not: one that never got an `attempt.started`
 * (cancelled while it waited for a process slot) ends without attempt events.
 */
export interface AttemptFinishedMessage extends MessageBase {
  readonly type: 'attempt.finished';
  readonly attempt: string;
  readonly outcome: AttemptOutcome;
}

/** A retry's backoff timer fired: its unit may be queued again. */
export interface RetryDueMessage extends MessageBase {
  readonly type: 'retry.due';
  readonly timer: string;
}

/** An attempt's timeout timer fired. */
export interface AttemptTimeoutMessage extends MessageBase {
  readonly type: 'attempt.timeout';
  readonly attempt: string;
}

/** The user cancels the run. */
export interface CancelMessage extends MessageBase {
  readonly type: 'cancel';
}

/**
 * The process that ran the started attempts is gone: each one ends with reason `server_lost` and a
 * new attempt of its unit is queued, not counted against `retries`.
 */
export interface OwnerLostMessage extends MessageBase {
  readonly type: 'owner.lost';
}

/** A timer's message, which the driver sends with `at` when the timer fires. */
export type TimerMessage = Omit<RetryDueMessage, 'at'> | Omit<AttemptTimeoutMessage, 'at'>;

/** Everything that can happen to a run. */
export type CoordinatorMessage =
  | StartMessage
  | ResumeMessage
  | AttemptStartedMessage
  | AttemptFinishedMessage
  | RetryDueMessage
  | AttemptTimeoutMessage
  | CancelMessage
  | OwnerLostMessage;
