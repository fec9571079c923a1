import { DataSource } from 'typeorm';
import type { RunReport } from '@weft/core';
import { historyDataSourceOptions } from './history-data-source';
import { HistoryStore } from './history-store';
import { InitialSchema1764150000000 } from './migrations/1764150000000-initial-schema.migration';
import { TEST_DATABASE_KINDS, testDatabase, type TestDatabase } from './testing/test-databases';
import { RetryInFlightError } from './unique-violation';

/** Races the database settles: concurrent writers, concurrent retries, the same text stored twice. */

const started = '2026-12-01T10:00:00.000Z';

function report(runId: string, status: RunReport['status'], retryOf: string | null = null): RunReport {
  return {
    runId,
    workflow: 'w',
    status,
    maxParallel: 2,
    startedAt: started,
    finishedAt: '2026-12-01T10:00:01.000Z',
    makespanMs: 1000,
    sequentialMs: 1000,
    speedup: 1,
    idealSpeedup: 1,
    peakParallelism: 1,
    criticalPath: ['a'],
    retryOf,
    steps: {
      a: {
        status: status === 'succeeded' ? 'succeeded' : 'cancelled',
        startedAt: started,
        finishedAt: '2026-12-01T10:00:01.000Z',
        durationMs: 1000,
        exitCode: null,
        signal: null,
        attempts: 1,
        outputs: {},
        reason: status === 'succeeded' ? null : 'cancelled',
        message: null,
        lane: 0,
        reused: false,
        worker: null,
      },
    },
  };
}

const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

describe.each(TEST_DATABASE_KINDS)('HistoryStore races on %s', (kind) => {
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

  it('records 30 runs started and finished all at once, with no transaction inside another', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `run-${i}`);
    const steps = [{ id: 'a', type: 'shell' }];
    const starts = await settle(ids.map((runId) => store.startRun({ runId, workflow: 'w', maxParallel: 2, startedAt: started, steps })));
    expect(starts.filter((s) => s.status === 'rejected')).toEqual([]);
    const ends = await settle<unknown>(ids.flatMap((runId) => [store.finishRun(report(runId, 'cancelled')), store.failRun(`${runId}-missing`, 'x')]));
    expect(ends.filter((s) => s.status === 'rejected')).toEqual([]);
    const runs = await store.listRuns({ limit: 100 });
    expect(runs.map((run) => run.status)).toEqual(Array(30).fill('cancelled'));
  });

  it('starts exactly one of ten concurrent retries of a run; the others name it; after it ends a new retry may start', async () => {
    await store.startRun({ runId: 'failed-run', workflow: 'w', maxParallel: 2, startedAt: started, steps: [] });
    await store.finishRun(report('failed-run', 'failed'));
    const retries = Array.from({ length: 10 }, (_, i) => `retry-${i}`);
    const results = await settle(
      retries.map((runId) => store.startRun({ runId, workflow: 'w', maxParallel: 2, retryOf: 'failed-run', startedAt: started, steps: [] })),
    );
    const winners = retries.filter((_, i) => results[i].status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason).toBeInstanceOf(RetryInFlightError);
        expect(result.reason).toMatchObject({ runId: 'failed-run', inFlight: winners[0] });
      }
    }
    expect((await store.listRuns({ limit: 100 })).filter((run) => run.retryOf === 'failed-run').map((run) => run.runId)).toEqual(winners);

    await store.finishRun(report(winners[0], 'failed', 'failed-run'));
    await expect(store.startRun({ runId: 'retry-again', workflow: 'w', maxParallel: 2, retryOf: 'failed-run', steps: [] })).resolves.toBeUndefined();
  });

  it('stores the same workflow text saved ten times at once as one row', async () => {
    const input = { name: 'same', definition: 'steps: []\n', format: 'yaml' as const, rootDir: '/w' };
    const saved = await Promise.all(Array.from({ length: 10 }, () => store.saveWorkflow(input)));
    expect(new Set(saved.map((w) => w.id)).size).toBe(1);
    expect((await store.listWorkflows()).items).toHaveLength(1);
  });
});

describe.each(TEST_DATABASE_KINDS)('upgrading a history on %s', (kind) => {
  let db: TestDatabase;
  afterEach(() => db?.dispose());

  it('merges the duplicates earlier races left, keeping every run', async () => {
    db = await testDatabase(kind);
    const old = new DataSource({ ...historyDataSourceOptions(db.options), migrations: [InitialSchema1764150000000] });
    await old.initialize();
    const table = (name: string) => (db.options.schema ? `"${db.options.schema}"."${name}"` : `"${name}"`);
    /** Runs `sql` with `?` placeholders, numbered `$1…` for PostgreSQL. */
    const insert = (sql: string, params: unknown[]) => {
      let n = 0;
      return old.query(kind === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
    };
    for (const id of ['00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-00000000000a']) {
      const sql = `INSERT INTO ${table('weft_workflows')} (id, name, hash, format, definition, root_dir, source_path, created_at) VALUES (?, 'w', 'h', 'yaml', 'steps: []', '/w', NULL, ?)`;
      await insert(sql, [id, started]);
    }
    const insertRun = (id: string, workflowId: string, status: string, retryOf: string | null) =>
      insert(
        `INSERT INTO ${table('weft_runs')} (id, workflow_id, workflow_name, status, max_parallel, started_at, retry_of) VALUES (?, ?, 'w', ?, 2, ?, ?)`,
        [id, workflowId, status, started, retryOf],
      );
    await insertRun('run-1', '00000000-0000-0000-0000-00000000000b', 'failed', null);
    await insertRun('run-2', '00000000-0000-0000-0000-00000000000b', 'running', 'run-1');
    await insertRun('run-3', '00000000-0000-0000-0000-00000000000a', 'running', 'run-1');
    await old.destroy();

    const store = await HistoryStore.open(db.options);
    try {
      expect((await store.listWorkflows()).items.map((w) => w.id)).toEqual(['00000000-0000-0000-0000-00000000000a']);
      const runs = await store.listRuns({ limit: 10 });
      expect(runs.map((run) => [run.runId, run.workflowId, run.status]).sort()).toEqual([
        ['run-1', '00000000-0000-0000-0000-00000000000a', 'failed'],
        ['run-2', '00000000-0000-0000-0000-00000000000a', 'running'],
        ['run-3', '00000000-0000-0000-0000-00000000000a', 'interrupted'],
      ]);
    } finally {
      await store.close();
    }
  });
});
