import type { StepId, Workflow } from '../spec/workflow.types';
import type { AttemptJob } from '../coordinator/coordinator.effects';
import type { StepLimits, StepOutcome, StepTypeRegistry } from '../step-type/step-type';
import type { ExecutionEvent, ExecutionLifeCycle } from './execution-events';

/** A step result from an earlier run that retry-from-failure may reuse. */
export interface ReusableStep {
  /** Content hash of the step's definition and resolved inputs when it succeeded. */
  readonly hash: string;
  /** Its outputs then. */
  readonly outputs: unknown;
}

/**
 * A shared pool of process slots, e.g. the server-wide cap across concurrent runs.
 * `acquire` resolves with a release function once a slot is free (or rejects when `signal` aborts).
 */
export interface ProcessSlots {
  acquire(signal?: AbortSignal): Promise<() => void>;
}

/** What a dispatcher gets with a job, to report back to the run while the attempt goes. */
export interface AttemptIO {
  /** Aborted on timeout, cancel or failFast: stop the attempt and resolve promptly. */
  readonly signal: AbortSignal;
  /**
   * Call once, when the attempt got what it runs on (a process slot, a worker) and starts now, with
   * the id of the worker running it (omit it when it runs in this process's children); an attempt
   * that resolves without calling it never started (no attempt events).
   */
  started(worker?: string | null): void;
  /**
   * The attempt started before this process took the run over (see {@link StepDispatcher.reattaches}):
   * find it where it runs and wait for its end instead of starting it.
   */
  readonly reattach?: boolean;
  /** Streams a chunk of the attempt's log. */
  log(chunk: string): void;
}

/**
 * Decides *where* an attempt runs; the coordinator decides *what* runs next. It takes the attempt as
 * plain JSON and resolves with its outcome (never rejects for the step's own failure). The local
 * dispatcher runs it in this process's children; a queue-backed one can send it to workers.
 */
export interface StepDispatcher {
  dispatch(job: AttemptJob, io: AttemptIO): Promise<StepOutcome>;
  /**
   * Its attempts outlive the process that dispatched them (they run on workers): a resumed run
   * re-attaches to the attempts that were running instead of starting them again. @default false
   */
  readonly reattaches?: boolean;
}

/** Options of one run. */
export interface ExecuteOptions {
  /** The validated workflow. */
  readonly workflow: Workflow;
  /** Where step types are looked up. */
  readonly stepTypes: StepTypeRegistry;
  /** Run id. @default a random UUID */
  readonly runId?: string;
  /** Overrides `workflow.maxParallel` (1..`MAX_PARALLEL_LIMIT`). */
  readonly maxParallel?: number;
  /** Observers of the run's events. */
  readonly lifecycle?: ExecutionLifeCycle | readonly ExecutionLifeCycle[];
  /** Aborting it cancels the run: running steps are killed, the rest end `cancelled`. */
  readonly signal?: AbortSignal;
  /** Estimated step durations in ms (e.g. medians from history) for critical-path priority. */
  readonly estimates?: Readonly<Record<StepId, number>>;
  /** Steps an earlier run finished, for retry from failure. */
  readonly reuse?: Readonly<Record<StepId, ReusableStep>>;
  /** The run being retried. */
  readonly retryOf?: string;
  /** Caps and grace periods. */
  readonly limits?: Partial<StepLimits>;
  /** A slot pool shared with other runs (server-wide cap); acquired per step process by the default dispatcher. */
  readonly processSlots?: ProcessSlots;
  /**
   * Where step attempts run. @default a `LocalDispatcher` (child processes of this process) with
   * `stepTypes`, `processSlots` and `confineTo`
   */
  readonly dispatcher?: StepDispatcher;
  /**
   * A folder the workflow's own folder must still lie in, links followed, when each attempt starts
   * (a server's workspace), for the default dispatcher: a folder swapped for a link after the
   * workflow was stored runs nothing.
   */
  readonly confineTo?: string;
  /**
   * Resume the run from its logged events (the run's id must be `runId`) instead of starting it:
   * see the coordinator's `resume` message. Only the events after them are emitted.
   */
  readonly resume?: readonly ExecutionEvent[];
}
