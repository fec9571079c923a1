import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ParallelExecutor,
  killOrphanedStepProcesses,
  type RunReport,
  type StepTypeRegistry,
} from '@weft/core';
import { DEFAULT_PREFIX, QueueDispatcher, connectRedis } from '@weft/queue';
import { waitFor } from '../../../libs/core/src/testing/wait-for';
import { shellWorkflow } from './shell-workflow';
import { TimedDispatcher } from './timed.dispatcher';
import { startWorker, type WorkerProcess } from './worker-process';

/** One worker killed mid-step and its attempt run again elsewhere. */
export interface RecoverySample {
  /** The dispatcher's `lostAfterMs`, or null for its default. */
  readonly lostAfterMs: number | null;
  /** How old the victim's last heartbeat was when it was killed (Redis time, ms). */
  readonly beatAgeMs: number;
  /** SIGKILL → the attempt ended `worker_lost` on the server. */
  readonly lostMs: number;
  /** SIGKILL → the replacement attempt started on the other worker. */
  readonly replacedMs: number;
  /** The run's status (`succeeded` expected). */
  readonly status: RunReport['status'];
}

/** Options of {@link measureRecovery}. */
export interface RecoveryOptions {
  readonly root: string;
  readonly queue: string;
  readonly stepTypes: StepTypeRegistry;
  /** A folder of its own for this measurement (workflow folder, marker, worker caches). */
  readonly folder: string;
  /** Passed to the dispatcher; undefined leaves its default. */
  readonly lostAfterMs?: number;
  /** The heartbeat a worker writes when it is not told otherwise (`weft worker` has no option for it). */
  readonly heartbeatMs: number;
  log(line: string): void;
}

/**
 * Kills (SIGKILL) the `weft worker` running a step and times, from the kill, the server giving the
 * attempt up (`worker_lost`) and the replacement attempt starting on another worker.
 *
 * 1. A victim worker starts alone and takes the run's one step, which holds (it makes a marker
 *    folder, then sleeps 60 s); a survivor worker starts once the step runs.
 * 2. The victim is killed just after a heartbeat of its own (how old it was is recorded): the
 *    server can only see it gone `lostAfterMs` after that beat, at its next check (every second).
 * 3. The replacement finds the marker and ends at once; the run must succeed. The victim's orphaned
 *    step process is killed at the end.
 */
export async function measureRecovery(options: RecoveryOptions): Promise<RecoverySample> {
  const rootDir = join(options.folder, 'workflow');
  mkdirSync(rootDir, { recursive: true });
  const marker = join(options.folder, 'held');
  const workflow = shellWorkflow({
    name: 'bench-recovery',
    run: `if mkdir '${marker}' 2>/dev/null; then sleep 60; fi`,
    chains: 1,
    length: 1,
    maxParallel: 1,
    rootDir,
  });
  const queue = new QueueDispatcher({
    url: options.queue,
    serverId: `bench-recovery-${options.lostAfterMs ?? 'default'}`,
    lostAfterMs: options.lostAfterMs,
  });
  const timed = new TimedDispatcher(queue);
  const redis = connectRedis(options.queue, 'bench-recovery');
  const workers: WorkerProcess[] = [];
  const start = async (id: string) => {
    const worker = await startWorker({
      root: options.root,
      queue: options.queue,
      id,
      concurrency: 1,
      cacheDir: join(options.folder, id),
    });
    workers.push(worker);
    return worker;
  };
  const executor = new ParallelExecutor({ workflow, stepTypes: options.stepTypes, dispatcher: timed });
  let report: Promise<RunReport> | null = null;
  try {
    const victim = await start('victim');
    report = executor.execute();
    await waitFor('the step to start on the victim', () => timed.timings[0]?.worker === victim.id, {
      timeoutMs: 30_000,
      intervalMs: 5,
    });
    const survivor = await start('survivor');
    // Kill just after a heartbeat, so the figure does not depend on where in its period the kill falls.
    // `<prefix>:workers:seen`: worker id → Redis time of its last heartbeat (libs/queue/src/queue-protocol.ts).
    const beat = async () => Number(await redis.zscore(`${DEFAULT_PREFIX}:workers:seen`, victim.id));
    const before = await beat();
    await waitFor('a heartbeat of the victim', async () => (await beat()) > before, {
      timeoutMs: options.heartbeatMs * 3,
      intervalMs: 5,
    });
    const [seconds, micros] = (await redis.time()) as [string | number, string | number];
    const beatAgeMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - (await beat());
    const killedAt = performance.now();
    await victim.kill();
    const timeoutMs = (options.lostAfterMs ?? 30_000) + 20_000;
    const replacement = await waitFor(
      'the replacement attempt to start',
      () => timed.timings.find((t) => t.worker === survivor.id && t.startedAt !== null) ?? false,
      { timeoutMs, intervalMs: 5 },
    );
    const lost = timed.timings[0];
    const done = await report;
    const sample: RecoverySample = {
      lostAfterMs: options.lostAfterMs ?? null,
      beatAgeMs,
      lostMs: lost.finishedAt! - killedAt,
      replacedMs: replacement.startedAt! - killedAt,
      status: done.status,
    };
    options.log(
      `  recovery, lostAfterMs ${options.lostAfterMs ?? 'default'}: worker_lost after ${Math.round(sample.lostMs)} ms, replacement started after ${Math.round(sample.replacedMs)} ms, run ${done.status}`,
    );
    return sample;
  } finally {
    if (report) void report.catch(() => undefined);
    await Promise.all(workers.map((worker) => worker.kill()));
    killOrphanedStepProcesses([executor.runId]);
    await queue.close();
    redis.disconnect();
  }
}
