import type { AttemptFinishedEvent, ExecutionEvent, StepFinishedEvent } from '../run/execution-events';
import type { StepId } from '../spec/workflow.types';
import { CoordinatorHarness, eventLine, type HarnessSetup } from '../testing/coordinator-harness';
import { readRunLog } from './run-log';

/**
 * A second coordinator that resumes `first`'s run from its events, `elapsedMs` after the first
 * harness's start (the time the first ran plus the time the run had no owner).
 */
function resumeOf(
  first: CoordinatorHarness,
  adjacency: Record<StepId, readonly StepId[]>,
  setup: HarnessSetup,
  elapsedMs: number,
  cancelled = false,
): { second: CoordinatorHarness; log: ExecutionEvent[] } {
  const log = [...first.events];
  const second = new CoordinatorHarness(adjacency, setup);
  second.advance(elapsedMs);
  second.resume(log, cancelled);
  return { second, log };
}

const finishedOf = (h: CoordinatorHarness, stepId: string) =>
  h.events.find((e): e is StepFinishedEvent => e.type === 'step.finished' && e.stepId === stepId);
const attemptEnds = (h: CoordinatorHarness) =>
  h.events.filter((e): e is AttemptFinishedEvent => e.type === 'attempt.finished').map((e) => `${eventLine(e)} ${e.reason ?? 'ok'}`);

describe('RunCoordinator resume (a run whose server was lost)', () => {
  const chain = { a: [], b: ['a'], c: ['b'] };

  it('keeps finished steps, starts the running one again as a new attempt after a server_lost one, and finishes the run', () => {
    const first = new CoordinatorHarness(chain);
    first.start();
    first.advance(100);
    first.finish('a#1', { ok: true, outputs: { n: 1 } });
    first.advance(50); // b runs when its server dies
    const { second } = resumeOf(first, chain, {}, 5000);

    expect(second.events.map(eventLine)).toEqual(['attempt.finished b#1', 'attempt.started b#2']);
    expect(second.jobs.map((job) => job.id)).toEqual(['b#2']);
    expect(second.jobs[0].inputs).toEqual({});
    const lost = second.events[0] as AttemptFinishedEvent;
    expect(lost).toMatchObject({ reason: 'server_lost', willRetry: true, retryInMs: 0, durationMs: 4900, lane: 0 });

    second.advance(200);
    second.finish('b#2');
    second.advance(300);
    second.finish('c#1');
    const report = second.report!;
    expect(report.status).toBe('succeeded');
    expect(report.steps.a).toMatchObject({ status: 'succeeded', attempts: 1, outputs: { n: 1 }, durationMs: 100 });
    expect(report.steps.b).toMatchObject({ status: 'succeeded', attempts: 2, durationMs: 5100 });
    expect(report.steps.c).toMatchObject({ status: 'succeeded', attempts: 1, durationMs: 300 });
    expect(report.makespanMs).toBe(5500);
    // Busy time counts the lost attempt: the sequential figure is what the steps held processes for.
    expect(report.sequentialMs).toBe(100 + 4900 + 200 + 300);
  });

  it('does not count a server_lost attempt against retries', () => {
    const setup = { overrides: { a: { retries: 1, retryDelayMs: 1000 } } };
    const first = new CoordinatorHarness({ a: [] }, setup);
    first.start();
    first.fail('a#1');
    first.advance(1000); // a#2 running
    const { second } = resumeOf(first, { a: [] }, setup, 2000);
    expect(second.jobs.map((job) => job.id)).toEqual(['a#3']);
    second.fail('a#3');
    // attempt 3 is the second that counts: retries: 1 is used up by a#1's failure, so a#3 is the last.
    expect(attemptEnds(second)).toEqual(['attempt.finished a#2 server_lost', 'attempt.finished a#3 exit_code']);
    expect(second.report!.steps.a).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('keeps what is left of a pending retry backoff', () => {
    const setup = { overrides: { a: { retries: 2, retryDelayMs: 1000 } } };
    const first = new CoordinatorHarness({ a: [] }, setup);
    first.start();
    first.advance(10);
    first.fail('a#1'); // retry due at 1010
    const { second } = resumeOf(first, { a: [] }, setup, 400);
    expect(second.events).toEqual([]);
    expect(second.timers).toEqual({ 'retry:a': 610 });
    second.advance(610);
    expect(second.jobs.map((job) => job.id)).toEqual(['a#2']);

    // A backoff that ran out while no server owned the run retries at once.
    const late = resumeOf(first, { a: [] }, setup, 3000).second;
    expect(late.timers).toEqual({ 'retry:a': 0 });
  });

  it('never runs a finished foreach item again and keeps its outputs in order', () => {
    const adjacency = { list: [], each: ['list'], sum: ['each'] };
    const setup = { overrides: { each: { foreach: '${steps.list.outputs.items}' as unknown as string } } };
    const first = new CoordinatorHarness(adjacency, setup);
    first.start();
    first.finish('list#1', { ok: true, outputs: { items: ['x', 'y', 'z'] } });
    first.finish('each[1]#1', { ok: true, outputs: { v: 'Y' } });
    const { second } = resumeOf(first, adjacency, setup, 100);
    expect(second.jobs.map((job) => job.id)).toEqual(['each[0]#2', 'each[2]#2']);
    expect(second.jobs.map((job) => job.item)).toEqual([{ value: 'x', index: 0 }, { value: 'z', index: 2 }]);
    second.finish('each[0]#2', { ok: true, outputs: { v: 'X' } });
    second.finish('each[2]#2', { ok: true, outputs: { v: 'Z' } });
    expect(finishedOf(second, 'each')!.result.outputs).toEqual([{ v: 'X' }, { v: 'Y' }, { v: 'Z' }]);
    expect(finishedOf(second, 'each')!.result.items!.map((item) => item.attempts)).toEqual([2, 1, 2]);
    second.finish('sum#1');
    expect(second.report!.status).toBe('succeeded');
  });

  it('counts the first attempt of a step whose step.started was logged but not its attempt.started', () => {
    const first = new CoordinatorHarness(chain);
    first.start();
    first.finish('a#1');
    const cut = first.events.findIndex((e) => e.type === 'attempt.started' && e.stepId === 'b');
    const second = new CoordinatorHarness(chain);
    second.advance(100);
    second.resume(first.events.slice(0, cut));
    expect(attemptEnds(second)).toEqual(['attempt.finished b#1 server_lost']);
    expect(second.jobs.map((job) => job.id)).toEqual(['b#2']);
  });

  it('finishes a step whose last attempt ended before the server died but whose end was not logged', () => {
    const first = new CoordinatorHarness(chain);
    first.start();
    first.finish('a#1', { ok: true, outputs: { n: 7 } });
    const cut = first.events.findIndex((e) => e.type === 'step.finished');
    const second = new CoordinatorHarness(chain);
    second.resume(first.events.slice(0, cut));
    expect(second.events.map(eventLine)).toEqual(['step.finished a', 'step.started b', 'attempt.started b#1']);
    expect(finishedOf(second, 'a')!.result).toMatchObject({ status: 'succeeded', outputs: { n: 7 }, attempts: 1 });
  });

  it('decides again the steps whose decision was not logged (a skip after a failure)', () => {
    const first = new CoordinatorHarness(chain);
    first.start();
    first.fail('a#1');
    const log = first.events.filter((e) => e.type !== 'run.finished' && !(e.type === 'step.finished' && e.stepId !== 'a'));
    const second = new CoordinatorHarness(chain);
    second.resume(log);
    expect(second.events.map(eventLine)).toEqual(['step.finished b', 'step.finished c', 'run.finished']);
    expect(second.report!.steps.b).toMatchObject({ status: 'skipped', reason: 'upstream_failed' });
    expect(second.report!.status).toBe('failed');
  });

  it('cancels as it resumes when the user cancelled while the run had no server', () => {
    const first = new CoordinatorHarness({ a: [], b: [] });
    first.start();
    first.finish('a#1');
    const { second } = resumeOf(first, { a: [], b: [] }, {}, 100, true);
    expect(second.jobs).toEqual([]);
    expect(attemptEnds(second)).toEqual(['attempt.finished b#1 server_lost']);
    expect(second.report!.status).toBe('cancelled');
    expect(second.report!.steps.a.status).toBe('succeeded');
    expect(second.report!.steps.b).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
  });

  it('goes on cancelling under failFast when a failure is in the log', () => {
    const setup = { fields: { failFast: true } };
    const adjacency = { a: [], b: [], c: ['b'] };
    const first = new CoordinatorHarness(adjacency, { ...setup, options: { maxParallel: 2 } });
    first.start();
    first.fail('a#1');
    const log = first.events.filter((e) => e.type !== 'step.finished' || e.stepId === 'a');
    const second = new CoordinatorHarness(adjacency, { ...setup, options: { maxParallel: 2 } });
    second.resume(log);
    expect(second.jobs).toEqual([]);
    expect(second.report!.status).toBe('failed');
    expect(second.report!.steps.c.status).toBe('cancelled');
  });

  it('starts from scratch when the log has no run.started, and refuses a run that already finished', () => {
    const fresh = new CoordinatorHarness(chain);
    fresh.resume([]);
    expect(fresh.events.map(eventLine)).toEqual(['run.started', 'step.started a', 'attempt.started a#1']);

    const done = new CoordinatorHarness({ a: [] });
    done.start();
    done.finish('a#1');
    expect(() => new CoordinatorHarness({ a: [] }).resume(done.events)).toThrow(/already finished/);
  });

  it('leaves a log that reads as one run: every attempt that started has an end', () => {
    const first = new CoordinatorHarness(chain);
    first.start();
    first.finish('a#1');
    const { second, log } = resumeOf(first, chain, {}, 1000);
    second.finish('b#2');
    second.finish('c#1');
    const whole = readRunLog([...log, ...second.events]);
    expect(whole.finished).toBe(true);
    expect([...whole.units.values()].filter((unit) => unit.open !== null)).toEqual([]);
    expect(whole.units.get('b')).toMatchObject({ attempts: 2, lost: 1 });
    expect([...log, ...second.events].filter((e) => e.type === 'run.started')).toHaveLength(1);
  });
});
