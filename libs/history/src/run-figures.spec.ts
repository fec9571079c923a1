import { CompositeLifeCycle, type ExecutionEvent, type RunReport } from '@weft/core';
import { CoordinatorHarness, T0 } from '../../core/src/testing/coordinator-harness';
import { HistoryStore } from './history-store';
import { rebuildFigures, type RunFigures } from './run-figures';
import { TEST_DATABASE_KINDS, testDatabase, type TestDatabase } from './testing/test-databases';

const at = (ms: number) => new Date(T0 + ms).toISOString();

const figuresOf = ({
  makespanMs,
  sequentialMs,
  speedup,
  idealSpeedup,
  peakParallelism,
  criticalPath,
}: RunReport): RunFigures => ({
  makespanMs,
  sequentialMs,
  speedup,
  idealSpeedup,
  peakParallelism,
  criticalPath,
});

/**
 * A run of core's coordinator, by hand: `a` fails once and is retried, `c` runs two `foreach` items
 * at once, `b` waits for `a` and is running when the run is cancelled at 1000 ms.
 */
function liveRun(): { events: ExecutionEvent[]; report: RunReport } {
  const h = new CoordinatorHarness(
    { a: [], b: ['a'], c: [] },
    { overrides: { a: { retries: 1, retryDelayMs: 200 }, c: { foreach: [1, 2] } } },
  );
  h.start();
  h.advance(300);
  h.fail('a#1');
  h.advance(300); // a's retry starts at 500
  for (const job of h.jobs.filter((job) => job.stepId === 'c')) h.finish(job.id);
  h.advance(300);
  h.finish('a#2');
  h.advance(100);
  h.cancel();
  h.finish('b#1', { ok: false, reason: 'cancelled', message: 'cancelled' });
  return { events: h.events, report: h.report! };
}

describe.each(TEST_DATABASE_KINDS)('a stored run’s figures on %s', (kind) => {
  let db: TestDatabase;
  let store: HistoryStore;

  beforeEach(async () => {
    db = await testDatabase(kind);
    store = await HistoryStore.open(db.options);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store?.close();
    await db?.dispose();
  });

  it('are the live report’s when the run’s end was not recorded: while it shows as running, and once marked interrupted', async () => {
    const live = liveRun();
    expect(live.events.at(-1)?.type).toBe('run.finished');
    // Busy time of every attempt (a: 300 + 400, c: 2 × 600, b: 100), not the steps' wall durations.
    expect(figuresOf(live.report)).toEqual({
      makespanMs: 1000,
      sequentialMs: 2000,
      speedup: 2,
      idealSpeedup: 2.5,
      peakParallelism: 3,
      criticalPath: ['a', 'b'],
    });

    const life = store.lifeCycle();
    const observers = new CompositeLifeCycle([life]);
    for (const event of live.events.slice(0, -1)) observers.emit(event);
    await life.flush();

    jest.spyOn(Date, 'now').mockReturnValue(T0 + 1000);
    const running = await store.getReport(live.report.runId);
    expect(running?.status).toBe('running');
    expect(figuresOf(running!)).toEqual(figuresOf(live.report));
    jest.restoreAllMocks();

    expect(await store.markInterrupted()).toEqual([live.report.runId]);
    const interrupted = await store.getReport(live.report.runId);
    expect(interrupted).toMatchObject({ status: 'interrupted', finishedAt: at(1000) });
    expect(figuresOf(interrupted!)).toEqual(figuresOf(live.report));
    expect(await store.getRun(live.report.runId)).toMatchObject({
      makespanMs: 1000,
      sequentialMs: 2000,
      speedup: 2,
      idealSpeedup: 2.5,
      peakParallelism: 3,
    });
  });

  it('are the live report’s, as it was, once the run finished', async () => {
    const live = liveRun();
    const life = store.lifeCycle();
    const observers = new CompositeLifeCycle([life]);
    for (const event of live.events) observers.emit(event);
    await life.flush();
    expect(await store.getReport(live.report.runId)).toEqual(live.report);
  });
});

describe('rebuildFigures', () => {
  const plan = {
    steps: ['a', 'b', 'c'],
    edges: [['a', 'b']] as [string, string][],
    levels: [['a', 'c'], ['b']],
    criticalPath: ['c'],
    idealSpeedup: 1,
  };
  const step = (
    stepId: string,
    durationMs: number | null,
    runningAtStart: number | null,
    reused = false,
  ) => ({ stepId, durationMs, reused, runningAtStart });

  it('figures a run without an event log from its step rows, on the plan’s graph, reused steps counting 0', () => {
    const run = { status: 'interrupted' as const, startedAt: at(0), plan };
    const steps = [step('a', 400, 1), step('b', 300, 1), step('c', 500, 2, true)];
    expect(rebuildFigures(run, [], steps, at(700))).toEqual({
      makespanMs: 700,
      sequentialMs: 700,
      speedup: 1,
      idealSpeedup: 1,
      peakParallelism: 2,
      criticalPath: ['a', 'b'],
    });
  });

  it('gives a run where nothing ran speedups of 1, as the live report does', () => {
    const run = { status: 'failed' as const, startedAt: at(0), plan: null };
    expect(rebuildFigures(run, [], [step('a', null, null)], at(50))).toEqual({
      makespanMs: 50,
      sequentialMs: 0,
      speedup: 1,
      idealSpeedup: 1,
      peakParallelism: 0,
      criticalPath: [],
    });
  });
});
