import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, waitFor } from './e2e-helpers.js';
import {
  buildServer,
  call,
  expectCall,
  killRecordedGroups,
  leadsItsGroup,
  pollReport,
  startServerProcess,
  subscribeEvents,
  type ServerProcess,
} from './server-process.js';

/**
 * Crash safety with `WEFT_RESUME=off`: the real server, as a child process, is killed with SIGKILL
 * while a run is half done, then started again on the same SQLite file; the run is closed
 * `interrupted` for a manual retry (with resuming on, ownership.e2e.spec.ts shows it finish by itself).
 *
 * Every step appends its id to `markers.log` each time it runs, so re-runs can be counted.
 * `long` writes its pid (the leader of its process group) to `pids.txt` and waits for the file
 * `release`, which only appears after the restart: the crash always hits it while it runs.
 */

// Appends the step id to markers.log and writes the given JSON as the step's outputs.
const QUICK_SH = `#!/bin/sh
echo "$1" >> markers.log
echo "$1 ran"
printf '%s\\n' "$2" > "$WEFT_OUTPUTS"
`;

const WORKFLOW = `name: crash-safety
maxParallel: 4
steps:
  - id: prepare
    type: shell
    run: |
      sh ./quick.sh prepare '{"rows": 3, "token": "t-42"}'
  - id: transform
    type: shell
    inputs:
      rows: \${steps.prepare.outputs.rows}
    run: |
      echo transform >> markers.log
      echo "{\\"doubled\\": $((INPUT_ROWS * 2))}" > "$WEFT_OUTPUTS"
  - id: long
    type: shell
    run: |
      echo long >> markers.log
      echo $$ >> pids.txt
      while [ ! -f release ]; do sleep 0.1; done
      echo '{"released": true}' > "$WEFT_OUTPUTS"
  - id: publish
    type: shell
    needs: [long]
    inputs:
      doubled: \${steps.transform.outputs.doubled}
    run: |
      echo publish >> markers.log
      echo "{\\"published\\": $INPUT_DOUBLED}" > "$WEFT_OUTPUTS"
`;

describe('Weft server crash safety (SIGKILL mid-run, real process)', () => {
  let dir: ReturnType<typeof tempDir>;
  let workspace: string;
  let examples: string;
  let databaseFile: string;
  const servers: ServerProcess[] = [];

  const pidFile = () => join(workspace, 'pids.txt');
  const markers = (): Record<string, number> => {
    const file = join(workspace, 'markers.log');
    const counts: Record<string, number> = { prepare: 0, transform: 0, long: 0, publish: 0 };
    if (!existsSync(file)) return counts;
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) counts[line] = (counts[line] ?? 0) + 1;
    return counts;
  };

  beforeAll(() => {
    buildServer();
    dir = tempDir('weft-crash-');
    workspace = join(dir.path, 'workspace');
    examples = join(dir.path, 'examples');
    mkdirSync(workspace);
    mkdirSync(examples);
    databaseFile = join(dir.path, 'weft.sqlite');
    writeFileSync(join(workspace, 'quick.sh'), QUICK_SH, { mode: 0o755 });
  }, 180_000);

  afterAll(async () => {
    for (const server of servers) await server.kill('SIGKILL');
    // Steps run in their own process groups and outlive a killed server: leave none behind.
    if (workspace) killRecordedGroups(pidFile());
    dir?.dispose();
  });

  // Steps started directly (no process starter) outlive a server killed with SIGKILL: the case the
  // restarted server's clean-up is for. With a starter they die with the server (the last test).
  async function start(env: Record<string, string> = { WEFT_PROCESS_STARTER: 'off' }): Promise<ServerProcess> {
    const server = await startServerProcess({ databaseFile, workspace, examplesDir: examples, env: { WEFT_RESUME: 'off', ...env } });
    servers.push(server);
    return server;
  }

  it('keeps finished steps, marks the run interrupted, and retry completes it without re-running them', async () => {
    // 1. A run half done: prepare and transform finished, long still running, publish waiting.
    const first = await start();
    const stored = await expectCall(201, first.port, 'POST', '/api/workflows', WORKFLOW, 'application/yaml');
    const { runId } = await expectCall(202, first.port, 'POST', `/api/workflows/${stored.id}/runs`, {});
    const during = await pollReport(
      first.port,
      runId,
      (report) => report.steps.prepare.status === 'succeeded' && report.steps.transform.status === 'succeeded' && report.steps.long.status === 'running',
    );
    expect(during.status).toBe('running');
    expect(during.steps.publish.status).toBe('pending');
    // Wait until long has recorded its pid (it is running, so the line comes at once).
    await waitFor('the long step to write its pid', () => existsSync(pidFile()) && readFileSync(pidFile(), 'utf8').trim() !== '');

    // 2. SIGKILL: no shutdown hook runs, nothing gets to record the run's end.
    await first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Started directly, the step's process group outlives the server: the restarted server must kill it.
    const [longPid] = readFileSync(pidFile(), 'utf8').trim().split('\n').map(Number);
    expect(leadsItsGroup(longPid)).toBe(true);

    // 3. Restart on the same database: the run is interrupted, the finished steps are kept, and the
    // orphaned step is killed (a retry must not run next to a stale copy).
    const second = await start();
    await waitFor('the restarted server to kill the orphaned step', () => !leadsItsGroup(longPid));
    expect(markers()).toEqual({ prepare: 1, transform: 1, long: 1, publish: 0 });
    const interrupted = await expectCall(200, second.port, 'GET', `/api/runs/${runId}`);
    expect(interrupted).toMatchObject({ runId, workflow: 'crash-safety', status: 'interrupted' });
    expect(interrupted.steps.prepare).toMatchObject({ status: 'succeeded', exitCode: 0, outputs: { rows: 3, token: 't-42' }, reused: false });
    expect(interrupted.steps.transform).toMatchObject({ status: 'succeeded', exitCode: 0, outputs: { doubled: 6 }, reused: false });
    expect(interrupted.steps.long.status).toBe('cancelled');
    expect(interrupted.steps.publish.status).toBe('cancelled');
    // The log lines come through the child's stdout pipe, which may trail the database by a moment.
    await waitFor('the restarted server to log what it did', () =>
      ['run marked interrupted', 'killed step processes the lost server left running', runId].every((text) => second.output().includes(text)),
    );
    expect(second.output()).toContain('run marked interrupted');
    expect(second.output()).toContain('killed step processes the lost server left running');
    expect(second.output()).toContain(runId);

    const history = await expectCall(200, second.port, 'GET', `/api/runs?workflowId=${stored.id}`);
    expect(history).toEqual([expect.objectContaining({ runId, status: 'interrupted' })]);
    const log = await call(second.port, 'GET', `/api/runs/${runId}/steps/prepare/logs`);
    expect(log.status).toBe(200);
    expect(log.text).toContain('prepare ran');
    // A late viewer replays the interrupted run from the history, to its end.
    const replay = await subscribeEvents(second.port, runId).done;
    expect(replay.messages.at(-1)).toMatchObject({ event: 'run.finished', data: { status: 'interrupted' } });

    // 4. Retry from failure: only long and publish run again.
    writeFileSync(join(workspace, 'release'), '');
    const retry = await expectCall(202, second.port, 'POST', `/api/runs/${runId}/retry`);
    const done = await pollReport(second.port, retry.runId, (report) => report.status !== 'running');
    expect(done).toMatchObject({ status: 'succeeded', retryOf: runId });
    expect(done.steps.prepare).toMatchObject({ status: 'succeeded', reused: true, outputs: { rows: 3, token: 't-42' } });
    expect(done.steps.transform).toMatchObject({ status: 'succeeded', reused: true, outputs: { doubled: 6 } });
    expect(done.steps.long).toMatchObject({ status: 'succeeded', reused: false, outputs: { released: true } });
    expect(done.steps.publish).toMatchObject({ status: 'succeeded', reused: false, outputs: { published: 6 } });
    expect(markers()).toEqual({ prepare: 1, transform: 1, long: 2, publish: 1 });

    // The interrupted run stays as it was; both are in the history.
    expect((await expectCall(200, second.port, 'GET', `/api/runs/${runId}`)).status).toBe('interrupted');
    const after = await expectCall(200, second.port, 'GET', `/api/runs?workflowId=${stored.id}`);
    expect(after.map((run: { runId: string; status: string }) => [run.runId, run.status])).toEqual([
      [retry.runId, 'succeeded'],
      [runId, 'interrupted'],
    ]);
  }, 60_000);

  it('leaves no step running when a server with a process starter is killed: they die with it', async () => {
    const server = await start({});
    const text = `name: doomed\nsteps:\n  - id: hold\n    type: shell\n    run: echo $$ > doomed.pid; sleep 30\n`;
    const stored = await expectCall(201, server.port, 'POST', '/api/workflows', text, 'application/yaml');
    await expectCall(202, server.port, 'POST', `/api/workflows/${stored.id}/runs`, {});
    const pid = join(workspace, 'doomed.pid');
    await waitFor('the step to write its pid', () => existsSync(pid) && readFileSync(pid, 'utf8').endsWith('\n'));
    const stepPid = Number(readFileSync(pid, 'utf8'));
    expect(leadsItsGroup(stepPid)).toBe(true);
    await server.kill('SIGKILL');
    await waitFor('the step to be gone with its server', () => !leadsItsGroup(stepPid), 5000);
  }, 60_000);
});
