import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer, type RedisServer } from '../../../libs/queue/src/testing/redis-server.js';
import { tempDir, waitFor } from './e2e-helpers.js';
import { REPO_ROOT, buildServer, expectCall, killRecordedGroups, pollReport, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * Workers on separate hosts: each worker runs in a network namespace of its own, joined by a veth
 * pair to a hub namespace, and reaches Redis over it. Cutting one host's link mid-step must end that
 * attempt `worker_lost` and the run must still succeed on the other host. Traffic goes only to
 * loopback and to the addresses given to these namespaces.
 *
 * This namespace's network never changes: every link lives in the hub or a host namespace, and a
 * relay in the hub passes the workers' connections on to Redis's Unix socket. (A link or address
 * added here makes a Chromium running beside this test, in another project's browser tests, abort
 * its loads with net::ERR_NETWORK_CHANGED.)
 */

const tag = randomBytes(3).toString('hex');
const HUB = `weft-hub-${tag}`;
const HOSTS = [
  { ns: `weft-a-${tag}`, outer: `wa${tag}h`, inner: `wa${tag}n`, hostIp: '10.231.1.1', workerIp: '10.231.1.2', id: 'host-a' },
  { ns: `weft-b-${tag}`, outer: `wb${tag}h`, inner: `wb${tag}n`, hostIp: '10.231.2.1', workerIp: '10.231.2.2', id: 'host-b' },
];

/**
 * Listens on `port` at each address and pipes every connection to the Unix socket (argv: socket,
 * port, addresses); prints "relaying" once it listens everywhere.
 */
const RELAY = `
const net = require('node:net');
const [socketPath, port, ...addresses] = process.argv.slice(1);
let listening = 0;
for (const address of addresses) {
  net.createServer((client) => {
    const redis = net.connect(socketPath);
    client.pipe(redis).pipe(client);
    client.on('error', () => redis.destroy()).on('close', () => redis.destroy());
    redis.on('error', () => client.destroy()).on('close', () => client.destroy());
  }).listen(Number(port), address, () => ++listening === addresses.length && console.log('relaying'));
}
`;

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
  let relay: ChildProcess | undefined;
  let monitor: { child: ChildProcess; output: () => string } | undefined;
  let server: ServerProcess;
  const workers: { id: string; child: ChildProcess; output: () => string }[] = [];

  beforeAll(async () => {
    // Started first, so it listens well before the first change it must see.
    const watching = spawn('ip', ['monitor', 'link', 'address', 'route'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    watching.stdout!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    watching.stderr!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    monitor = { child: watching, output: () => seen };
    await new Promise((resolve) => watching.once('spawn', resolve));
    buildServer();
    mkdirSync(workspace);
    ip('netns', 'add', HUB);
    ip('netns', 'exec', HUB, 'ip', 'link', 'set', 'lo', 'up');
    for (const host of HOSTS) {
      ip('netns', 'add', host.ns);
      ip('netns', 'exec', HUB, 'ip', 'link', 'add', host.outer, 'type', 'veth', 'peer', 'name', host.inner, 'netns', host.ns);
      ip('netns', 'exec', HUB, 'ip', 'addr', 'add', `${host.hostIp}/30`, 'dev', host.outer);
      ip('netns', 'exec', HUB, 'ip', 'link', 'set', host.outer, 'up');
      ip('netns', 'exec', host.ns, 'ip', 'addr', 'add', `${host.workerIp}/30`, 'dev', host.inner);
      ip('netns', 'exec', host.ns, 'ip', 'link', 'set', host.inner, 'up');
      ip('netns', 'exec', host.ns, 'ip', 'link', 'set', 'lo', 'up');
    }
    const socket = join(dir.path, 'redis.sock');
    redis = await startRedisServer({ unixSocket: socket });
    const relayPort = 16379; // in the hub's own network, where nothing else listens
    const started = spawn('ip', ['netns', 'exec', HUB, process.execPath, '-e', RELAY, socket, String(relayPort), ...HOSTS.map((h) => h.hostIp)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    relay = started;
    let relayOutput = '';
    started.stdout!.on('data', (chunk: Buffer) => (relayOutput += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => (relayOutput += chunk.toString()));
    await waitFor('the relay in the hub namespace to listen', () => {
      if (started.exitCode !== null) throw new Error(`the relay exited (${started.exitCode}):\n${relayOutput}`);
      return relayOutput.includes('relaying');
    }, 10_000);
    server = await startServerProcess({
      databaseFile: join(dir.path, 'weft.sqlite'),
      workspace,
      examplesDir: '',
      env: { WEFT_QUEUE_URL: redis.url, WEFT_WORKER_LOST_MS: '3000' },
    });
    for (const host of HOSTS) {
      const url = `redis://${host.hostIp}:${relayPort}`;
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
    monitor?.child.kill('SIGKILL');
    for (const worker of workers) worker.child.kill('SIGKILL');
    await server?.kill('SIGKILL');
    killRecordedGroups(join(dir.path, 'pids.txt'));
    relay?.kill('SIGKILL');
    await redis?.stop();
    // Deleting a namespace deletes the veth ends in it, and so the pair.
    for (const ns of [...HOSTS.map((h) => h.ns), HUB]) spawnSync('ip', ['netns', 'del', ns]);
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
    ip('netns', 'exec', HUB, 'ip', 'link', 'set', cut.outer, 'down');
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

  it("never changes this namespace's links, addresses or routes (a Chromium beside it would abort its loads)", () => {
    expect(monitor!.output()).toBe('');
  });
});
