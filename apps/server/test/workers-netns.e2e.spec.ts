import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer, type RedisServer } from '../../../libs/queue/src/testing/redis-server.js';
import { tempDir, waitFor } from './e2e-helpers.js';
import { REPO_ROOT, buildServer, expectCall, killRecordedGroups, pollReport, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * Workers on separate hosts: each worker runs in a network namespace of its own, joined to this one
 * by a veth pair, and reaches Redis over it. Cutting one host's link mid-step must end that attempt
 * `worker_lost` and the run must still succeed on the other host. Traffic goes only to loopback and
 * to the addresses given to these namespaces.
 */

const tag = randomBytes(3).toString('hex');
const HOSTS = [
  { ns: `weft-a-${tag}`, outer: `wa${tag}h`, inner: `wa${tag}n`, hostIp: '10.231.1.1', workerIp: '10.231.1.2', id: 'host-a' },
  { ns: `weft-b-${tag}`, outer: `wb${tag}h`, inner: `wb${tag}n`, hostIp: '10.231.2.1', workerIp: '10.231.2.2', id: 'host-b' },
];

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr || result.error?.message}`);
}

/** Whether this machine lets us make network namespaces (root, `ip` present). */
function namespacesWork(): boolean {
  const probe = `weft-probe-${tag}`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status !== 0) return false;
  spawnSync('ip', ['netns', 'del', probe]);
  return true;
}

const supported = namespacesWork();
if (!supported) {
  console.warn('workers-netns.e2e: skipped: network namespaces cannot be created here (needs root and iproute2: `ip netns add`)');
}

(supported ? describe : describe.skip)('workers on separate hosts (network namespaces)', () => {
  const dir = tempDir('weft-netns-');
  const workspace = join(dir.path, 'workspace');
  let redis: RedisServer;
  let server: ServerProcess;
  const workers: { id: string; child: ChildProcess; output: () => string }[] = [];

  beforeAll(async () => {
    buildServer();
    mkdirSync(workspace);
    for (const host of HOSTS) {
      ip('netns', 'add', host.ns);
      ip('link', 'add', host.outer, 'type', 'veth', 'peer', 'name', host.inner);
      ip('link', 'set', host.inner, 'netns', host.ns);
      ip('addr', 'add', `${host.hostIp}/30`, 'dev', host.outer);
      ip('link', 'set', host.outer, 'up');
      ip('netns', 'exec', host.ns, 'ip', 'addr', 'add', `${host.workerIp}/30`, 'dev', host.inner);
      ip('netns', 'exec', host.ns, 'ip', 'link', 'set', host.inner, 'up');
      ip('netns', 'exec', host.ns, 'ip', 'link', 'set', 'lo', 'up');
    }
    redis = await startRedisServer({ bind: ['127.0.0.1', ...HOSTS.map((h) => h.hostIp)].join(' ') });
    server = await startServerProcess({
      databaseFile: join(dir.path, 'weft.sqlite'),
      workspace,
      examplesDir: '',
      env: { WEFT_QUEUE_URL: redis.url, WEFT_WORKER_LOST_MS: '3000' },
    });
    for (const host of HOSTS) {
      const url = `redis://${host.hostIp}:${redis.port}`;
      const child = spawn('ip', ['netns', 'exec', host.ns, process.execPath, join(REPO_ROOT, 'apps/cli/bin/weft.js'), 'worker', '--queue', url, '--id', host.id, '--concurrency', '1'], {
        cwd: dir.path,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', WEFT_CACHE_DIR: join(dir.path, `cache-${host.id}`) },
      });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      workers.push({ id: host.id, child, output: () => output });
      await waitFor(`worker ${host.id} to be ready`, () => output.includes('takes attempts from'), 20_000);
    }
  }, 240_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await server?.kill('SIGKILL');
    killRecordedGroups(join(dir.path, 'pids.txt'));
    await redis?.stop();
    for (const host of HOSTS) {
      spawnSync('ip', ['link', 'del', host.outer]);
      spawnSync('ip', ['netns', 'del', host.ns]);
    }
    dir.dispose();
  });

  it('runs steps on both hosts, and when one host is cut off mid-step the run still succeeds on the other', async () => {
    const marks = join(dir.path, 'marks.log');
    const text = `name: hosts
maxParallel: 2
env: { MARKS: ${marks}, PIDS: ${join(dir.path, 'pids.txt')}, RELEASE: ${join(dir.path, 'release')} }
steps:
  - id: hold
    type: shell
    run: |
      echo "hold start" >> "$MARKS"
      echo $$ >> "$PIDS"
      while [ ! -f "$RELEASE" ]; do sleep 0.05; done
      echo "hold done" >> "$MARKS"
  - id: other
    type: shell
    run: |
      echo "other start" >> "$MARKS"
      while [ ! -f "$RELEASE-other" ]; do sleep 0.05; done
`;
    const { id } = await expectCall(201, server.port, 'POST', '/api/workflows', text, 'application/yaml');
    const { runId } = await expectCall(202, server.port, 'POST', `/api/workflows/${id}/runs`, {});
    const both = await pollReport(server.port, runId, (r) => r.steps.hold.status === 'running' && r.steps.other.status === 'running' && r.steps.hold.worker && r.steps.other.worker, 20_000);
    expect(new Set([both.steps.hold.worker, both.steps.other.worker])).toEqual(new Set(['host-a', 'host-b']));
    writeFileSync(join(dir.path, 'release-other'), ''); // the other host is free again
    await pollReport(server.port, runId, (r) => r.steps.other.status === 'succeeded', 20_000);

    const cut = HOSTS.find((h) => h.id === both.steps.hold.worker)!;
    // "running" means the worker took the attempt; its process may start a moment later (from the
    // worker's process starter): cut the host once that process has recorded its pid.
    const pids = join(dir.path, 'pids.txt');
    await waitFor('the hold step to record its pid', () => existsSync(pids) && readFileSync(pids, 'utf8').trim() !== '', 20_000);
    const t0 = Date.now();
    ip('link', 'set', cut.outer, 'down');
    killRecordedGroups(join(dir.path, 'pids.txt')); // that host's step would die with it
    const again = await pollReport(server.port, runId, (r) => r.steps.hold.attempts === 2 && r.steps.hold.status === 'running', 20_000);
    const recoveredMs = Date.now() - t0;
    expect(again.steps.hold.worker).not.toBe(cut.id);
    writeFileSync(join(dir.path, 'release'), '');
    const done = await pollReport(server.port, runId, (r) => r.status !== 'running', 20_000);
    expect(done.status).toBe('succeeded');
    expect(done.steps.hold).toMatchObject({ status: 'succeeded', attempts: 2, worker: again.steps.hold.worker });
    expect(recoveredMs).toBeLessThan(3000 + 10_000);
    const lines = existsSync(marks) ? readFileSync(marks, 'utf8').trim().split('\n') : [];
    expect(lines.filter((line) => line === 'hold done')).toHaveLength(1);
    expect(server.output()).toContain('worker lost');
  }, 120_000);
});
