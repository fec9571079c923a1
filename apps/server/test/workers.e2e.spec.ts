import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer, type RedisServer } from '../../../libs/queue/src/testing/redis-server.js';
import { tempDir, waitFor } from './e2e-helpers.js';
import { REPO_ROOT, buildServer, expectCall, killRecordedGroups, pollReport, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * Steps on several machines' worth of workers: a real redis-server of this file's own, the real
 * server (WEFT_QUEUE_URL) and real `weft worker` processes.
 *
 * Steps append `<run id> <step id> <event>` to the file $MARKS (an absolute path: a worker runs a
 * step in its own copy of the workflow folder). `hold` records its pid in $PIDS and waits for the
 * file `$RELEASE-<run id>`, so a test decides when it ends.
 */
const LOST_MS = 3000;

function workflow(dir: string, extra = ''): string {
  return `name: cluster
maxParallel: 6
env:
  MARKS: ${join(dir, 'marks.log')}
  PIDS: ${join(dir, 'pids.txt')}
  RELEASE: ${join(dir, 'release')}
steps:
  - id: hold
    type: shell
    run: |
      echo $$ >> "$PIDS"
      echo "$WEFT_RUN_ID hold start" >> "$MARKS"
      echo "hold is waiting"
      while [ ! -f "$RELEASE-$WEFT_RUN_ID" ]; do sleep 0.05; done
      echo "$WEFT_RUN_ID hold done" >> "$MARKS"
      echo "{\\"pid\\": $$}" > "$WEFT_OUTPUTS"
  - id: after
    type: shell
    needs: [hold]
    run: echo "$WEFT_RUN_ID after done" >> "$MARKS"
${extra}`;
}

const SPREAD = `name: spread
maxParallel: 6
steps:
${[1, 2, 3, 4, 5, 6].map((n) => `  - id: s${n}\n    type: shell\n    run: sleep 0.6`).join('\n')}
`;

interface WorkerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  output(): string;
}

describe('steps on weft workers through Redis', () => {
  const dir = tempDir('weft-workers-');
  const workspace = join(dir.path, 'workspace');
  let redis: RedisServer;
  let server: ServerProcess;
  const workers: WorkerProcess[] = [];

  const startServer = async () =>
    (server = await startServerProcess({
      databaseFile: join(dir.path, 'weft.sqlite'),
      workspace,
      examplesDir: '',
      env: { WEFT_QUEUE_URL: redis.url, WEFT_WORKER_LOST_MS: String(LOST_MS), WEFT_LEASE_MS: '3000', LOG_LEVEL: 'info' },
    }));

  async function startWorker(id: string, args: string[] = []): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/cli/bin/weft.js'), 'worker', '--queue', redis.url, '--id', id, '--concurrency', '2', ...args], {
      cwd: dir.path,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', WEFT_CACHE_DIR: join(dir.path, `cache-${id}`) },
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const worker = { id, child, output: () => output };
    workers.push(worker);
    await waitFor(`worker ${id} to be ready`, () => output.includes('takes attempts from'), 20_000);
    return worker;
  }

  const marks = (runId: string): string[] => {
    const file = join(dir.path, 'marks.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(`${runId} `))
      .map((line) => line.slice(runId.length + 1));
  };
  const release = (runId: string) => writeFileSync(join(dir.path, `release-${runId}`), '');
  const store = async (text: string): Promise<string> => (await expectCall(201, server.port, 'POST', '/api/workflows', text, 'application/yaml')).id;
  const startRun = async (workflowId: string): Promise<string> => (await expectCall(202, server.port, 'POST', `/api/workflows/${workflowId}/runs`, {})).runId;
  const events = async (runId: string): Promise<any[]> => {
    const answer = await fetch(`http://127.0.0.1:${server.port}/api/runs/${runId}/events`);
    return (await answer.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)));
  };
  // Running on a worker, and its process has started (its pid is recorded before its start mark).
  const holdRunningOn = (runId: string, attempts = 1) =>
    pollReport(
      server.port,
      runId,
      (report) =>
        report.steps.hold.status === 'running' &&
        report.steps.hold.attempts === attempts &&
        report.steps.hold.worker !== null &&
        marks(runId).filter((mark) => mark === 'hold start').length === attempts,
      20_000,
    );
  const workerNamed = (id: string) => workers.find((w) => w.id === id)!;

  beforeAll(async () => {
    buildServer();
    mkdirSync(workspace);
    redis = await startRedisServer();
    await startServer();
    for (const id of ['w1', 'w2', 'w3']) await startWorker(id);
  }, 240_000);

  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await server?.kill('SIGKILL');
    killRecordedGroups(join(dir.path, 'pids.txt'));
    await redis?.stop();
    dir.dispose();
  });

  it('lists the workers and spreads the steps over them', async () => {
    const listed = await expectCall(200, server.port, 'GET', '/api/workers');
    expect(listed.dispatcher).toBe('queue');
    expect(listed.workers.map((w: any) => [w.id, w.concurrency, w.labels])).toEqual([
      ['w1', 2, []],
      ['w2', 2, []],
      ['w3', 2, []],
    ]);
    const runId = await startRun(await store(SPREAD));
    const done = await pollReport(server.port, runId, (report) => report.status !== 'running', 30_000);
    expect(done.status).toBe('succeeded');
    const byWorker: Record<string, number> = {};
    for (const step of Object.values<any>(done.steps)) byWorker[step.worker] = (byWorker[step.worker] ?? 0) + 1;
    expect(byWorker).toEqual({ w1: 2, w2: 2, w3: 2 }); // six slots, six steps at once
    expect(done.peakParallelism).toBe(6);
  }, 60_000);

  it('runs a lost (SIGKILLed) worker’s step again elsewhere as attempt 2, worker_lost not counted, one completion', async () => {
    const workflowId = await store(workflow(dir.path));
    const runId = await startRun(workflowId);
    const running = await holdRunningOn(runId);
    const victim = workerNamed(running.steps.hold.worker);
    victim.child.kill('SIGKILL');
    killRecordedGroups(join(dir.path, 'pids.txt')); // the machine died with it: its step process too
    const again = await holdRunningOn(runId, 2);
    expect(again.steps.hold.worker).not.toBe(victim.id);
    release(runId);
    const done = await pollReport(server.port, runId, (report) => report.status !== 'running', 20_000);
    expect(done.status).toBe('succeeded');
    expect(done.steps.hold).toMatchObject({ status: 'succeeded', attempts: 2, worker: again.steps.hold.worker });
    const lost = (await events(runId)).filter((e) => e.type === 'attempt.finished' && e.stepId === 'hold');
    expect(lost.map((e) => [e.attempt, e.reason, e.worker])).toEqual([
      [1, 'worker_lost', victim.id],
      [2, null, again.steps.hold.worker],
    ]);
    expect(marks(runId)).toEqual(['hold start', 'hold start', 'hold done', 'after done']);
    await startWorker(`${victim.id}b`);
  }, 90_000);

  it('ignores the late result of a worker that hung (SIGSTOP) and came back (SIGCONT)', async () => {
    const runId = await startRun(await store(workflow(dir.path)));
    const running = await holdRunningOn(runId);
    const hung = workerNamed(running.steps.hold.worker);
    hung.child.kill('SIGSTOP');
    const again = await holdRunningOn(runId, 2);
    release(runId); // both step processes end: the hung worker's child was never stopped
    const done = await pollReport(server.port, runId, (report) => report.status !== 'running', 20_000);
    hung.child.kill('SIGCONT');
    await waitFor('the hung worker to drop its result', () => hung.output().includes('result dropped'), 10_000);
    const after = await expectCall(200, server.port, 'GET', `/api/runs/${runId}`);
    expect(after).toEqual(done);
    expect(done.steps.hold).toMatchObject({ status: 'succeeded', attempts: 2, worker: again.steps.hold.worker });
    const pids = readFileSync(join(dir.path, 'pids.txt'), 'utf8').trim().split('\n').map(Number);
    expect(done.steps.hold.outputs).toEqual({ pid: pids.at(-1) }); // the second attempt's, not the late one's
    expect((await events(runId)).filter((e) => e.type === 'attempt.started' && e.stepId === 'hold')).toHaveLength(2);
  }, 90_000);

  it('cancels a step waiting for a worker label nobody has and a running one, in a second or two', async () => {
    const extra = `  - id: gpu\n    type: shell\n    runsOn: no-such-label\n    run: echo "$WEFT_RUN_ID gpu done" >> "$MARKS"\n`;
    const runId = await startRun(await store(workflow(dir.path, extra)));
    await holdRunningOn(runId);
    const t0 = Date.now();
    await expectCall(202, server.port, 'POST', `/api/runs/${runId}/cancel`);
    const done = await pollReport(server.port, runId, (report) => report.status !== 'running', 10_000);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(done.status).toBe('cancelled');
    expect(done.steps.hold).toMatchObject({ status: 'cancelled' });
    expect(done.steps.gpu).toMatchObject({ status: 'cancelled', attempts: 0, worker: null });
    release(runId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(marks(runId)).toEqual(['hold start']); // the running step was stopped on its worker
  }, 60_000);

  it('finishes a run when Redis restarts (losing everything) in the middle of it', async () => {
    const runId = await startRun(await store(workflow(dir.path)));
    await holdRunningOn(runId);
    await redis.restart({ downMs: 500 });
    release(runId);
    const done = await pollReport(server.port, runId, (report) => report.status !== 'running', 40_000);
    expect(done.status).toBe('succeeded');
    expect(done.steps.hold.attempts).toBe(1);
    expect(marks(runId)).toEqual(['hold start', 'hold done', 'after done']);
  }, 90_000);

  it('re-attaches to the attempts still running on workers after the server is SIGKILLed and restarted', async () => {
    const runId = await startRun(await store(workflow(dir.path)));
    const running = await holdRunningOn(runId);
    // The log streams from the worker while the step runs.
    await waitFor('the live log', async () => (await fetch(`http://127.0.0.1:${server.port}/api/runs/${runId}/steps/hold/logs`).then((r) => r.text())).includes('hold is waiting'));
    await server.kill('SIGKILL');
    await startServer();
    await waitFor('the restarted server to take its run over', () => server.output().includes(runId), 20_000);
    release(runId);
    const done = await pollReport(server.port, runId, (report) => report.status !== 'running', 30_000);
    expect(done.status).toBe('succeeded');
    expect(done.steps.hold).toMatchObject({ status: 'succeeded', attempts: 1, worker: running.steps.hold.worker });
    expect(marks(runId)).toEqual(['hold start', 'hold done', 'after done']);
    // What the worker said before the restart is read back from the run's stream: the log is whole, once.
    expect(await fetch(`http://127.0.0.1:${server.port}/api/runs/${runId}/steps/hold/logs`).then((r) => r.text())).toBe('hold is waiting\n');
  }, 90_000);

  it('refuses an attempt too large to send to a worker, saying why', async () => {
    const big = 'x'.repeat(600 * 1024);
    const text = `name: big\nsteps:\n  - id: a\n    type: shell\n    run: "true"\n    inputs:\n      blob: "${big}"\n`;
    const runId = await startRun(await store(text));
    const done = await pollReport(server.port, runId, (report) => report.status !== 'running', 20_000);
    expect(done.steps.a).toMatchObject({ status: 'failed', reason: 'spawn_error', attempts: 0 });
    expect(done.steps.a.message).toMatch(/not sent to a worker: the attempt is 600\.\d KiB as JSON .* over the 512 KiB a job may carry/);
  }, 60_000);
});
