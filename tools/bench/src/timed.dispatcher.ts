import { performance } from 'node:perf_hooks';
import type { AttemptIO, AttemptJob, StepDispatcher, StepOutcome } from '@weft/core';

/** One attempt as the run saw it go out and start (`performance.now()` ms). */
export interface DispatchTiming {
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  /** When the coordinator handed the attempt to the dispatcher. */
  readonly dispatchedAt: number;
  /** When the dispatcher said it started (`io.started`); null while it has not. */
  startedAt: number | null;
  /** The worker it started on (null: this process's children). */
  worker: string | null;
  /** When its outcome came back; null while it has not. */
  finishedAt: number | null;
  ok: boolean | null;
}

/**
 * A {@link StepDispatcher} around another that records, per attempt, when the coordinator dispatched
 * it, when it started and where, and when it ended: dispatch latency is `startedAt - dispatchedAt`,
 * read in the process that runs the coordinator whichever dispatcher is inside.
 */
export class TimedDispatcher implements StepDispatcher {
  readonly timings: DispatchTiming[] = [];
  readonly reattaches: boolean;

  constructor(private readonly inner: StepDispatcher) {
    this.reattaches = inner.reattaches === true;
  }

  async dispatch(job: AttemptJob, io: AttemptIO): Promise<StepOutcome> {
    const timing: DispatchTiming = {
      runId: job.runId,
      stepId: job.stepId,
      attempt: job.attempt,
      dispatchedAt: performance.now(),
      startedAt: null,
      worker: null,
      finishedAt: null,
      ok: null,
    };
    this.timings.push(timing);
    const outcome = await this.inner.dispatch(job, {
      signal: io.signal,
      reattach: io.reattach,
      log: io.log,
      started: (worker) => {
        timing.startedAt ??= performance.now();
        timing.worker = worker ?? null;
        io.started(worker);
      },
    });
    timing.finishedAt = performance.now();
    timing.ok = outcome.ok;
    return outcome;
  }

  /** Dispatch → started of every attempt that started, in ms. */
  latencies(): number[] {
    return this.timings.flatMap((t) => (t.startedAt === null ? [] : [t.startedAt - t.dispatchedAt]));
  }
}
