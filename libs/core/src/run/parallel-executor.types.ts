import type { StepId, Workflow } from '../spec/workflow.types';
import type { StepLimits, StepOutcome, StepRunContext, StepTypeHandler, StepTypeRegistry } from '../step-type/step-type';
import type { ExecutionLifeCycle } from './execution-events';

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

/**
 * Decides *where* a ready step attempt runs; the executor decides *what* runs next. The local
 * dispatcher runs it in this process's children; a queue-backed one can send it to workers.
 */
export interface StepDispatcher {
  dispatch(handler: StepTypeHandler<any>, context: StepRunContext<any>): Promise<StepOutcome>;
}

/** Options of one run. */
export interface ExecuteOptions {
  /** The validated workflow. */
  readonly workflow: Workflow;
  /** Where step types are looked up. */
  readonly stepTypes: StepTypeRegistry;
  /** Run id. @default a random UUID */
  readonly runId?: string;
  /** Overrides `workflow.maxParallel` (1..8). */
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
  /** A slot pool shared with other runs (server-wide cap); acquired per step process. */
  readonly processSlots?: ProcessSlots;
  /** Where step attempts run. @default the local dispatcher (child processes of this process) */
  readonly dispatcher?: StepDispatcher;
  /**
   * A folder the workflow's own folder must still lie in, links followed, when each attempt starts
   * (a server's workspace): a folder swapped for a link after the workflow was stored runs nothing.
   */
  readonly confineTo?: string;
}
