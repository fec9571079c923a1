import { DataSource } from 'typeorm';
import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ExecutionEvent,
  RunFinishedEvent,
  RunReport,
  RunStartedEvent,
  StepFinishedEvent,
  StepLogEvent,
  StepReport,
  StepStartedEvent,
} from '@weft/core';
import { historyDataSourceOptions } from './history-data-source';
import { HistoryStore } from './history-store';
import { InitialSchema1764150000000 } from './migrations/1764150000000-initial-schema.migration';
import { OneRetryInFlight1764700000000 } from './migrations/1764700000000-one-retry-in-flight.migration';
import { TEST_DATABASE_KINDS, testDatabase, type TestDatabase } from './testing/test-databases';

const at = (ms: number) => new Date(Date.parse('2026-12-02T10:00:00.000Z') + ms).toISOString();

function stepResult(overrides: Partial<StepReport> = {}): StepReport {
  return {
    status: 'succeeded',
    startedAt: at(10),
    finishedAt: at(20),
    durationMs: 10,
    exitCode: 0,
    signal: null,
    attempts: 1,
    outputs: { n: 1 },
    reason: null,
    message: null,
    lane: 0,
    reused: false,
    worker: null,
    ...overrides,
  };
}

function report(runId: string, steps: Record<string, StepReport>): RunReport {
  return {
    runId,
    workflow: 'log',
    status: 'succeeded',
    maxParallel: 2,
    startedAt: at(0),
    finishedAt: at(30),
    makespanMs: 30,
    sequentialMs: 10,
    speedup: 0.33,
    idealSpeedup: 1,
    peakParallelism: 1,
    criticalPath: ['a'],
    retryOf: null,
    steps,
  };
}

/** The events a one-step run emits, `step.log` included, in order. */
function oneStepRun(runId: string): ExecutionEvent[] {
  const result = stepResult();
  const started: RunStartedEvent = {
    type: 'run.started',
    runId,
    timestamp: at(0),
    running: 0,
    workflow: 'log',
    maxParallel: 2,
    plan: { steps: ['a'], edges: [], levels: [['a']], criticalPath: ['a'], idealSpeedup: 1 },
    steps: [{ id: 'a', type: 'shell', needs: [] }],
  };
  const stepStarted: StepStartedEvent = { type: 'step.started', runId, stepId: 'a', lane: 0, timestamp: at(10), running: 1 };
  const attemptStarted: AttemptStartedEvent = { type: 'attempt.started', runId, stepId: 'a', attempt: 1, item: null, lane: 0, worker: null, timestamp: at(10), running: 1 };
  const log: StepLogEvent = { type: 'step.log', runId, stepId: 'a', item: null, chunk: 'hello\n', timestamp: at(15), running: 1 };
  const attemptFinished: AttemptFinishedEvent = {
    type: 'attempt.finished',
    runId,
    stepId: 'a',
    attempt: 1,
    item: null,
    lane: 0,
    worker: null,
    startedAt: at(10),
    durationMs: 10,
    ok: true,
    exitCode: 0,
    signal: null,
    reason: null,
    message: null,
    outputs: {},
    willRetry: false,
    retryInMs: null,
    timestamp: at(20),
    running: 0,
  };
  const stepFinished: StepFinishedEvent = { type: 'step.finished', runId, stepId: 'a', result, log: 'hello\n', hash: 'h-a', timestamp: at(20), running: 0 };
  const finished: RunFinishedEvent = { type: 'run.finished', runId, status: 'succeeded', report: report(runId, { a: result }), timestamp: at(30), running: 0 };
  return [started, stepStarted, attemptStarted, log, attemptFinished, stepFinished, finished];
}

/** Feeds `events` to a history writer as the executor would; resolves with what it published. */
async function record(store: HistoryStore, events: ExecutionEvent[]): Promise<{ seq: number | null; type: string }[]> {
  const published: { seq: number | null; type: string }[] = [];
  const life = store.lifeCycle({ onRecorded: (event, seq) => published.push({ seq, type: event.type }) });
  for (const event of events) {
    if (event.type === 'run.started') life.runStarted(event);
    else if (event.type === 'step.started') life.stepStarted(event);
    else if (event.type === 'attempt.started') life.attemptStarted(event);
    else if (event.type === 'attempt.finished') life.attemptFinished(event);
    else if (event.type === 'step.finished') life.stepFinished(event);
    else if (event.type === 'run.finished') life.runFinished(event);
  }
  await life.flush();
  return published;
}

const withoutLog = (event: ExecutionEvent) => {
  if (event.type !== 'step.finished') return event;
  const { log: _log, ...rest } = event;
  return rest;
};

describe.each(TEST_DATABASE_KINDS)('the run event log on %s', (kind) => {
  let db: TestDatabase;
  let store: HistoryStore;

  beforeEach(async () => {
    db = await testDatabase(kind);
    store = await HistoryStore.open(db.options);
  });
  afterEach(async () => {
    await store?.close();
    await db?.dispose();
  });

  it('numbers every event of a run 1, 2, 3… before it is published, and stores it as published, without step logs', async () => {
    const events = oneStepRun('run-a');
    const published = await record(store, events);
    const logged = events.filter((event) => event.type !== 'step.log');
    expect(published).toEqual(logged.map((event, index) => ({ seq: index + 1, type: event.type })));

    const stored = await store.runEvents('run-a');
    expect(stored.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stored.map((entry) => entry.event)).toEqual(logged.map(withoutLog));
    expect(stored[4].event).not.toHaveProperty('log');
    // The text is the event's JSON as it was published, field order included.
    expect(stored.map((entry) => JSON.stringify(entry.event))).toEqual(logged.map((event) => JSON.stringify(withoutLog(event))));

    expect((await store.runEvents('run-a', 4)).map((entry) => [entry.seq, entry.event.type])).toEqual([
      [5, 'step.finished'],
      [6, 'run.finished'],
    ]);
    expect(await store.runEvents('run-a', 6)).toEqual([]);
    expect(await store.lastRunEventSeq('run-a')).toBe(6);
    expect(await store.lastRunEventSeq('unknown')).toBe(0);
    // The tables are written as before.
    expect((await store.getReport('run-a'))?.steps.a).toMatchObject({ status: 'succeeded', outputs: { n: 1 } });
    expect(await store.getStepLog('run-a', 'a')).toEqual({ status: 'succeeded', log: 'hello\n' });
  });

  it("projects attempt.started on the step's row: a running step reports the attempts started so far", async () => {
    await store.startRun({ runId: 'run-r', workflow: 'log', maxParallel: 1, steps: [{ id: 'a', type: 'shell' }] });
    const started = (attempt: number, item: number | null = null): AttemptStartedEvent => ({
      type: 'attempt.started',
      runId: 'run-r',
      stepId: 'a',
      attempt,
      item,
      lane: 0,
      worker: null,
      timestamp: at(10 * attempt),
      running: 1,
    });
    await store.recordAttempt(started(1));
    expect((await store.getReport('run-r'))!.steps.a.attempts).toBe(1);
    await store.recordAttempt(started(2));
    await store.recordAttempt(started(1, 3)); // a foreach item's first attempt never lowers the count
    expect((await store.getReport('run-r'))!.steps.a.attempts).toBe(2);
  });

  it("writes every kind of column of a step's row as it reads it back: text, numbers, nulls, JSON, booleans, and a step the run did not list", async () => {
    await store.startRun({ runId: 'run-c', workflow: 'log', maxParallel: 2, steps: [{ id: 'a', type: 'shell' }] });
    await store.recordStepStarted({ type: 'step.started', runId: 'run-c', stepId: 'a', lane: 1, running: 2, timestamp: at(10) });
    expect((await store.getReport('run-c'))!.steps.a).toMatchObject({ status: 'running', startedAt: at(10), lane: 1 });
    const finished = stepResult({
      status: 'failed',
      exitCode: null,
      signal: 'SIGKILL',
      reason: 'signal',
      message: 'killed by signal SIGKILL — "quoted" ünïcödé',
      outputs: { nested: { list: [1, 'two', null, true] }, 'odd key': 'é' },
      items: [
        { index: 0, status: 'succeeded', startedAt: at(10), finishedAt: at(12), durationMs: 2, exitCode: 0, signal: null, attempts: 1, outputs: { i: 0 }, reason: null },
        { index: 1, status: 'failed', startedAt: at(11), finishedAt: null, durationMs: null, exitCode: null, signal: 'SIGKILL', attempts: 3, outputs: null, reason: 'signal', worker: 'w-7' },
      ],
      reused: true,
      worker: 'w-7',
      lane: 1,
      attempts: 3,
    });
    await store.recordStepFinished({ type: 'step.finished', runId: 'run-c', stepId: 'a', running: 0, timestamp: at(20), result: finished, log: 'out\n', hash: 'h-a' });
    expect((await store.getReport('run-c'))!.steps.a).toEqual(expect.objectContaining({ ...finished }));
    // A step the run did not list gets a row of its own.
    await store.recordStepFinished({ type: 'step.finished', runId: 'run-c', stepId: 'extra', running: 0, timestamp: at(30), result: stepResult(), log: '', hash: 'h-x' });
    expect((await store.getReport('run-c'))!.steps.extra).toMatchObject({ status: 'succeeded', outputs: { n: 1 }, reused: false });
  });

  it("projects the worker of the last attempt on the step's row, and step.finished's worker over it", async () => {
    await store.startRun({ runId: 'run-w', workflow: 'log', maxParallel: 1, steps: [{ id: 'a', type: 'shell' }] });
    const started = (attempt: number, worker: string | null): AttemptStartedEvent => ({
      type: 'attempt.started',
      runId: 'run-w',
      stepId: 'a',
      attempt,
      item: null,
      lane: 0,
      worker,
      timestamp: at(10 * attempt),
      running: 1,
    });
    const stepRow = async () => (await store.reader.getReport('run-w'))!.steps.a;
    expect(await stepRow()).toMatchObject({ attempts: 0, worker: null });
    await store.writer.recordAttempt(started(1, 'w1'));
    expect(await stepRow()).toMatchObject({ attempts: 1, worker: 'w1' });
    await store.writer.recordAttempt(started(2, 'w2'));
    expect(await stepRow()).toMatchObject({ attempts: 2, worker: 'w2' });
    // An older attempt.started recorded late never lowers the count.
    await store.writer.recordAttempt(started(1, 'w1'));
    expect((await stepRow()).attempts).toBe(2);

    const result = stepResult({ attempts: 2, worker: 'w3' });
    await store.writer.recordStepFinished({ type: 'step.finished', runId: 'run-w', stepId: 'a', result, log: '', hash: 'h-a', timestamp: at(30), running: 0 });
    expect(await stepRow()).toMatchObject({ status: 'succeeded', attempts: 2, worker: 'w3' });
    expect(await stepRow()).toEqual(result);
  });

  it('numbers the events of runs recorded at the same time each from 1, without gaps', async () => {
    const runs = Array.from({ length: 8 }, (_, i) => `run-${i}`);
    const published = await Promise.all(runs.map((runId) => record(store, oneStepRun(runId))));
    for (const [i, runId] of runs.entries()) {
      expect(published[i].map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      const stored = await store.runEvents(runId);
      expect(stored.map((entry) => [entry.seq, entry.event.type, entry.event.runId])).toEqual(
        published[i].map((entry) => [entry.seq, entry.type, runId]),
      );
    }
  });

  it('gives concurrent appends to one run distinct numbers', async () => {
    const [started, , attempt] = oneStepRun('run-b');
    await record(store, [started]);
    const seqs = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.recordAttempt({ ...(attempt as AttemptStartedEvent), attempt: i + 1 })),
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6]);
    const stored = await store.runEvents('run-b', 1);
    expect(stored.map((entry) => entry.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(stored.map((entry) => (entry.event as AttemptStartedEvent).attempt).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('logs the run.finished of a run that failed outside its steps, and of a run a dead process left running', async () => {
    const [started, stepStarted] = oneStepRun('run-c');
    await record(store, [started, stepStarted]);
    const failed = await store.failRun('run-c', 'executor crashed');
    expect(failed).toMatchObject({ seq: 4, event: { type: 'run.finished', runId: 'run-c', status: 'failed', running: 0 } });
    const [stepEnd, runEnd] = (await store.runEvents('run-c', 2)).map((entry) => entry.event);
    // The step that was running ends in the log, cancelled, with the same result as the report.
    expect(stepEnd).toEqual({ type: 'step.finished', runId: 'run-c', stepId: 'a', result: failed!.event.report.steps.a, log: '', hash: null, timestamp: failed!.event.timestamp, running: 0 });
    expect(failed!.event.report.steps.a).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    expect(failed?.event).toEqual(runEnd);
    expect(failed?.event.report).toEqual(await store.getReport('run-c'));
    expect(await store.failRun('missing', 'x')).toBeNull();

    const [again, againStep] = oneStepRun('run-d');
    await record(store, [again, againStep]);
    await store.startRun({ runId: 'run-without-log', workflow: 'log', maxParallel: 1, steps: [{ id: 'a', type: 'shell' }] });
    expect((await store.markInterrupted()).sort()).toEqual(['run-d', 'run-without-log']);
    const report = (await store.getReport('run-d'))!;
    expect((await store.runEvents('run-d', 2)).map((entry) => entry.event)).toEqual([
      expect.objectContaining({ type: 'step.finished', stepId: 'a', result: report.steps.a, timestamp: report.finishedAt }),
      expect.objectContaining({ type: 'run.finished', status: 'interrupted', report, timestamp: report.finishedAt }),
    ]);
    // It ends at the last thing known of it, never before it started a step.
    expect(report.finishedAt! >= report.steps.a.startedAt!).toBe(true);
    expect(report.steps.a).toMatchObject({ status: 'cancelled', reason: 'cancelled', finishedAt: report.finishedAt });
    // A run without events (recorded before the log) gets none: its replay is rebuilt from the report.
    expect(await store.runEvents('run-without-log')).toEqual([]);
  });

  it('is created by the migration on a history made before it, next to the runs already there', async () => {
    await store.close();
    const other = await testDatabase(kind);
    try {
      const old = new DataSource({ ...historyDataSourceOptions(other.options), migrations: [InitialSchema1764150000000, OneRetryInFlight1764700000000] });
      await old.initialize();
      const table = other.options.schema ? `"${other.options.schema}"."weft_runs"` : '"weft_runs"';
      await old.query(
        `INSERT INTO ${table} (id, workflow_name, status, max_parallel, started_at) VALUES ('old-run', 'log', 'succeeded', 1, '${at(0)}')`,
      );
      await old.destroy();

      store = await HistoryStore.open(other.options);
      expect(await store.getRun('old-run')).toMatchObject({ status: 'succeeded' });
      expect(await store.runEvents('old-run')).toEqual([]);
      expect(await record(store, oneStepRun('run-e'))).toHaveLength(6);
      expect(await store.lastRunEventSeq('run-e')).toBe(6);
    } finally {
      await store.close();
      await other.dispose();
    }
  });
});
