import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  RunFinishedEvent,
  RunReport,
  RunStartedEvent,
  StepFinishedEvent,
  StepReport,
  StepStartedEvent,
} from '@weft/core';
import { HistoryStore } from './history-store';
import type { RunSummary, WorkflowSummary } from './history.types';
import { InvalidCursorError, type Page } from './page-cursor';
import { TEST_DATABASE_KINDS, testDatabase, type TestDatabase } from './testing/test-databases';

const T0 = Date.parse('2026-11-26T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function runStarted(runId: string, steps: string[], workflow = 'report'): RunStartedEvent {
  return {
    type: 'run.started',
    runId,
    timestamp: at(0),
    running: 0,
    workflow,
    maxParallel: 4,
    plan: { steps, edges: [], levels: [steps], criticalPath: [steps[0]], idealSpeedup: steps.length },
    steps: steps.map((id) => ({ id, type: 'shell', needs: [] })),
  };
}

function stepStarted(runId: string, stepId: string, startMs: number, lane = 0, running = 1): StepStartedEvent {
  return { type: 'step.started', runId, stepId, lane, timestamp: at(startMs), running };
}

function attemptStarted(runId: string, stepId: string, startMs: number, running: number): AttemptStartedEvent {
  return { type: 'attempt.started', runId, stepId, attempt: 1, item: null, lane: 0, worker: null, timestamp: at(startMs), running };
}

/** The successful end of an attempt that ran from `startMs` to `endMs`; `running` counts the processes left. */
function attemptFinished(runId: string, stepId: string, [startMs, endMs]: [number, number], running: number): AttemptFinishedEvent {
  return {
    type: 'attempt.finished',
    runId,
    stepId,
    attempt: 1,
    item: null,
    lane: 0,
    worker: null,
    startedAt: at(startMs),
    durationMs: endMs - startMs,
    ok: true,
    exitCode: 0,
    signal: null,
    reason: null,
    message: null,
    outputs: {},
    willRetry: false,
    retryInMs: null,
    timestamp: at(endMs),
    running,
  };
}

function result(startMs: number, endMs: number, overrides: Partial<StepReport> = {}): StepReport {
  return {
    status: 'succeeded',
    startedAt: at(startMs),
    finishedAt: at(endMs),
    durationMs: endMs - startMs,
    exitCode: 0,
    signal: null,
    attempts: 1,
    outputs: {},
    reason: null,
    message: null,
    lane: 0,
    reused: false,
    worker: null,
    ...overrides,
  };
}

function stepFinished(runId: string, stepId: string, report: StepReport, log = '', hash: string | null = `h-${stepId}`): StepFinishedEvent {
  return { type: 'step.finished', runId, stepId, result: report, log, hash, timestamp: report.finishedAt ?? at(0), running: 0 };
}

function finalReport(runId: string, steps: Record<string, StepReport>, overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId,
    workflow: 'report',
    status: 'succeeded',
    maxParallel: 4,
    startedAt: at(0),
    finishedAt: at(2000),
    makespanMs: 2000,
    sequentialMs: 3000,
    speedup: 1.5,
    idealSpeedup: 2,
    peakParallelism: 2,
    criticalPath: ['a'],
    retryOf: null,
    steps,
    ...overrides,
  };
}

function runFinished(report: RunReport): RunFinishedEvent {
  return { type: 'run.finished', runId: report.runId, status: report.status, report, timestamp: report.finishedAt ?? at(0), running: 0 };
}

/** Records a whole two-step run: a succeeds, b fails. */
async function recordRun(store: HistoryStore, runId: string, options: { workflowId?: string; durations?: [number, number] } = {}) {
  const [da, db] = options.durations ?? [1000, 2000];
  const life = store.lifeCycle({ workflowId: options.workflowId ?? null });
  life.runStarted(runStarted(runId, ['a', 'b']));
  life.stepStarted(stepStarted(runId, 'a', 0, 0, 1));
  life.stepStarted(stepStarted(runId, 'b', 0, 1, 2));
  const a = result(0, da, { outputs: { rows: 3 } });
  const b = result(0, db, { status: 'failed', exitCode: 2, reason: 'exit_code', message: 'exited with 2', lane: 1 });
  life.stepFinished(stepFinished(runId, 'a', a, 'fetched\n'));
  life.stepFinished(stepFinished(runId, 'b', b, 'boom\n'));
  life.runFinished(runFinished(finalReport(runId, { a, b }, { status: 'failed' })));
  await life.flush();
  return { a, b };
}

describe.each(TEST_DATABASE_KINDS)('HistoryStore on %s', (kind) => {
  let db: TestDatabase;
  let store: HistoryStore;

  beforeEach(async () => {
    db = await testDatabase(kind);
    store = await HistoryStore.open(db.options, { maxLogBytes: 64 });
  });

  afterEach(async () => {
    await store.close();
    await db.dispose();
  });

  it('records a run as its events arrive and reports it in the run --json shape', async () => {
    const workflow = await store.saveWorkflow({ name: 'report', definition: 'steps: []', format: 'yaml', rootDir: '/w' });
    const { a, b } = await recordRun(store, 'run-1', { workflowId: workflow.id });

    const report = await store.getReport('run-1');
    expect(report).toEqual(finalReport('run-1', { a, b }, { status: 'failed' }));
    expect(await store.getRun('run-1')).toMatchObject({ runId: 'run-1', workflowId: workflow.id, status: 'failed', speedup: 1.5 });
    expect(await store.getRunPlan('run-1')).toEqual(runStarted('run-1', ['a', 'b']).plan);
    expect(await store.getRunPlan('nope')).toBeNull();
  });

  it('reports a run still going: finished steps, running ones and pending ones', async () => {
    const life = store.lifeCycle();
    life.runStarted(runStarted('run-2', ['a', 'b', 'c']));
    life.stepStarted(stepStarted('run-2', 'a', 0));
    life.attemptStarted(attemptStarted('run-2', 'a', 0, 1));
    life.attemptFinished(attemptFinished('run-2', 'a', [0, 500], 0));
    life.stepFinished(stepFinished('run-2', 'a', result(0, 500)));
    life.stepStarted(stepStarted('run-2', 'b', 500, 1, 1));
    await life.flush();

    const report = await store.getReport('run-2');
    expect(report?.status).toBe('running');
    expect(report?.finishedAt).toBeNull();
    expect(Object.keys(report!.steps)).toEqual(['a', 'b', 'c']);
    expect(report?.steps.a.status).toBe('succeeded');
    expect(report?.steps.b).toMatchObject({ status: 'running', lane: 1, startedAt: at(500) });
    expect(report?.steps.c.status).toBe('pending');
    expect(report?.sequentialMs).toBe(500);
    expect(await store.getStepLog('run-2', 'b')).toEqual({ status: 'running', log: null });
  });

  it('keeps the tail of a step log, without NUL characters', async () => {
    const life = store.lifeCycle();
    life.runStarted(runStarted('run-3', ['a']));
    life.stepFinished(stepFinished('run-3', 'a', result(0, 10), `${'x'.repeat(100)}\u0000END`));
    await life.flush();
    const log = await store.getStepLog('run-3', 'a');
    expect(log?.log).toHaveLength(64);
    expect(log?.log?.endsWith('xEND')).toBe(true);
    expect(await store.getStepLog('run-3', 'nope')).toBeNull();
    expect(await store.getStepLog('nope', 'a')).toBeNull();
  });

  it('stores a workflow once per text and folder', async () => {
    const input = { name: 'report', definition: 'name: report\nsteps: []\n', format: 'yaml' as const, rootDir: '/w' };
    const first = await store.saveWorkflow(input);
    const again = await store.saveWorkflow(input);
    const elsewhere = await store.saveWorkflow({ ...input, rootDir: '/other' });
    expect(again.id).toBe(first.id);
    expect(elsewhere.id).not.toBe(first.id);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.getWorkflow(first.id)).toEqual(first);
    expect(await store.getWorkflow('00000000-0000-0000-0000-000000000000')).toBeNull();
    const { items, nextCursor } = await store.listWorkflows();
    expect(items.map((w) => w.id).sort()).toEqual([first.id, elsewhere.id].sort());
    expect(items[0]).not.toHaveProperty('definition');
    expect(nextCursor).toBeNull();
  });

  it('pages through workflows and runs newest first with a cursor, stable when rows share a timestamp', async () => {
    const saved = [];
    for (let i = 0; i < 5; i++) saved.push(await store.saveWorkflow({ name: `w${i}`, definition: `d${i}`, format: 'yaml', rootDir: '/w' }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<WorkflowSummary> = await store.listWorkflows({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((w) => w.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(saved.map((w) => w.id)));

    // Runs: three share a start time; pages of one still visit each exactly once, newest first.
    for (const [id, ms] of [['ra', 0], ['rb', 1000], ['rc', 1000], ['rd', 1000], ['re', 2000]] as const) {
      await store.startRun({ runId: id, workflow: 'w', maxParallel: 1, startedAt: at(ms), steps: [] });
    }
    const runs: string[] = [];
    cursor = undefined;
    do {
      const page: Page<RunSummary> = await store.listRunPage({ limit: 1, cursor, workflow: 'w' });
      runs.push(...page.items.map((r) => r.runId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(runs).toEqual(['re', 'rd', 'rc', 'rb', 'ra']);
  });

  it.each(['', 'garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["2026-01-01T00:00:00.000Z",""]').toString('base64url')])(
    'refuses a cursor it did not make (%j)',
    async (cursor) => {
      await expect(store.listWorkflows({ cursor })).rejects.toThrow(InvalidCursorError);
      await expect(store.listRunPage({ cursor })).rejects.toThrow(InvalidCursorError);
    },
  );

  it("refuses one list's cursor on the other", async () => {
    for (const name of ['a', 'b']) await store.saveWorkflow({ name, definition: name, format: 'yaml', rootDir: '/w' });
    for (const [i, id] of ['r1', 'r2'].entries()) {
      await store.startRun({ runId: id, workflow: 'w', maxParallel: 1, startedAt: at(i * 1000), steps: [] });
    }
    const workflowsCursor = (await store.listWorkflows({ limit: 1 })).nextCursor!;
    const runsCursor = (await store.listRunPage({ limit: 1 })).nextCursor!;
    await expect(store.listRunPage({ cursor: workflowsCursor })).rejects.toThrow(InvalidCursorError);
    await expect(store.listWorkflows({ cursor: runsCursor })).rejects.toThrow(InvalidCursorError);
    expect((await store.listRunPage({ cursor: runsCursor })).items.map((run) => run.runId)).toEqual(['r1']);
  });

  it('lists runs newest first, by workflow, up to a limit', async () => {
    const w = await store.saveWorkflow({ name: 'report', definition: 'x', format: 'yaml', rootDir: '/w' });
    for (const [i, id] of ['r1', 'r2', 'r3'].entries()) {
      await store.startRun({ runId: id, workflow: 'report', workflowId: i < 2 ? w.id : null, maxParallel: 2, startedAt: at(i * 1000), steps: [] });
    }
    expect((await store.listRuns()).map((r) => r.runId)).toEqual(['r3', 'r2', 'r1']);
    expect((await store.listRuns({ workflowId: w.id })).map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect((await store.listRuns({ limit: 1 })).map((r) => r.runId)).toEqual(['r3']);
    expect(await store.listRuns({ workflow: 'other' })).toEqual([]);
  });

  it('marks runs left running as interrupted and closes their unfinished steps', async () => {
    const life = store.lifeCycle();
    life.runStarted(runStarted('run-4', ['a', 'b', 'c']));
    life.stepStarted(stepStarted('run-4', 'a', 0));
    life.attemptStarted(attemptStarted('run-4', 'a', 0, 1));
    life.attemptFinished(attemptFinished('run-4', 'a', [0, 700], 0));
    life.stepFinished(stepFinished('run-4', 'a', result(0, 700)));
    life.stepStarted(stepStarted('run-4', 'b', 700, 0, 1));
    await life.flush();

    expect(await store.markInterrupted()).toEqual(['run-4']);
    const report = await store.getReport('run-4');
    expect(report).toMatchObject({ status: 'interrupted', finishedAt: at(700), makespanMs: 700, sequentialMs: 700 });
    expect(report?.steps.b.status).toBe('cancelled');
    expect(report?.steps.c.status).toBe('cancelled');
    expect(await store.markInterrupted()).toEqual([]);
  });

  it('ends a run that stopped outside any step as failed', async () => {
    await store.startRun({ runId: 'run-5', workflow: 'report', maxParallel: 1, steps: [{ id: 'a', type: 'shell' }] });
    await store.failRun('run-5', 'executor crashed');
    const report = await store.getReport('run-5');
    expect(report?.status).toBe('failed');
    expect(report?.steps.a.status).toBe('cancelled');
    await expect(store.failRun('missing', 'x')).resolves.toBeNull();
  });

  it('gives retry the succeeded steps with their hash and outputs', async () => {
    await recordRun(store, 'run-6');
    expect(await store.reusableSteps('run-6')).toEqual({ a: { hash: 'h-a', outputs: { rows: 3 } } });
    expect(await store.reusableSteps('missing')).toBeNull();
  });

  it('estimates each step by the median of its past successful durations', async () => {
    await recordRun(store, 'e1', { durations: [1000, 9] });
    await recordRun(store, 'e2', { durations: [3000, 9] });
    await recordRun(store, 'e3', { durations: [2000, 9] });
    expect(await store.stepEstimates('report')).toEqual({ a: 2000 });
    expect(await store.stepEstimates('unknown')).toEqual({});
  });

  it('reports a write that fails and goes on with the next event', async () => {
    const errors: string[] = [];
    const recorded: string[] = [];
    const life = store.lifeCycle({ onError: (_e, event) => errors.push(event.type), onRecorded: (event) => recorded.push(event.type) });
    life.stepStarted({ ...stepStarted('no-run', 'a', 0) }); // no run row: the step row's foreign key fails
    life.runStarted(runStarted('run-7', ['a']));
    await life.flush();
    expect(recorded).toEqual(['step.started', 'run.started']);
    expect(await store.getRun('run-7')).toMatchObject({ runId: 'run-7', workflow: 'report', status: 'running', maxParallel: 4, finishedAt: null });
    if (kind === 'postgres') expect(errors).toEqual(['step.started']);
  });
});

describe('HistoryStore on a SQLite file', () => {
  it('keeps the history when the file is opened again', async () => {
    const db = await testDatabase('sqlite');
    const first = await HistoryStore.open(db.options);
    await recordRun(first, 'kept');
    await first.close();

    const second = await HistoryStore.open(db.options);
    expect((await second.getReport('kept'))?.status).toBe('failed');
    await second.close();
    await db.dispose();
  });
});
