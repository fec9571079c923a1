import type { AttemptFinishedEvent, AttemptStartedEvent } from '../run/execution-events';
import { CoordinatorHarness, eventLine } from '../testing/coordinator-harness';
import { MAX_WORKER_LOST_REDISPATCHES } from './run-coordinator';

/** Attempts that run on workers: who ran them, lost workers, and re-attaching after a server was lost. */

const LOST = { ok: false, reason: 'worker_lost', message: "worker w1 stopped answering (last seen 31 s ago)" } as const;
const attemptEnds = (h: CoordinatorHarness) =>
  h.events.filter((e): e is AttemptFinishedEvent => e.type === 'attempt.finished').map((e) => `${eventLine(e)} ${e.reason ?? 'ok'} ${e.worker}`);

describe('RunCoordinator with workers', () => {
  it('records the worker of each attempt in its events and the step report (null when run here)', () => {
    const h = new CoordinatorHarness({ a: [], b: ['a'] }, { autoStart: false });
    h.start();
    h.started('a#1', 'build-1:42');
    h.advance(100);
    h.finish('a#1');
    h.started('b#1');
    h.finish('b#1');
    const started = h.events.filter((e): e is AttemptStartedEvent => e.type === 'attempt.started');
    expect(started.map((e) => [e.stepId, e.worker])).toEqual([
      ['a', 'build-1:42'],
      ['b', null],
    ]);
    expect(attemptEnds(h)).toEqual(['attempt.finished a#1 ok build-1:42', 'attempt.finished b#1 ok null']);
    expect(h.report!.steps.a.worker).toBe('build-1:42');
    expect(h.report!.steps.b.worker).toBeNull();
  });

  it("keeps each foreach item's worker, and the step's is the last that started", () => {
    const h = new CoordinatorHarness({ a: [] }, { autoStart: false, overrides: { a: { foreach: ['x', 'y'] } } });
    h.start();
    h.started('a[0]#1', 'w1');
    h.started('a[1]#1', 'w2');
    h.finish('a[1]#1');
    h.finish('a[0]#1');
    expect(h.report!.steps.a.items!.map((item) => item.worker)).toEqual(['w1', 'w2']);
    expect(h.report!.steps.a.worker).toBe('w2');
  });

  it('dispatches a lost attempt again at once as a new attempt, not counted against retries', () => {
    const h = new CoordinatorHarness({ a: [], b: ['a'] }, { worker: 'w1', overrides: { a: { retries: 0 } } });
    h.start();
    h.advance(1000);
    h.finish('a#1', LOST);
    expect(h.jobs.map((job) => job.id)).toEqual(['a#1', 'a#2']);
    expect(h.events.at(-2)).toMatchObject({ type: 'attempt.finished', reason: 'worker_lost', willRetry: true, retryInMs: 0, worker: 'w1' });
    h.advance(200);
    h.finish('a#2', { ok: false, reason: 'exit_code', exitCode: 1, message: 'exited with code 1' });
    // retries: 0 still means no retry after a real failure: the lost attempt did not use it up.
    expect(h.report!.steps.a).toMatchObject({ status: 'failed', reason: 'exit_code', attempts: 2 });
  });

  it('lets a step that also has retries keep all of them after a lost worker', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { retries: 1, retryDelayMs: 1000 } } });
    h.start();
    h.finish('a#1', LOST);
    h.fail('a#2');
    expect(h.timers).toEqual({ 'retry:a': 1000 }); // the first backoff: one counted attempt so far
    h.advance(1000);
    h.finish('a#3');
    expect(h.report!.steps.a).toMatchObject({ status: 'succeeded', attempts: 3 });
  });

  it(`fails the step once its worker was lost ${MAX_WORKER_LOST_REDISPATCHES + 1} times, saying why, even with retries left`, () => {
    const h = new CoordinatorHarness({ a: [], side: [] }, { overrides: { a: { retries: 5 } } });
    h.start();
    h.finish('side#1');
    for (let n = 1; n <= MAX_WORKER_LOST_REDISPATCHES + 1; n++) h.finish(`a#${n}`, LOST);
    expect(h.jobs.map((job) => job.id)).toEqual(['a#1', 'side#1', 'a#2', 'a#3', 'a#4']);
    const a = h.report!.steps.a;
    expect(a).toMatchObject({ status: 'failed', reason: 'worker_lost', attempts: 4 });
    expect(a.message).toContain('lost 4 times, so it is not dispatched again');
    expect(attemptEnds(h).filter((line) => line.includes(' a#'))).toHaveLength(4);
    expect(h.events.filter((e): e is AttemptFinishedEvent => e.type === 'attempt.finished' && e.stepId === 'a').map((e) => e.willRetry)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(h.report!.status).toBe('failed');
  });

  it('ends a lost attempt of a cancelled run cancelled instead of dispatching it again', () => {
    const h = new CoordinatorHarness({ a: [] });
    h.start();
    h.cancel();
    h.finish('a#1', LOST);
    expect(h.jobs).toHaveLength(1);
    expect(h.report!.steps.a).toMatchObject({ status: 'cancelled' });
  });

  it('puts the worker label and the remaining critical path on each job, and the labels in run.started', () => {
    const h = new CoordinatorHarness({ a: [], b: ['a'], c: [] }, { overrides: { a: { runsOn: 'gpu' } } });
    h.start();
    expect(h.jobs.map((job) => [job.id, job.runsOn, job.priority])).toEqual([
      ['a#1', 'gpu', 2],
      ['c#1', null, 1],
    ]);
    const started = h.events[0];
    expect(started.type === 'run.started' && started.steps.map((step) => [step.id, step.runsOn])).toEqual([
      ['a', 'gpu'],
      ['b', null],
      ['c', null],
    ]);
  });

  describe('resume with reattach (attempts outlive their server)', () => {
    const chain = { a: [], b: ['a'], c: ['b'] };

    it('re-attaches to the running attempt instead of starting a new one, and its end goes on as usual', () => {
      const first = new CoordinatorHarness(chain, { worker: 'w1', overrides: { b: { timeoutMs: 10_000 } } });
      first.start();
      first.advance(100);
      first.finish('a#1');
      first.advance(1000); // b runs on w1 when the server dies
      const second = new CoordinatorHarness(chain, { worker: 'w2', overrides: { b: { timeoutMs: 10_000 } } });
      second.advance(4000);
      const effects = second.resume(first.events, false, true);
      expect(second.events).toEqual([]);
      expect(effects.filter((e) => e.type === 'dispatch')).toEqual([{ type: 'dispatch', job: expect.objectContaining({ id: 'b#1', lane: 0 }), reattach: true }]);
      // Its timeout counts from when it started on the worker: 10 s - (4 s - 100 ms).
      expect(second.timers).toEqual({ 'timeout:b#1': 6100 });
      expect(second.coordinator.running).toBe(1);
      second.advance(500);
      second.finish('b#1', { ok: true, outputs: { done: true } });
      second.finish('c#1');
      const report = second.report!;
      expect(report.status).toBe('succeeded');
      expect(report.steps.b).toMatchObject({ status: 'succeeded', attempts: 1, worker: 'w1', outputs: { done: true }, durationMs: 4400 });
      expect(report.steps.c.worker).toBe('w2');
      expect(attemptEnds(second)).toEqual(['attempt.finished b#1 ok w1', 'attempt.finished c#1 ok w2']);
    });

    it('still dispatches a re-attached attempt again when its worker turns out lost', () => {
      const first = new CoordinatorHarness({ a: [] }, { worker: 'w1' });
      first.start();
      const second = new CoordinatorHarness({ a: [] }, { worker: 'w2' });
      second.resume(first.events, false, true);
      second.finish('a#1', LOST);
      expect(second.jobs.map((job) => job.id)).toEqual(['a#1', 'a#2']);
      second.finish('a#2');
      expect(second.report!.steps.a).toMatchObject({ status: 'succeeded', attempts: 2, worker: 'w2' });
    });

    it('keeps the lanes and pools of re-attached attempts taken, so limits hold', () => {
      const adjacency = { a: [], b: [], c: [] };
      const setup = { fields: { maxParallel: 2 } };
      const first = new CoordinatorHarness(adjacency, setup);
      first.start(); // a and b run, c waits
      const second = new CoordinatorHarness(adjacency, setup);
      second.resume(first.events, false, true);
      expect(second.jobs.map((job) => [job.id, job.lane])).toEqual([
        ['a#1', first.jobs[0].lane],
        ['b#1', first.jobs[1].lane],
      ]);
      second.finish('a#1');
      expect(second.jobs.map((job) => job.id)).toEqual(['a#1', 'b#1', 'c#1']);
      expect(second.jobs[2].lane).toBe(first.jobs[0].lane);
    });

    it('counts worker losses from the log toward the cap', () => {
      const first = new CoordinatorHarness({ a: [] });
      first.start();
      for (let n = 1; n <= MAX_WORKER_LOST_REDISPATCHES; n++) first.finish(`a#${n}`, LOST);
      const second = new CoordinatorHarness({ a: [] });
      second.resume(first.events, false, true);
      second.finish(`a#${MAX_WORKER_LOST_REDISPATCHES + 1}`, LOST);
      expect(second.report!.steps.a).toMatchObject({ status: 'failed', reason: 'worker_lost' });
    });
  });
});
