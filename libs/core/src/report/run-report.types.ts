import type { FailureReason } from '../step-type/step-type';
import type { SkipReason } from '../run/execution-events';
import type { StepId } from '../spec/workflow.types';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/** Why a step ended other than in success. */
export type StepReason = FailureReason | SkipReason;

/** One `foreach` item of a step. */
export interface ItemReport {
  readonly index: number;
  readonly status: StepStatus;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly attempts: number;
  readonly outputs: Record<string, unknown> | null;
  readonly reason: StepReason | null;
  /** The worker that ran its last attempt, or null (on the server itself, or never started). */
  readonly worker?: string | null;
}

/** One step in a run report. */
export interface StepReport {
  readonly status: StepStatus;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Time from its first process's start to its last's end; null when it never ran. */
  readonly durationMs: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Attempts made (for a `foreach` step, the most any item needed). */
  readonly attempts: number;
  /** Its outputs: an object, or for a `foreach` step the array of the items' outputs. */
  readonly outputs: unknown;
  readonly reason: StepReason | null;
  /** A one-line explanation of a failure or skip. */
  readonly message: string | null;
  /** Slot its first process ran in. */
  readonly lane: number | null;
  /** True when retry-from-failure reused an earlier run's outputs instead of running it. */
  readonly reused: boolean;
  /**
   * The worker that ran its last attempt (for a `foreach` step, the last item attempt that
   * started), or null: it ran on the server (or CLI) itself, or never ran.
   */
  readonly worker: string | null;
  /** Per-item results of a `foreach` step. */
  readonly items?: ItemReport[];
}

/** A run's final report: what `weft run --json` prints and `GET /api/runs/:id` returns. */
export interface RunReport {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatus;
  readonly maxParallel: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Wall time of the run. */
  readonly makespanMs: number;
  /** Sum of step durations: the run's time one step at a time. */
  readonly sequentialMs: number;
  /** sequentialMs / makespanMs, 2 decimals. */
  readonly speedup: number;
  /** sequentialMs / criticalPathMs, 2 decimals. */
  readonly idealSpeedup: number;
  /** Most step processes running at one instant. */
  readonly peakParallelism: number;
  /** The critical path measured on this run's durations. */
  readonly criticalPath: StepId[];
  /** The run this one retried, if any. */
  readonly retryOf: string | null;
  readonly steps: Record<StepId, StepReport>;
}
