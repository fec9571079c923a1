import type { RunReport, RunStatus, StepReason, StepStatus } from '@weft/core/browser';

/** A step id, as in the workflow document. */
export type StepId = string;

/** One process of a step: an attempt, or a `foreach` item's attempt. Times are epoch milliseconds. */
export interface AttemptState {
  readonly stepId: StepId;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** `foreach` item index, or null. */
  readonly item: number | null;
  /** Slot 0..maxParallel-1 the process ran in, or null when unknown (then the timeline packs it). */
  readonly lane: number | null;
  readonly startMs: number;
  /** Null while the process runs. */
  readonly endMs: number | null;
  /** Null while the process runs. */
  readonly ok: boolean | null;
  readonly reason: StepReason | null;
  readonly message: string | null;
  /** True when another attempt followed this failed one. */
  readonly willRetry: boolean;
  /** Id of the worker that ran it, or null when it ran on the server itself. */
  readonly worker: string | null;
}

/** One step as the widgets see it. */
export interface StepState {
  readonly id: StepId;
  /** Step type (`python`, `shell`…), when known. */
  readonly type: string | null;
  /** Direct dependencies. */
  readonly needs: readonly StepId[];
  readonly status: StepStatus;
  /** Why it failed or was skipped. */
  readonly reason: StepReason | null;
  /** A one-line explanation of a failure or skip. */
  readonly message: string | null;
  readonly startMs: number | null;
  readonly endMs: number | null;
  readonly durationMs: number | null;
  /** Slot its first process ran in. */
  readonly lane: number | null;
  /** Attempts made (the last one's number). */
  readonly attempts: number;
  /** Number of `foreach` items, when it is a `foreach` step. */
  readonly itemCount: number | null;
  readonly reused: boolean;
  /** Id of the worker that ran its last attempt, or null: on the server itself, or not started. */
  readonly worker: string | null;
  /**
   * The worker label the step asks for (`runsOn:`), from `run.started`; null when it runs anywhere,
   * or when unknown (a state built from a report alone, or a server from before labels).
   */
  readonly runsOn: string | null;
}

/** Processes running at an instant. */
export interface ConcurrencySample {
  /** Epoch milliseconds. */
  readonly t: number;
  readonly running: number;
}

/** Everything the widgets draw: built from the SSE events by `reduceRunEvents`, or from a report by `runStateFromReport`. */
export interface RunState {
  readonly runId: string | null;
  readonly workflow: string | null;
  /** `pending` until `run.started`. */
  readonly status: RunStatus | 'pending';
  readonly maxParallel: number;
  /** Epoch milliseconds; null before the run started. */
  readonly startMs: number | null;
  readonly endMs: number | null;
  /** Step ids in declaration order. */
  readonly order: readonly StepId[];
  readonly steps: Readonly<Record<StepId, StepState>>;
  /** Dependency edges `[from, to]`: `to` waits for `from`. */
  readonly edges: readonly (readonly [StepId, StepId])[];
  /** Every process seen, in start order. */
  readonly attempts: readonly AttemptState[];
  /** Step processes running now (from the last event). */
  readonly running: number;
  /** Most step processes running at one instant so far. */
  readonly peak: number;
  /** `running` after each event, for the concurrency strip when no attempt timings are known. */
  readonly samples: readonly ConcurrencySample[];
  /** The critical path: the plan's estimate while live, the measured one once the report arrived. */
  readonly criticalPath: readonly StepId[];
  /** Captured logs by step (from `step.log` chunks, replaced by `step.finished`'s full log). */
  readonly logs: Readonly<Record<StepId, string>>;
  /** Epoch milliseconds of the last event applied. */
  readonly lastEventMs: number | null;
  /** The final report once `run.finished` arrived (or the report the state was built from). */
  readonly report: RunReport | null;
}
