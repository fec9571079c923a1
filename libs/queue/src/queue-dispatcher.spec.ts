import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParallelExecutor, StepTypeRegistry, parseWorkflow, type ExecutionEvent, type RunReport, type Workflow } from '@weft/core';
import { builtinStepTypes } from '@weft/step-types';
import { QueueDispatcher } from './queue-dispatcher';
import { WeftWorker } from './weft-worker';
import { listWorkers } from './worker-registry';
import { connectRedis } from './queue-protocol';
import { startRedisServer, type RedisServer } from './testing/redis-server';

/**
 * The queue dispatcher and workers against a real redis-server of this test file's own: workers run
 * in this process here (the server e2e tests run them as separate processes).
 */

const registry = () => {
  const types = new StepTypeRegistry();
  for (const type of builtinStepTypes()) types.register(type);
  return types;
};

let redis: RedisServer;
const clients: ReturnType<typeof connectRedis>[] = [];
let dir: string;
let prefix: string;
let counter = 0;
const workers: WeftWorker[] = [];
const dispatchers: QueueDispatcher[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
  await redis?.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-queue-'));
  prefix = `t${++counter}`;
});
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  await Promise.all(workers.splice(0).map((w) => w.close(true)));
  rmSync(dir, { recursive: true, force: true });
}, 20_000);

function workflow(yaml: string, folder = dir): Workflow {
  const result = parseWorkflow(yaml, { rootDir: folder, stepTypes: registry() });
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return result.workflow;
}

async function startWorker(id: string, options: { labels?: string[]; concurrency?: number } = {}): Promise<WeftWorker> {
  const worker = new WeftWorker({
    url: redis.url,
    prefix,
    id,
    labels: options.labels,
    concurrency: options.concurrency ?? 2,
    stepTypes: registry(),
    cacheDir: join(dir, `.cache-${id}`),
    heartbeatMs: 200,
  });
  await worker.start();
  workers.push(worker);
  return worker;
}

function dispatcher(options: { lostAfterMs?: number; bundleLimitBytes?: number } = {}): QueueDispatcher {
  const d = new QueueDispatcher({ url: redis.url, prefix, serverId: 'test-server', checkEveryMs: 100, lostAfterMs: options.lostAfterMs ?? 1500, ...options });
  dispatchers.push(d);
  return d;
}

async function run(flow: Workflow, d: QueueDispatcher, signal?: AbortSignal): Promise<{ report: RunReport; events: ExecutionEvent[] }> {
  const events: ExecutionEvent[] = [];
  const lifecycle = {
    runStarted: (e: ExecutionEvent) => events.push(e),
    stepStarted: (e: ExecutionEvent) => events.push(e),
    attemptStarted: (e: ExecutionEvent) => events.push(e),
    attemptFinished: (e: ExecutionEvent) => events.push(e),
    stepFinished: (e: ExecutionEvent) => events.push(e),
    stepLog: (e: ExecutionEvent) => events.push(e),
    runFinished: (e: ExecutionEvent) => events.push(e),
  };
  const report = await new ParallelExecutor({ workflow: flow, stepTypes: registry(), dispatcher: d, lifecycle, signal }).execute();
  return { report, events };
}

describe('QueueDispatcher with workers', () => {
  it('runs the steps on the workers, from the shipped folder, with outputs, logs and the worker of each step', async () => {
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts', 'greet.sh'), 'echo "hello from $(basename "$PWD" | cut -c1-8)"; printf \'{"n": %s}\' "$INPUT_N" > "$WEFT_OUTPUTS"\n');
    await startWorker('w1');
    await startWorker('w2');
    const flow = workflow(
      [
        'steps:',
        '  - id: a',
        '    type: shell',
        '    run: sh scripts/greet.sh',
        '    inputs: { n: 1 }',
        '  - id: b',
        '    type: shell',
        '    run: sleep 0.3; echo b',
        '  - id: c',
        '    type: shell',
        '    run: sleep 0.3; echo c',
        '  - id: d',
        '    type: shell',
        '    run: echo "got $INPUT_N"',
        '    inputs: { n: "${steps.a.outputs.n}" }',
      ].join('\n'),
    );
    const { report, events } = await run(flow, dispatcher());
    expect(report.status).toBe('succeeded');
    expect(report.steps.a.outputs).toEqual({ n: 1 });
    const used = new Set(Object.values(report.steps).map((step) => step.worker));
    expect([...used].every((id) => id === 'w1' || id === 'w2')).toBe(true);
    expect(used.size).toBe(2); // four steps, two workers of two slots: both took some
    const finished = events.filter((e) => e.type === 'step.finished');
    const logOf = (id: string) => finished.find((e) => e.type === 'step.finished' && e.stepId === id);
    expect(logOf('d')).toMatchObject({ log: 'got 1\n' });
    expect(logOf('a')).toMatchObject({ log: expect.stringMatching(/^hello from [0-9a-f]{8}\n$/) }); // cwd: the bundle's hash folder
    const started = events.filter((e) => e.type === 'attempt.started');
    expect(started.every((e) => e.type === 'attempt.started' && (e.worker === 'w1' || e.worker === 'w2'))).toBe(true);
    expect(events.some((e) => e.type === 'step.log' && e.stepId === 'b')).toBe(true);
  });

  it('sends a step with runsOn only to a worker with that label', async () => {
    await startWorker('plain', { concurrency: 4 });
    await startWorker('gpu-box', { labels: ['gpu'], concurrency: 1 });
    const flow = workflow(['steps:', ...['x', 'y', 'z'].flatMap((id) => [`  - id: ${id}`, '    type: shell', '    run: "true"', '    runsOn: gpu'])].join('\n'));
    const { report } = await run(flow, dispatcher());
    expect(Object.values(report.steps).map((s) => s.worker)).toEqual(['gpu-box', 'gpu-box', 'gpu-box']);
  });

  it('cancels an attempt waiting for a worker and one running, within a second or two', async () => {
    await startWorker('w1', { concurrency: 1 });
    const marker = join(dir, 'ran-after-cancel');
    const flow = workflow(
      [
        'steps:',
        '  - id: long',
        '    type: shell',
        `    run: sleep 30; touch ${marker}`,
        '  - id: waits',
        '    type: shell',
        '    run: "true"',
        '    runsOn: nobody-has-this',
      ].join('\n'),
    );
    const controller = new AbortController();
    const d = dispatcher();
    const done = run(flow, d, controller.signal);
    await waitUntil(async () => (await listWorkers(connectRedisOnce(), prefix, 5000))[0]?.running === 1);
    const t0 = Date.now();
    controller.abort();
    const { report } = await done;
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(report.status).toBe('cancelled');
    expect(report.steps.long).toMatchObject({ status: 'cancelled', worker: 'w1' });
    expect(report.steps.waits).toMatchObject({ status: 'cancelled', worker: null, attempts: 0 });
    expect(existsSync(marker)).toBe(false);
  });

  it('dispatches the attempt of a lost worker again, on another worker, not counted against retries', async () => {
    const first = await startWorker('doomed', { concurrency: 1 });
    const markers = join(dir, 'markers');
    const flow = workflow(['steps:', '  - id: slow', '    type: shell', `    run: echo start >> ${markers}; sleep 1; echo done >> ${markers}`].join('\n'));
    const done = run(flow, dispatcher({ lostAfterMs: 800 }));
    await waitUntil(() => existsSync(markers));
    await first.close(true); // it stops heartbeating and says nothing more, as a dead worker would
    await startWorker('rescuer', { concurrency: 1 });
    const { report, events } = await done;
    expect(report.steps.slow).toMatchObject({ status: 'succeeded', attempts: 2, worker: 'rescuer' });
    const ends = events.filter((e) => e.type === 'attempt.finished');
    expect(ends.map((e) => e.type === 'attempt.finished' && [e.reason, e.worker])).toEqual([
      ['worker_lost', 'doomed'],
      [null, 'rescuer'],
    ]);
    expect(readFileSync(markers, 'utf8').trim().split('\n')).toEqual(['start', 'start', 'done']);
  });

  it('refuses a workflow folder over the limit with a clear error, before any worker sees it', async () => {
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(200 * 1024));
    await startWorker('w1');
    const flow = workflow(['steps:', '  - id: a', '    type: shell', '    run: "true"'].join('\n'));
    const { report } = await run(flow, dispatcher({ bundleLimitBytes: 100 * 1024 }));
    expect(report.steps.a).toMatchObject({ status: 'failed', reason: 'spawn_error', attempts: 0 });
    expect(report.steps.a.message).toMatch(/not sent to a worker: the workflow folder .* holds more than 100 KiB.*big\.bin.*WEFT_BUNDLE_LIMIT/);
  });

  it('ends a cancelled run within a few seconds even while Redis does not answer', async () => {
    await startWorker('w1', { concurrency: 1 });
    const flow = workflow(['steps:', '  - id: long', '    type: shell', '    run: sleep 20'].join('\n'));
    const controller = new AbortController();
    const done = run(flow, dispatcher({ lostAfterMs: 60_000 }), controller.signal);
    await waitUntil(async () => (await listWorkers(connectRedisOnce(), prefix, 5000))[0]?.running === 1);
    const down = redis.restart({ downMs: 6000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const t0 = Date.now();
    controller.abort();
    const { report } = await done;
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(report.steps.long).toMatchObject({ status: 'cancelled' });
    expect(report.steps.long.message).toContain('Redis did not answer');
    await down;
  }, 30_000);

  it('gives a waiting attempt with the longest remaining critical path the next free worker, across runs', async () => {
    await startWorker('w1', { concurrency: 1 });
    const d = dispatcher();
    const wide = workflow(['steps:', ...['x1', 'x2', 'x3', 'x4'].flatMap((id) => [`  - id: ${id}`, '    type: shell', '    run: sleep 1'])].join('\n'));
    const chain = workflow(['steps:', ...['y1', 'y2', 'y3'].flatMap((id, i) => [`  - id: ${id}`, '    type: shell', '    run: "true"', ...(i ? [`    needs: [y${i}]`] : [])])].join('\n'));
    const first = run(wide, d);
    // x1 runs (the worker's only slot is taken); x2..x4 wait in the queue.
    await waitUntil(async () => (await listWorkers(connectRedisOnce(), prefix, 5000))[0]?.running === 1);
    const second = run(chain, d);
    const [{ report: x }, { report: y }] = await Promise.all([first, second]);
    const started = (s: { startedAt: string | null }) => Date.parse(s.startedAt!);
    // y1 (3 steps of work behind it) overtakes x2..x4 (1 each), which were queued before it.
    const order = [...Object.entries(x.steps), ['y1', y.steps.y1] as const].sort((a, b) => started(a[1]) - started(b[1])).map(([id]) => id);
    expect(order.slice(0, 2)).toEqual(['x1', 'y1']);
  }, 30_000);

  it('caps the attempts running on all workers together when told (maxInFlight)', async () => {
    await startWorker('w1');
    await startWorker('w2');
    const flow = workflow(['steps:', ...['a', 'b', 'c'].flatMap((id) => [`  - id: ${id}`, '    type: shell', '    run: sleep 0.3'])].join('\n'));
    const d = new QueueDispatcher({ url: redis.url, prefix, serverId: 'capped', checkEveryMs: 100, maxInFlight: 1 });
    dispatchers.push(d);
    const { report } = await run(flow, d);
    expect(report.status).toBe('succeeded');
    expect(report.peakParallelism).toBe(1);
  }, 30_000);

  it('lists the live workers with their labels, slots and what they run', async () => {
    await startWorker('w1', { labels: ['gpu', 'big'], concurrency: 3 });
    await startWorker('w2');
    const listed = await listWorkers(connectRedisOnce(), prefix, 5000);
    expect(listed.map(({ id, labels, concurrency, running }) => ({ id, labels, concurrency, running }))).toEqual([
      { id: 'w1', labels: ['gpu', 'big'], concurrency: 3, running: 0 },
      { id: 'w2', labels: [], concurrency: 2, running: 0 },
    ]);
    expect(Date.parse(listed[0].lastSeenAt)).toBeGreaterThan(Date.now() - 5000);
    await workers.pop()!.close();
    expect((await listWorkers(connectRedisOnce(), prefix, 5000)).map((w) => w.id)).toEqual(['w1']);
  });
});

function connectRedisOnce() {
  const client = connectRedis(redis.url, 'test');
  clients.push(client);
  return client;
}

async function waitUntil(probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
