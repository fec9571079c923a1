import type { ParallelExecutor, StepId } from '@weft/core';

/** A run this process is executing. */
export interface ActiveRun {
  readonly runId: string;
  readonly controller: AbortController;
  readonly executor: ParallelExecutor;
  /** Logs of the steps still running, as they are written (capped). */
  readonly liveLogs: Map<StepId, string>;
  /** Settles once the run ended and its history is written. */
  readonly done: Promise<void>;
}

/** Appends `chunk` to `log`, keeping at most the last `max` characters. */
export function appendCapped(log: string, chunk: string, max: number): string {
  const next = log + chunk;
  return next.length > max ? next.slice(next.length - max) : next;
}
