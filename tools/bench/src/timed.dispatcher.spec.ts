import type { AttemptIO, AttemptJob, StepDispatcher, StepOutcome } from '@weft/core';
import { TimedDispatcher } from './timed.dispatcher';

/** A dispatcher that starts each attempt when told to, then ends it. */
class HandStartedDispatcher implements StepDispatcher {
  readonly waiting: (() => void)[] = [];

  dispatch(_job: AttemptJob, io: AttemptIO): Promise<StepOutcome> {
    return new Promise((resolve) =>
      this.waiting.push(() => {
        io.started('worker-1');
        resolve({ ok: true, outputs: {} });
      }),
    );
  }
}

const job = (stepId: string) => ({ runId: 'run-1', stepId, attempt: 1 }) as AttemptJob;
const io = (started: (worker?: string | null) => void): AttemptIO => ({
  signal: new AbortController().signal,
  started,
  log: () => undefined,
});

describe('TimedDispatcher', () => {
  it('records dispatch, start, worker and end of each attempt, and passes the start on', async () => {
    const inner = new HandStartedDispatcher();
    const timed = new TimedDispatcher(inner);
    const started: (string | null | undefined)[] = [];
    const outcome = timed.dispatch(
      job('a'),
      io((worker) => started.push(worker)),
    );
    expect(timed.timings).toEqual([
      expect.objectContaining({ stepId: 'a', startedAt: null, finishedAt: null }),
    ]);
    expect(timed.latencies()).toEqual([]);

    inner.waiting[0]();
    await expect(outcome).resolves.toEqual({ ok: true, outputs: {} });
    const [timing] = timed.timings;
    expect(started).toEqual(['worker-1']);
    expect(timing).toEqual(expect.objectContaining({ worker: 'worker-1', ok: true }));
    expect(timing.startedAt!).toBeGreaterThanOrEqual(timing.dispatchedAt);
    expect(timing.finishedAt!).toBeGreaterThanOrEqual(timing.startedAt!);
    expect(timed.latencies()).toEqual([timing.startedAt! - timing.dispatchedAt]);
  });

  it('says it re-attaches only when the dispatcher inside does', () => {
    expect(new TimedDispatcher(new HandStartedDispatcher()).reattaches).toBe(false);
    expect(
      new TimedDispatcher({ reattaches: true, dispatch: () => Promise.resolve({ ok: true }) }).reattaches,
    ).toBe(true);
  });
});
