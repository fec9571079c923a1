import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresTestDatabase, type TestDatabase } from '@weft/history/testing';
import { tempDir, waitFor } from './e2e-helpers.js';
import { RunEventsClient } from './event-source-client.js';
import { REPO_ROOT, buildServer, expectCall, killRecordedGroups, leadsItsGroup, pollReport, sleep, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * One owner per run, with real server processes sharing one database.
 *
 * Every step appends `<run id> <step id>` to `markers.log` each time it starts, so the tests count
 * how often each step of each run ran. `long` writes its pid to `pids.txt` and waits for the file
 * `release-<run id>`, so a test decides when it ends.
 */
const WORKFLOW = `name: ownership
maxParallel: 4
steps:
  - id: prepare
    type: shell
    run: |
      echo "$WEFT_RUN_ID prepare" >> markers.log
      echo '{"n": 2}' > "$WEFT_OUTPUTS"
  - id: side
    type: shell
    run: echo "$WEFT_RUN_ID side" >> markers.log
  - id: long
    type: shell
    needs: [prepare]
    run: |
      echo "$WEFT_RUN_ID long" >> markers.log
      echo $$ >> pids.txt
      while [ ! -f "release-$WEFT_RUN_ID" ]; do sleep 0.05; done
      echo '{"released": true}' > "$WEFT_OUTPUTS"
  - id: publish
    type: shell
    needs: [long]
    inputs:
      n: \${steps.prepare.outputs.n}
    run: |
      echo "$WEFT_RUN_ID publish" >> markers.log
      echo "{\\"published\\": $INPUT_N}" > "$WEFT_OUTPUTS"
`;

const LEASE_MS = 3000;

/** Holds SQLite's write lock on the database `argv[1]` for `argv[2]` seconds (prints once it holds it). */
const LOCK_HOLDER = `import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute('BEGIN EXCLUSIVE')
print('held', flush=True)
time.sleep(float(sys.argv[2]))
db.execute('COMMIT')
`;

function harness(prefix: string) {
  const dir = tempDir(prefix);
  const workspace = join(dir.path, 'workspace');
  mkdirSync(workspace);
  const servers: ServerProcess[] = [];
  return {
    dir,
    workspace,
    servers,
    /** How many times each step of `runId` started. */
    markers(runId: string): Record<string, number> {
      const counts: Record<string, number> = { prepare: 0, side: 0, long: 0, publish: 0 };
      const file = join(workspace, 'markers.log');
      if (!existsSync(file)) return counts;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const [run, step] = line.split(' ');
        if (run === runId) counts[step] += 1;
      }
      return counts;
    },
    release(runId: string): void {
      writeFileSync(join(workspace, `release-${runId}`), '');
    },
    async cleanup(): Promise<void> {
      for (const server of servers) await server.kill('SIGKILL');
      killRecordedGroups(join(workspace, 'pids.txt'));
      dir.dispose();
    },
  };
}

/** Waits until `long` of the run is running (its pid recorded), and returns the run's report then. */
async function longRunning(port: number, runId: string): Promise<any> {
  return pollReport(port, runId, (report) => report.steps.long.status === 'running' && report.steps.side.status === 'succeeded', 30_000);
}

describe('one owner per run: two server processes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let h: ReturnType<typeof harness>;
  let workflowId: string;

  beforeAll(async () => {
    buildServer();
    db = await postgresTestDatabase();
    h = harness('weft-owners-pg-');
  }, 180_000);

  afterAll(async () => {
    await h?.cleanup();
    await db?.dispose();
  });

  const start = async (): Promise<ServerProcess> => {
    const server = await startServerProcess({
      databaseFile: join(h.dir.path, 'unused.sqlite'),
      workspace: h.workspace,
      examplesDir: '',
      env: {
        DATABASE_URL: String(db.options.url),
        DATABASE_SCHEMA: String(db.options.schema),
        WEFT_LEASE_MS: String(LEASE_MS),
      },
    });
    h.servers.push(server);
    return server;
  };

  it("leaves the first server's run alone when a second starts, and the run succeeds where it began", async () => {
    const a = await start();
    ({ id: workflowId } = await expectCall(201, a.port, 'POST', '/api/workflows', WORKFLOW, 'application/yaml'));
    const { runId } = await expectCall(202, a.port, 'POST', `/api/workflows/${workflowId}/runs`, {});
    await longRunning(a.port, runId);

    const b = await start();
    // Over a whole lease, b beats three times and looks for runs to take over each time.
    await sleep(LEASE_MS + 500);
    const during = await expectCall(200, b.port, 'GET', `/api/runs/${runId}`);
    expect(during.status).toBe('running');
    expect(during.steps.long).toMatchObject({ status: 'running' });
    expect(b.output()).not.toContain('run taken over');

    h.release(runId);
    const done = await pollReport(a.port, runId, (report) => report.status !== 'running');
    expect(done.status).toBe('succeeded');
    expect(done.steps.long).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(h.markers(runId)).toEqual({ prepare: 1, side: 1, long: 1, publish: 1 });
  }, 90_000);

  it('cancels a run through a server that does not own it', async () => {
    const [a, b] = h.servers;
    const { runId } = await expectCall(202, a.port, 'POST', `/api/workflows/${workflowId}/runs`, {});
    await longRunning(a.port, runId);
    expect(await expectCall(202, b.port, 'POST', `/api/runs/${runId}/cancel`)).toEqual({ runId, status: 'cancelling' });
    const done = await pollReport(b.port, runId, (report) => report.status !== 'running', 10_000);
    expect(done.status).toBe('cancelled');
    expect(done.steps.long.status).toBe('cancelled');
    expect(done.steps.publish.status).toBe('cancelled');
    expect(await expectCall(202, b.port, 'POST', `/api/runs/${runId}/cancel`)).toEqual({ runId, status: 'cancelled' });
  }, 60_000);

  it('hands its runs over on SIGTERM when another server is alive, and that one finishes them', async () => {
    const [a, b] = h.servers;
    const { runId } = await expectCall(202, a.port, 'POST', `/api/workflows/${workflowId}/runs`, {});
    await longRunning(a.port, runId);
    await a.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: null, signal: 'SIGTERM' }); // Nest re-raises the signal once shut down
    await waitFor('b to take the run over', () => b.output().includes('run taken over') && b.output().includes(runId), 10_000);
    h.release(runId);
    const done = await pollReport(b.port, runId, (report) => report.status !== 'running');
    expect(done.status).toBe('succeeded');
    expect(done.steps.long).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.steps.publish).toMatchObject({ status: 'succeeded', outputs: { published: 2 } });
    expect(h.markers(runId)).toEqual({ prepare: 1, side: 1, long: 2, publish: 1 });
  }, 60_000);

  it('finishes the run of a server killed mid-run within lease + 10 s; every finished step ran once', async () => {
    const b = h.servers[1];
    const c = await start();
    const { runId } = await expectCall(202, b.port, 'POST', `/api/workflows/${workflowId}/runs`, {});
    await longRunning(b.port, runId);
    const pids = readFileSync(join(h.workspace, 'pids.txt'), 'utf8').trim().split('\n').map(Number);
    const longPid = pids[pids.length - 1];

    await b.kill('SIGKILL');
    const killedAt = Date.now();
    // The new attempt of `long` may only start once the old one is gone: c kills it first.
    await waitFor('c to kill the step process b left behind', () => !leadsItsGroup(longPid), LEASE_MS + 10_000);
    h.release(runId);
    const done = await pollReport(c.port, runId, (report) => report.status !== 'running', LEASE_MS + 10_000);
    const tookMs = Date.now() - killedAt;
    expect(done.status).toBe('succeeded');
    expect(tookMs).toBeLessThan(LEASE_MS + 10_000);
    expect(h.markers(runId)).toEqual({ prepare: 1, side: 1, long: 2, publish: 1 });
    const events = new RunEventsClient(`http://127.0.0.1:${c.port}/api/runs/${runId}/events`);
    try {
      await waitFor('the replay to end', () => events.closed, 20_000);
      const lost = events.events.map((event) => JSON.parse(event.data)).filter((event) => event.type === 'attempt.finished' && event.stepId === 'long');
      expect(lost.map((event) => [event.attempt, event.reason])).toEqual([
        [1, 'server_lost'],
        [2, null],
      ]);
      expect(events.ids).toEqual(events.ids.map((_, index) => index + 1));
    } finally {
      events.close();
    }
  }, 90_000);
});

describe('one owner per run: a lone server on SQLite, killed mid-run and restarted', () => {
  let h: ReturnType<typeof harness>;
  let databaseFile: string;

  beforeAll(() => {
    buildServer();
    h = harness('weft-owners-sqlite-');
    databaseFile = join(h.dir.path, 'weft.sqlite');
  }, 180_000);

  afterAll(async () => {
    await h?.cleanup();
  });

  const start = async (env: Record<string, string> = {}): Promise<ServerProcess> => {
    const server = await startServerProcess({ databaseFile, workspace: h.workspace, examplesDir: '', env: { WEFT_LEASE_MS: String(LEASE_MS), ...env } });
    h.servers.push(server);
    return server;
  };

  it('finishes the run by itself, and an EventSource resumes across the restart with the events it would have had live', async () => {
    const first = await start();
    const { id } = await expectCall(201, first.port, 'POST', '/api/workflows', WORKFLOW, 'application/yaml');
    const { runId } = await expectCall(202, first.port, 'POST', `/api/workflows/${id}/runs`, {});
    const live = new RunEventsClient(`http://127.0.0.1:${first.port}/api/runs/${runId}/events`);
    // Until long ends, nothing else happens once side has finished too (side may end after long starts).
    const seenLive = (type: string, stepId: string) => live.events.some((event) => event.type === type && JSON.parse(event.data).stepId === stepId);
    await waitFor('long to start and side to finish, seen live', () => seenLive('attempt.started', 'long') && seenLive('step.finished', 'side'), 30_000);
    live.close();

    await first.kill('SIGKILL');
    const second = await start();
    // The run goes on by itself: long runs again as attempt 2 once released.
    h.release(runId);
    const resumed = new RunEventsClient(`http://127.0.0.1:${second.port}/api/runs/${runId}/events`, { lastEventId: live.events.at(-1)!.id });
    await waitFor('the resumed EventSource to stop after the end', () => resumed.closed, 30_000);
    const done = await expectCall(200, second.port, 'GET', `/api/runs/${runId}`);
    expect(done.status).toBe('succeeded');
    expect(done.steps.long).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(h.markers(runId)).toEqual({ prepare: 1, side: 1, long: 2, publish: 1 });
    expect(second.output()).toContain('run taken over');
    expect(resumed.errors.at(-1)).toMatchObject({ code: 204 });

    // Live then resumed is one gap-free sequence, and a replay gives exactly those events.
    const seen = [...live.events, ...resumed.events];
    expect(seen.map((event) => Number(event.id))).toEqual(seen.map((_, index) => index + 1));
    expect(resumed.events[0]).toMatchObject({ type: 'attempt.finished' });
    expect(JSON.parse(resumed.events[0].data)).toMatchObject({ stepId: 'long', attempt: 1, reason: 'server_lost' });
    const replay = new RunEventsClient(`http://127.0.0.1:${second.port}/api/runs/${runId}/events`);
    try {
      await waitFor('the replay to stop', () => replay.closed, 30_000);
      expect(replay.events).toEqual(seen);
    } finally {
      replay.close();
      resumed.close();
    }
  }, 120_000);

  it('leaves a live `weft run --db` run alone, and closes it interrupted (never resumed) once the CLI is killed', async () => {
    const server = h.servers[h.servers.length - 1];
    const file = join(h.workspace, 'ownership.yaml');
    writeFileSync(file, WORKFLOW);
    const cli = spawn(process.execPath, [join(REPO_ROOT, 'apps/cli/bin/weft.js'), 'run', file, '--db', databaseFile, '--json'], {
      cwd: h.workspace,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => cli.once('exit', resolve));
    try {
      const run = await waitFor(
        'the CLI run to reach long',
        async () => {
          const runs = await expectCall(200, server.port, 'GET', '/api/runs?limit=5');
          const mine = runs.find((r: { workflow: string; status: string }) => r.workflow === 'ownership' && r.status === 'running');
          if (!mine) return false;
          const report = await expectCall(200, server.port, 'GET', `/api/runs/${mine.runId}`);
          return report.steps.long.status === 'running' ? mine : false;
        },
        30_000,
      );
      await sleep(1500);
      expect((await expectCall(200, server.port, 'GET', `/api/runs/${run.runId}`)).status).toBe('running');
      cli.kill('SIGKILL');
      await exited;
      const report = await pollReport(server.port, run.runId, (r) => r.status !== 'running', 15_000);
      expect(report.status).toBe('interrupted');
      expect(h.markers(run.runId)).toEqual({ prepare: 1, side: 1, long: 1, publish: 0 });
    } finally {
      cli.kill('SIGKILL');
    }
  }, 60_000);

  it('lets go of its runs when the database stays locked for a whole lease, then takes them back and finishes them', async () => {
    const server = h.servers[h.servers.length - 1];
    const { id } = await expectCall(201, server.port, 'POST', '/api/workflows', WORKFLOW, 'application/yaml');
    const { runId } = await expectCall(202, server.port, 'POST', `/api/workflows/${id}/runs`, {});
    await pollReport(server.port, runId, (report) => report.steps.long.status === 'running' && report.steps.side.status === 'succeeded', 30_000);
    await waitFor('long to start', () => h.markers(runId).long === 1, 10_000);

    // Another process holds the database's write lock past the server's busy timeout (5 s): its
    // beats fail for more than a lease.
    const holder = spawn('python3', ['-c', LOCK_HOLDER, databaseFile, '6'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const held = new Promise<number | null>((resolve) => holder.once('exit', resolve));
    await waitFor('the lock to be held', () => holder.stdout!.read() !== null, 10_000);
    await waitFor('the server to let go of its runs', () => server.output().includes('letting go of every run'), 20_000);
    expect(await held).toBe(0);
    await waitFor('the server to take its run back', () => server.output().includes('run taken back'), 20_000);

    h.release(runId);
    const done = await pollReport(server.port, runId, (report) => report.status !== 'running', 30_000);
    expect(done.status).toBe('succeeded');
    expect(done.steps.long).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.steps.publish).toMatchObject({ status: 'succeeded', outputs: { published: 2 } });
    expect(h.markers(runId)).toEqual({ prepare: 1, side: 1, long: 2, publish: 1 });
  }, 90_000);
});

describe('one owner per run: runs started while their server beats', () => {
  let db: TestDatabase;
  let h: ReturnType<typeof harness>;

  beforeAll(async () => {
    buildServer();
    db = await postgresTestDatabase();
    h = harness('weft-owners-beats-');
  }, 180_000);

  afterAll(async () => {
    await h?.cleanup();
    await db?.dispose();
  });

  // A run recorded after a beat read the server's runs, and active before the beat's answer was
  // looked at, was once let go of as if taken over: nobody ran it any more. Short leases beat every
  // 200 ms, so many runs start while a beat is in flight.
  it('runs every one of 45 runs to its end, three at a time, with a beat every 200 ms', async () => {
    const quick = `name: quick
steps:
  - id: prepare
    type: shell
    run: |
      echo '{"n": 2}' > "$WEFT_OUTPUTS"
  - id: side
    type: shell
    run: "true"
  - id: publish
    type: shell
    needs: [prepare]
    inputs:
      n: \${steps.prepare.outputs.n}
    run: test "$INPUT_N" = 2
`;
    const env = { DATABASE_URL: String(db.options.url), DATABASE_SCHEMA: String(db.options.schema), WEFT_LEASE_MS: '600' };
    for (let i = 0; i < 2; i++) {
      h.servers.push(await startServerProcess({ databaseFile: join(h.dir.path, 'unused.sqlite'), workspace: h.workspace, examplesDir: '', env }));
    }
    const [a] = h.servers;
    const { id } = await expectCall(201, a.port, 'POST', '/api/workflows', quick, 'application/yaml');
    let left = 45;
    const statuses: string[] = [];
    const lane = async (): Promise<void> => {
      while (left-- > 0) {
        const { runId } = await expectCall(202, a.port, 'POST', `/api/workflows/${id}/runs`, {});
        statuses.push((await pollReport(a.port, runId, (report) => report.status !== 'running', 20_000)).status);
      }
    };
    await Promise.all([lane(), lane(), lane()]);
    expect(statuses).toEqual(Array(45).fill('succeeded'));
  }, 180_000);
});
