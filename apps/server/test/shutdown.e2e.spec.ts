import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryStore } from '@weft/history';
import { tempDir } from './e2e-helpers.js';
import { buildServer, expectCall, pollReport, startServerProcess } from './server-process.js';

const SLEEPER = `name: sleeper
steps:
  - id: nap
    type: shell
    run: echo napping; sleep 30
  - id: after
    type: shell
    needs: [nap]
    run: echo never
`;

/**
 * Crash safety's sibling: a server stopped with SIGTERM while runs are in flight records every
 * one of them (SQLite has one connection: its writes must never nest).
 */
describe('Weft server stopped with SIGTERM (SQLite file)', () => {
  let dir: ReturnType<typeof tempDir>;

  beforeAll(() => buildServer(), 240_000);
  afterAll(() => dir?.dispose());

  it('records all 30 runs in flight as cancelled, with no transaction error', async () => {
    dir = tempDir('weft-shutdown-');
    const workspace = join(dir.path, 'ws');
    mkdirSync(workspace);
    const databaseFile = join(dir.path, 'weft.sqlite');
    const server = await startServerProcess({ databaseFile, workspace, examplesDir: '', env: { WEFT_MAX_PROCESSES: '4' } });
    try {
      const { id } = await expectCall(201, server.port, 'POST', '/api/workflows', SLEEPER, 'application/yaml');
      const runIds: string[] = [];
      for (let i = 0; i < 30; i++) runIds.push((await expectCall(202, server.port, 'POST', `/api/workflows/${id}/runs`)).runId);
      await pollReport(server.port, runIds[0], (report) => report.steps.nap.status === 'running');
    } finally {
      await server.kill('SIGTERM');
    }
    expect(server.output()).not.toMatch(/cannot start a transaction|SQLITE_BUSY|QueryFailedError/);

    const store = await HistoryStore.open({ url: `sqlite:${databaseFile}` });
    try {
      const runs = await store.listRuns({ limit: 100 });
      expect(runs).toHaveLength(30);
      expect(runs.map((run) => run.status)).toEqual(Array(30).fill('cancelled'));
      for (const run of runs.slice(0, 3)) {
        const report = await store.getReport(run.runId);
        expect(Object.values(report!.steps).map((step) => step.status)).not.toContain('running');
      }
    } finally {
      await store.close();
    }
  }, 120_000);
});
