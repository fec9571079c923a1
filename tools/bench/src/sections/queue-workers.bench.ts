import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_STEP_LIMITS,
  LocalDispatcher,
  Semaphore,
  StepTypeRegistry,
  type StepDispatcher,
  type StepOutcome,
} from '@weft/core';
import { DEFAULT_LOST_AFTER_MS, QueueDispatcher } from '@weft/queue';
import { ShellStepType, builtinStepTypes } from '@weft/step-types';
import { startRedisServer, type RedisServer } from '../../../../libs/queue/src/testing/redis-server';
import { rotate } from '../measure';
import { dispatchLatencies, sleepMakespan } from '../queue-runs';
import { measureRedisMemory, type RedisMemorySample } from '../redis-memory';
import type { BenchOptions, RegressionCheck, SectionResult } from '../report.types';
import { quantile, round, thousands } from '../stats';
import { WorkerPool } from '../worker-process';
import { measureRecovery, type RecoverySample } from '../worker-recovery';

/** The goals of the issue. */
const LATENCY_P50_GOAL_MS = 5;
const LATENCY_P99_GOAL_MS = 25;
const EFFICIENCY_GOAL = 0.9;
const RECOVERY_GOAL_MS = 30_000;

/** `weft worker --concurrency` everywhere below, but in the recovery part. */
const SLOTS_PER_WORKER = 4;
/** Workers of the latency part: 8 slots, more than the chains, so an attempt never waits for a slot. */
const LATENCY_WORKERS = 2;
/** Attempts per latency run. */
const LATENCY_ATTEMPTS = 100;
/**
 * Chains run side by side in the latency part: one (each attempt finds the whole cluster idle; the
 * goal's case), then four (each competes with three others' processes for the 2 cores).
 */
const LATENCY_CHAINS = [1, 4] as const;

/** Dispatch → started samples (ms), by dispatcher, then by chains side by side. */
type LatencySamples = Record<'local' | 'queue', Map<number, number[]>>;
/** The memory part: 10,000 attempts. */
const MEMORY_RUNS = 20;
const MEMORY_STEPS_PER_RUN = 500;
/** A worker's heartbeat when `weft worker` starts it (WeftWorker's `heartbeatMs` default). */
const HEARTBEAT_MS = 2000;
/** The dispatcher's `checkEveryMs` default: how often it looks for lost workers. */
const CHECK_EVERY_MS = 1000;

const LATENCY_CHECK =
  'queue dispatch → started p50, one attempt at a time, ÷ its 5 ms goal (2 `weft worker` × 4 slots)';
const MAKESPAN_CHECK =
  'makespan of sleeps, queue on 2 `weft worker` × 4 slots ÷ local dispatcher with 8 slots';

/** The makespan part's sizes. */
interface MakespanPlan {
  readonly runs: number;
  readonly stepsPerRun: number;
  readonly sleepMs: number;
  readonly workers: readonly number[];
}

const FULL_MAKESPAN: MakespanPlan = { runs: 8, stepsPerRun: 50, sleepMs: 250, workers: [1, 2, 4, 8] };
const QUICK_MAKESPAN: MakespanPlan = { runs: 8, stepsPerRun: 15, sleepMs: 100, workers: [2] };

/** One makespan measured with `workers` × 4 slots, on the queue and locally with as many slots. */
interface MakespanRow {
  readonly workers: number;
  readonly boundMs: number;
  readonly queueMs: number;
  readonly localMs: number;
}

type Measured<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: string };

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0];

async function attempt<T>(options: BenchOptions, what: string, work: () => Promise<T>): Promise<Measured<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    options.log(`  ${what}: failed: ${firstLine(error)}`);
    return { ok: false, why: `failed: ${firstLine(error)}` };
  }
}

/**
 * Section 9: step attempts sent to `weft worker` processes through BullMQ on a private
 * redis-server, next to the local dispatcher where both apply: (a) dispatch latency, (b) the
 * makespan of 400 sleeps on 1 to 8 workers against total work / slots, (c) how long a killed
 * worker's attempt waits before it runs elsewhere (full suite only), (d) what Redis keeps per
 * attempt (full suite only).
 */
export async function queueWorkersBench(options: BenchOptions): Promise<SectionResult[]> {
  const folder = join(options.scratch, 'queue-workers');
  const rootDir = join(folder, 'workflow');
  mkdirSync(rootDir, { recursive: true });
  const stepTypes = new StepTypeRegistry(builtinStepTypes());
  const plan = options.quick ? QUICK_MAKESPAN : FULL_MAKESPAN;
  let redis: RedisServer;
  try {
    redis = await startRedisServer();
  } catch (error) {
    const why = `not measured: ${firstLine(error)}`;
    options.log(`  ${why}`);
    return [latencySection({ ok: false, why }, 0), makespanSection({ ok: false, why }, plan)];
  }
  const queue = new QueueDispatcher({ url: redis.url, serverId: 'bench' });
  const pool = new WorkerPool('worker', {
    root: options.root,
    queue: redis.url,
    concurrency: SLOTS_PER_WORKER,
    cacheDir: join(folder, 'cache'),
  });
  const local = new LocalDispatcher({ stepTypes });
  const rounds = options.quick ? 1 : options.runs;
  const loadAtStart = loadavg()[0];
  let sections: SectionResult[];
  try {
    const chainCounts = options.quick ? LATENCY_CHAINS.slice(0, 1) : LATENCY_CHAINS;
    const latency = await attempt(options, 'latency', () =>
      latencySamples(options, chainCounts, rounds, { local, queue, pool, stepTypes, rootDir }),
    );
    const makespans = await attempt(options, 'makespan', () =>
      makespanRows(options, plan, { queue, pool, stepTypes, rootDir }),
    );
    await pool.close();
    sections = [latencySection(latency, rounds), makespanSection(makespans, plan)];
    const recoveries: Measured<RecoverySample>[] = [];
    let memory: Measured<RedisMemorySample> | null = null;
    if (!options.quick) {
      for (const lostAfterMs of [5000, undefined]) {
        const recoveryFolder = join(folder, `recovery-${lostAfterMs ?? 'default'}`);
        recoveries.push(
          await attempt(options, 'recovery', () =>
            measureRecovery({
              root: options.root,
              queue: redis.url,
              stepTypes,
              folder: recoveryFolder,
              lostAfterMs,
              heartbeatMs: HEARTBEAT_MS,
              log: options.log,
            }),
          ),
        );
      }
      sections.push(recoverySection(recoveries));
      memory = await attempt(options, 'redis memory', async () =>
        measureRedisMemory({
          folder: join(folder, 'memory'),
          runs: MEMORY_RUNS,
          stepsPerRun: MEMORY_STEPS_PER_RUN,
          outcome: await shellTrueOutcome(folder),
          log: options.log,
        }),
      );
      sections.push(memorySection(memory));
    }
    const summary = summaryNote({
      latency,
      makespans,
      recoveries,
      memory,
      load: [loadAtStart, loadavg()[0]],
    });
    sections[0] = { ...sections[0], notes: [...(sections[0].notes ?? []), summary] };
  } finally {
    await pool.close();
    await queue.close();
    await redis.stop();
  }
  return sections;
}

/** What the latency and makespan parts share. */
interface QueueContext {
  readonly queue: QueueDispatcher;
  readonly pool: WorkerPool;
  readonly stepTypes: StepTypeRegistry;
  readonly rootDir: string;
}

/** Dispatch latencies of `rounds` runs per dispatcher and chain count, the dispatchers alternating. */
async function latencySamples(
  options: BenchOptions,
  chainCounts: readonly number[],
  rounds: number,
  context: QueueContext & { readonly local: LocalDispatcher },
): Promise<LatencySamples> {
  await context.pool.resize(LATENCY_WORKERS);
  const samples: LatencySamples = { local: new Map(), queue: new Map() };
  for (let r = 0; r < rounds; r++) {
    for (const chains of chainCounts) {
      for (const which of rotate(['local', 'queue'] as const, r)) {
        const dispatcher: StepDispatcher = context[which];
        const sample = await dispatchLatencies({
          dispatcher,
          stepTypes: context.stepTypes,
          rootDir: context.rootDir,
          chains,
          length: LATENCY_ATTEMPTS / chains,
        });
        samples[which].set(chains, [...(samples[which].get(chains) ?? []), ...sample]);
      }
    }
  }
  for (const chains of chainCounts) {
    const [queued, locally] = [samples.queue.get(chains)!, samples.local.get(chains)!];
    options.log(
      `  latency, ${chains} at a time: queue p50 ${round(quantile(queued, 0.5))} ms, p99 ${round(quantile(queued, 0.99))} ms; local p50 ${round(quantile(locally, 0.5) * 1000)} µs`,
    );
  }
  return samples;
}

/**
 * For each worker count: the queue's makespan with that many `weft worker`s (started and idle
 * before the clock starts), and the local dispatcher's with as many process slots.
 */
async function makespanRows(
  options: BenchOptions,
  plan: MakespanPlan,
  context: QueueContext,
): Promise<MakespanRow[]> {
  const rows: MakespanRow[] = [];
  const total = plan.runs * plan.stepsPerRun;
  for (const [i, workers] of plan.workers.entries()) {
    const slots = workers * SLOTS_PER_WORKER;
    const sizes = {
      stepTypes: context.stepTypes,
      rootDir: context.rootDir,
      runs: plan.runs,
      stepsPerRun: plan.stepsPerRun,
      maxParallel: 8,
      sleepMs: plan.sleepMs,
    };
    const took: Record<'local' | 'queue', number> = { local: 0, queue: 0 };
    for (const which of rotate(['queue', 'local'] as const, i)) {
      if (which === 'local') {
        took.local = await sleepMakespan({
          ...sizes,
          dispatcher: new LocalDispatcher({
            stepTypes: context.stepTypes,
            processSlots: new Semaphore(slots),
          }),
        });
      } else {
        await context.pool.resize(workers);
        took.queue = await sleepMakespan({ ...sizes, dispatcher: context.queue });
      }
    }
    const boundMs = (total * plan.sleepMs) / slots;
    rows.push({ workers, boundMs, queueMs: took.queue, localMs: took.local });
    options.log(
      `  makespan, ${workers} × ${SLOTS_PER_WORKER} slots: queue ${seconds(took.queue)} s, local ${seconds(took.local)} s, bound ${seconds(boundMs)} s`,
    );
  }
  return rows;
}

/** What `sh -c true` returns through the shell step type, without its log: what the memory part's attempts return. */
async function shellTrueOutcome(folder: string): Promise<StepOutcome> {
  const { log: _log, ...outcome } = await new ShellStepType().run({
    runId: 'bench',
    stepId: 'bench',
    attempt: 1,
    config: { run: 'true', shell: 'sh' },
    inputs: {},
    env: {},
    workdir: folder,
    signal: new AbortController().signal,
    limits: DEFAULT_STEP_LIMITS,
    log: () => undefined,
  });
  if (!outcome.ok) throw new Error(`sh -c true failed: ${outcome.message}`);
  return outcome;
}

const ms = (value: number): number => round(value);
const seconds = (valueMs: number): number => round(valueMs / 1000);

function latencySection(measured: Measured<LatencySamples>, rounds: number): SectionResult {
  const title = '9. Steps on workers (BullMQ on Redis): dispatch latency';
  const method =
    "A private `redis-server` (no persistence, loopback) started by the bench. The run's coordinator is `ParallelExecutor` (libs/core) in the bench " +
    'process; a `StepDispatcher` around the real one records `performance.now()` when the coordinator dispatches an attempt and when the ' +
    "dispatcher calls `io.started()`: for the queue, when the worker's `started` entry has come back through the run's Redis stream; for the " +
    'local dispatcher, when it has its process slot, just before it spawns (a worker says `started` at the same point). Steps are ' +
    `\`type: shell\`, \`run: "true"\`, in chains (maxParallel = chains), so each attempt is dispatched when the one before it ends, and ` +
    `${LATENCY_WORKERS} idle \`weft worker\` child processes (\`--concurrency ${SLOTS_PER_WORKER}\`) always have a free slot. One chain of ${LATENCY_ATTEMPTS}: ` +
    `each attempt finds the cluster idle (the goal's case); ${LATENCY_CHAINS[1]} chains of ${LATENCY_ATTEMPTS / LATENCY_CHAINS[1]}: each competes with the others' processes for the ` +
    `2 cores. ${rounds} run${rounds > 1 ? 's' : ''} of ${LATENCY_ATTEMPTS} attempts per row, the two dispatchers alternating, each after a warm-up run; p50/p99 over all of a row's attempts. ` +
    'Workers in the bench process instead (`WeftWorker`), tried while writing this section, were slower still: coordinator, workers and spawns share one event loop.';
  const headers = [
    'dispatcher',
    'attempts at a time',
    'attempts run by',
    'attempts',
    'p50 (ms)',
    'p99 (ms)',
    'max (ms)',
  ];
  const goal = `dispatch → started on an idle worker p50 < ${LATENCY_P50_GOAL_MS} ms, p99 < ${LATENCY_P99_GOAL_MS} ms (loopback)`;
  if (!measured.ok) {
    return {
      title,
      method,
      tables: [{ headers, rows: [['—', '—', '—', 0, '—', '—', measured.why]] }],
      goals: [{ goal, measured: measured.why, pass: null }],
      checks: [],
    };
  }
  const rows: (string | number)[][] = [];
  for (const [which, name, where] of [
    [
      'queue',
      'queue (`QueueDispatcher`)',
      `${LATENCY_WORKERS} \`weft worker\` processes × ${SLOTS_PER_WORKER} slots`,
    ],
    ['local', 'local (`LocalDispatcher`)', "the coordinator's own child processes"],
  ] as const) {
    for (const [chains, values] of measured.value[which]) {
      rows.push([
        name,
        chains,
        where,
        thousands(values.length),
        ms(quantile(values, 0.5)),
        ms(quantile(values, 0.99)),
        ms(Math.max(...values)),
      ]);
    }
  }
  const idle = measured.value.queue.get(1)!;
  const p50 = quantile(idle, 0.5);
  const p99 = quantile(idle, 0.99);
  return {
    title,
    method,
    tables: [{ caption: 'Dispatch → `attempt.started`', headers, rows }],
    goals: [
      {
        goal,
        measured: `p50 ${ms(p50)} ms, p99 ${ms(p99)} ms (one attempt at a time)`,
        pass: p50 < LATENCY_P50_GOAL_MS && p99 < LATENCY_P99_GOAL_MS,
      },
    ],
    checks: [{ check: LATENCY_CHECK, ratio: p50 / LATENCY_P50_GOAL_MS, limit: 20 }],
  };
}

function makespanSection(measured: Measured<MakespanRow[]>, plan: MakespanPlan): SectionResult {
  const total = plan.runs * plan.stepsPerRun;
  const title = '9. Steps on workers (BullMQ on Redis): makespan';
  const method =
    `${plan.runs} runs of ${plan.stepsPerRun} independent \`type: shell\` steps \`run: sleep ${plan.sleepMs / 1000}\` (maxParallel 8 each) started at once, ` +
    `${total} sleeps in all, timed from the start to the end of the last run. Queue: that many \`weft worker\` child processes with ` +
    `\`--concurrency ${SLOTS_PER_WORKER}\`, started and idle before the clock starts (${plan.runs} × 8 attempts are dispatched at once, more than the slots, ` +
    `so the queue never runs dry). Local: the local dispatcher with a shared pool of as many process slots (\`processSlots\`), on this machine. ` +
    `Bound = total work / slots = ${total} × ${plan.sleepMs / 1000} s / (${SLOTS_PER_WORKER} × workers); efficiency = bound / makespan. One measurement per row, the two dispatchers alternating which goes first.`;
  const headers = [
    'workers × slots',
    'bound (s)',
    'queue makespan (s)',
    'queue efficiency',
    'local, same slots (s)',
    'local efficiency',
  ];
  const goal = `makespan of ${total} × ${plan.sleepMs / 1000} s sleeps on ${plan.workers.join(', ')} workers × ${SLOTS_PER_WORKER} slots: efficiency (bound / makespan) ≥ ${EFFICIENCY_GOAL}`;
  if (!measured.ok) {
    return {
      title,
      method,
      tables: [{ headers, rows: [['—', '—', measured.why, '—', '—', '—']] }],
      goals: [{ goal, measured: measured.why, pass: null }],
      checks: [],
    };
  }
  const rows = measured.value;
  const efficiency = (row: MakespanRow, which: 'queueMs' | 'localMs') => row.boundMs / row[which];
  const worst = rows.reduce((a, b) => (efficiency(b, 'queueMs') < efficiency(a, 'queueMs') ? b : a));
  const two = rows.find((row) => row.workers === 2);
  return {
    title,
    method,
    tables: [
      {
        caption: `Makespan of ${total} sleeps of ${plan.sleepMs / 1000} s`,
        headers,
        rows: rows.map((row) => [
          `${row.workers} × ${SLOTS_PER_WORKER}`,
          seconds(row.boundMs),
          seconds(row.queueMs),
          round(efficiency(row, 'queueMs')),
          seconds(row.localMs),
          round(efficiency(row, 'localMs')),
        ]),
      },
    ],
    goals: [
      {
        goal,
        measured: `worst ${round(efficiency(worst, 'queueMs'))} (${worst.workers} worker${worst.workers > 1 ? 's' : ''})`,
        pass: rows.every((row) => efficiency(row, 'queueMs') >= EFFICIENCY_GOAL),
      },
    ],
    checks: two ? [{ check: MAKESPAN_CHECK, ratio: two.queueMs / two.localMs, limit: 2 }] : [],
  };
}

function recoverySection(samples: readonly Measured<RecoverySample>[]): SectionResult {
  const title = '9. Steps on workers (BullMQ on Redis): a killed worker';
  const method =
    'A `weft worker` (`--concurrency 1`, default heartbeat every 2 s) takes the one step of a run, which holds; a second worker starts, then the bench ' +
    'SIGKILLs the first just after one of its heartbeats and times, from the kill, the server giving the attempt up (`worker_lost`) and the ' +
    'replacement attempt starting on the other worker (`io.started`, as above); the replacement ends at once and the run must succeed. The server ' +
    `checks the attempts in flight every ${CHECK_EVERY_MS} ms and gives a worker up once its last heartbeat is older than \`lostAfterMs\` (\`WEFT_WORKER_LOST_MS\`), so ` +
    `the expected time is lostAfterMs − the heartbeat's age at the kill, plus up to one check (${CHECK_EVERY_MS} ms). Once per setting; full suite only (it takes ~45 s).`;
  const headers = [
    'lostAfterMs',
    "heartbeat's age at the kill (ms)",
    'expected (ms)',
    'worker_lost after (ms)',
    'replacement started after (ms)',
    'run',
  ];
  const rows = samples.map((sample) => {
    if (!sample.ok) return ['—', '—', '—', sample.why, '—', '—'];
    const s = sample.value;
    const lostAfter = s.lostAfterMs ?? DEFAULT_LOST_AFTER_MS;
    const from = lostAfter - s.beatAgeMs;
    return [
      s.lostAfterMs === null ? `${thousands(lostAfter)} (default)` : thousands(lostAfter),
      thousands(Math.round(s.beatAgeMs)),
      `${thousands(Math.round(from))}–${thousands(Math.round(from + CHECK_EVERY_MS))}`,
      thousands(Math.round(s.lostMs)),
      thousands(Math.round(s.replacedMs)),
      s.status,
    ];
  });
  const atDefault = samples.find((s) => s.ok && s.value.lostAfterMs === null);
  const goal = `a SIGKILLed worker's attempt starts again on another worker within ${RECOVERY_GOAL_MS / 1000} s, at default settings`;
  const measuredText = atDefault?.ok
    ? `${thousands(Math.round(atDefault.value.replacedMs))} ms (lostAfterMs ${thousands(DEFAULT_LOST_AFTER_MS)}), run ${atDefault.value.status}`
    : (samples.find((s): s is { ok: false; why: string } => !s.ok)?.why ?? 'not measured');
  return {
    title,
    method,
    tables: [{ caption: 'From the SIGKILL of the worker running the step', headers, rows }],
    goals: [
      {
        goal,
        measured: measuredText,
        pass: atDefault?.ok
          ? atDefault.value.replacedMs < RECOVERY_GOAL_MS && atDefault.value.status === 'succeeded'
          : null,
      },
    ],
    checks: [],
  };
}

function memorySection(measured: Measured<RedisMemorySample>): SectionResult {
  const title = '9. Steps on workers (BullMQ on Redis): Redis memory';
  const goal = 'Redis memory kept per finished attempt (reported)';
  const base = {
    title,
    method:
      `A second private \`redis-server\`; ${MEMORY_RUNS} runs of ${MEMORY_STEPS_PER_RUN} independent \`type: shell\` \`run: "true"\` steps (maxParallel 8 each, ` +
      `${thousands(MEMORY_RUNS * MEMORY_STEPS_PER_RUN)} attempts) started at once ` +
      'through the queue dispatcher, run by two `WeftWorker`s in the bench process (`concurrency` 64 each). To run that many attempts quickly their `shell` ' +
      "step type spawns nothing: it returns what a real `sh -c true` returned through the shell step type, so jobs and outcomes in Redis are a real step's. " +
      '`INFO memory` `used_memory` before the runs, its highest value sampled every 100 ms while they ran, and after they ended (dispatcher and workers ' +
      "closed). What stays is each attempt's hash and each run's stream (24 h TTL), and BullMQ's event stream (capped at about 10,000 entries); " +
      'bytes per key family from `MEMORY USAGE … SAMPLES 0`. Full suite only.',
    checks: [] as RegressionCheck[],
  };
  if (!measured.ok) {
    return {
      ...base,
      tables: [{ headers: ['attempts', 'used_memory'], rows: [[0, measured.why]] }],
      goals: [{ goal, measured: measured.why, pass: null }],
    };
  }
  const m = measured.value;
  const perAttempt = (bytes: number) => round(bytes / m.attempts);
  const kept = m.afterBytes - m.beforeBytes;
  const perAttemptKeys = m.families
    .filter((f) => f.family === 'attempt hashes' || f.family === 'run streams')
    .reduce((sum, f) => sum + f.bytes, 0);
  return {
    ...base,
    tables: [
      {
        caption: '`used_memory` (bytes)',
        headers: [
          'attempts',
          'before',
          'peak while running',
          'after',
          'kept (after − before)',
          'kept per attempt',
          'run time (s)',
        ],
        rows: [
          [
            thousands(m.attempts),
            thousands(m.beforeBytes),
            thousands(m.peakBytes),
            thousands(m.afterBytes),
            thousands(kept),
            perAttempt(kept),
            round(m.seconds),
          ],
        ],
      },
      {
        caption: 'Keys left after the runs',
        headers: ['family', 'keys', 'bytes (`MEMORY USAGE`)', 'per attempt'],
        rows: m.families.map((f) => [f.family, thousands(f.keys), thousands(f.bytes), perAttempt(f.bytes)]),
      },
    ],
    goals: [
      {
        goal,
        measured: `${thousands(perAttempt(kept))} bytes of used_memory per attempt (${thousands(perAttempt(perAttemptKeys))} in its hash and run-stream entries), ${thousands(Math.round(kept / 1024))} KiB per ${thousands(m.attempts)} attempts`,
        pass: null,
      },
    ],
    notes: [
      `Each attempt's outcome is ${m.outcomeBytes} bytes of JSON (\`sh -c true\`) in its hash and again in its run's \`finished\` entry; a step with outputs or a ` +
        `failure message keeps more. The attempt hashes are \`${m.attemptEncoding}\`-encoded` +
        (m.attemptEncoding === 'hashtable' && m.outcomeBytes > m.listpackValueLimit
          ? `: the outcome is over Redis's \`hash-max-listpack-value\` (${m.listpackValueLimit} bytes), under which a small hash stays a compact listpack of about half the size.`
          : '.'),
    ],
  };
}

/** What the parts measured, for {@link summaryNote}. */
interface Figures {
  readonly latency: Measured<LatencySamples>;
  readonly makespans: Measured<MakespanRow[]>;
  readonly recoveries: readonly Measured<RecoverySample>[];
  readonly memory: Measured<RedisMemorySample> | null;
  /** 1-minute load average when the section started and ended. */
  readonly load: readonly [number, number];
}

/** One paragraph with the section's figures and how busy the machine was. */
function summaryNote(figures: Figures): string {
  const parts: string[] = [];
  const [from, to] = figures.load.map((load) => round(load));
  parts.push(
    `**In short** (1-minute load average ${from} when this section started, ${to} when it ended, on ${availableParallelism()} cores shared with other work, so absolute times are noisy):`,
  );
  if (figures.latency.ok) {
    const { queue, local } = figures.latency.value;
    const text = (chains: number) => {
      const values = queue.get(chains)!;
      return `p50 ${ms(quantile(values, 0.5))} ms, p99 ${ms(quantile(values, 0.99))} ms`;
    };
    const busy = queue.has(LATENCY_CHAINS[1])
      ? ` (${text(LATENCY_CHAINS[1])} with ${LATENCY_CHAINS[1]} at a time)`
      : '';
    parts.push(
      `an attempt reached an idle worker in ${text(1)} after its dispatch${busy}; the local dispatcher, which only takes a slot, in ${round(quantile(local.get(1)!, 0.5) * 1000)} µs;`,
    );
  }
  if (figures.makespans.ok) {
    const rows = figures.makespans.value;
    const list = (which: 'queueMs' | 'localMs') =>
      rows.map((row) => round(row.boundMs / row[which])).join(', ');
    const ratios = rows.map((row) => row.queueMs / row.localMs);
    const [low, high] = [round(Math.min(...ratios)), round(Math.max(...ratios))];
    parts.push(
      `sleeps ran at efficiency ${list('queueMs')} on ${rows.map((row) => row.workers).join(', ')} worker${rows.length > 1 || rows[0].workers > 1 ? 's' : ''} ` +
        `against ${list('localMs')} for the local dispatcher with as many slots (queue makespan ${low === high ? low : `${low}–${high}`} × local): ` +
        'most of what is lost to the bound is lost locally too, to starting a process per step on this machine;',
    );
  }
  const recovered = figures.recoveries.flatMap((recovery) => (recovery.ok ? [recovery.value] : []));
  if (recovered.length) {
    const times = recovered.map(({ lostAfterMs, replacedMs }) =>
      lostAfterMs === null
        ? `${round(replacedMs / 1000)} s at the default lostAfterMs ${thousands(DEFAULT_LOST_AFTER_MS)}`
        : `${round(replacedMs / 1000)} s with lostAfterMs ${thousands(lostAfterMs)}`,
    );
    parts.push(
      `a killed worker's attempt started again on another worker after ${times.join(' and ')}: lostAfterMs less the age of the worker's last heartbeat ` +
        `(0 to ${HEARTBEAT_MS / 1000} s at the kill) plus up to one ${CHECK_EVERY_MS / 1000} s check, so ${thousands(DEFAULT_LOST_AFTER_MS / 1000 - HEARTBEAT_MS / 1000)}–` +
        `${thousands(DEFAULT_LOST_AFTER_MS / 1000 + CHECK_EVERY_MS / 1000)} s at the default (the bench kills just after a heartbeat: the slow end);`,
    );
  }
  if (figures.memory?.ok) {
    const m = figures.memory.value;
    const kept = m.afterBytes - m.beforeBytes;
    parts.push(
      `Redis kept ${thousands(Math.round(kept / m.attempts))} bytes per finished attempt (${round(kept / 1024 / 1024)} MiB per ${thousands(m.attempts)}) for the 24 h of their TTL.`,
    );
  }
  return parts.join(' ').replace(/;$/, '.');
}
