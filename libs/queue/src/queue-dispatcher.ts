import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AttemptIO, AttemptJob, StepDispatcher, StepOutcome } from '@weft/core';
import { BundleError, formatBytes, packFolder } from './bundle';
import {
  DEFAULT_PREFIX,
  KEY_TTL_SECONDS,
  connectRedis,
  decodeEntry,
  jobIdOf,
  keys,
  queueNameOf,
  redisNow,
  type QueuedAttempt,
  type RunStreamEntry,
  type WorkerStatus,
} from './queue-protocol';
import { listWorkers } from './worker-registry';

/** BullMQ's lowest priority number (it runs first) and its highest. */
const TOP_PRIORITY = 1;
const LAST_PRIORITY = 2_097_151;

/** Runs whose bundle hash is kept (a run packs its folder once; older runs pack it again if they need it). */
const REMEMBERED_RUNS = 1000;

/** How long a cancel waits for Redis before it ends the attempt here anyway. */
const CANCEL_ANSWER_MS = 2000;

/** Largest job (the attempt as JSON: inputs, config, env) sent to a worker. */
export const MAX_JOB_BYTES = 512 * 1024;
/** Largest workflow folder shipped to workers, unless told otherwise. */
export const DEFAULT_BUNDLE_LIMIT = 50 * 1024 * 1024;
/** A worker silent this long is lost, unless told otherwise. */
export const DEFAULT_LOST_AFTER_MS = 20_000;

export interface QueueDispatcherOptions {
  /** `redis://host:port[/db]`. */
  readonly url: string;
  /** This server's id (for the workers' logs and its wake stream). */
  readonly serverId: string;
  /** Key prefix shared with the workers. @default 'weft' */
  readonly prefix?: string;
  /** Largest workflow folder to ship, in bytes. @default {@link DEFAULT_BUNDLE_LIMIT} */
  readonly bundleLimitBytes?: number;
  /** A worker whose last heartbeat is older is lost. @default {@link DEFAULT_LOST_AFTER_MS} */
  readonly lostAfterMs?: number;
  /** How often attempts in flight are checked against Redis (lost workers, lost jobs). @default 1000 */
  readonly checkEveryMs?: number;
  /**
   * Attempts running at once across the cluster, per queue (BullMQ global concurrency); null or
   * absent removes a cap set before. @default null
   */
  readonly maxInFlight?: number | null;
  /** Where it says what it noticed (a lost worker, a job Redis lost). */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** An attempt this server waits for. */
interface Pending {
  readonly jobId: string;
  readonly job: AttemptJob;
  readonly io: AttemptIO;
  readonly queue: string;
  readonly data: QueuedAttempt | null;
  readonly resolve: (outcome: StepOutcome) => void;
  /** The worker running it, once known. */
  worker: string | null;
  started: boolean;
  /** Redis time when a started attempt was first seen with no worker and no record (Redis lost them). */
  unknownSince: number | null;
}

/**
 * Sends attempts to `weft worker` processes through BullMQ on Redis, and waits for what the
 * workers report. The run's coordinator still decides everything (the DAG, retries, timeouts);
 * BullMQ only hands a ready attempt to a free worker, highest remaining critical path first.
 *
 * 1. `dispatch` packs the workflow's folder once per run (content-addressed, capped), stores it,
 *    and adds one job with a stable id (BullMQ `attempts: 1`: a failure is Weft's to retry).
 * 2. A blocking read follows the run streams of the attempts in flight: `started` (with the
 *    worker), `log` chunks and `finished` go to the run as they come. Entries of attempts it no
 *    longer waits for (a superseded attempt's late result) are ignored.
 * 3. Every `checkEveryMs` it checks the attempts in flight: a finished one whose stream entry was
 *    lost is finished from its hash; one whose worker's heartbeat is older than `lostAfterMs` ends
 *    `worker_lost` (and is told to stop, should that worker come back); a job Redis lost before a
 *    worker took it (a Redis restart) is added again.
 * 4. A cancel removes a waiting job, or flags a running one: its worker stops it within a second.
 *    A run released to another server (`server_lost`) is let go without touching its attempts: the
 *    next owner re-attaches to them (`reattaches`).
 */
export class QueueDispatcher implements StepDispatcher {
  readonly reattaches = true;
  readonly #options: QueueDispatcherOptions;
  readonly #prefix: string;
  readonly #redis: Redis;
  readonly #reader: Redis;
  readonly #queues = new Map<string, Queue>();
  readonly #pending = new Map<string, Pending>();
  /** Run stream → last entry id read, for the last {@link REMEMBERED_RUNS} runs. */
  readonly #cursors = new Map<string, string>();
  /** The run streams read now: those of runs with attempts in flight. */
  readonly #following = new Set<string>();
  /** Run id → its bundle's hash (or the error packing it), for the last {@link REMEMBERED_RUNS} runs. */
  readonly #bundles = new Map<string, Promise<string>>();
  /** Worker id → when its heartbeat was first found missing (Redis time, ms). */
  readonly #missingSince = new Map<string, number>();
  readonly #lostAfterMs: number;
  #closed = false;
  #checker: NodeJS.Timeout | null = null;
  #reading: Promise<void> | null = null;

  constructor(options: QueueDispatcherOptions) {
    this.#options = options;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#lostAfterMs = options.lostAfterMs ?? DEFAULT_LOST_AFTER_MS;
    this.#redis = connectRedis(options.url, `weft-server:${options.serverId}`);
    this.#reader = connectRedis(options.url, `weft-server-reader:${options.serverId}`);
    for (const client of [this.#redis, this.#reader]) client.on('error', () => undefined); // reconnects on its own
    this.#checker = setInterval(() => void this.#check().catch((error) => this.#log('queue check failed', { error: String(error) })), options.checkEveryMs ?? 1000);
    this.#checker.unref();
    this.#reading = this.#read();
  }

  async dispatch(job: AttemptJob, io: AttemptIO): Promise<StepOutcome> {
    const jobId = jobIdOf(job);
    const queue = queueNameOf(job.runsOn);
    let data: QueuedAttempt | null = null;
    if (!io.reattach) {
      let bundle: string;
      try {
        bundle = await this.#bundleOf(job);
      } catch (error) {
        if (error instanceof BundleError) return { ok: false, reason: 'spawn_error', message: `not sent to a worker: ${error.message}` };
        throw error;
      }
      data = { job: { ...job, workdir: '' }, bundle, server: this.#options.serverId };
      const size = Buffer.byteLength(JSON.stringify(data));
      if (size > MAX_JOB_BYTES) {
        return {
          ok: false,
          reason: 'spawn_error',
          message: `not sent to a worker: the attempt is ${formatBytes(size)} as JSON (inputs, config and env), over the ${formatBytes(MAX_JOB_BYTES)} a job may carry; pass large data through a file in the workflow folder instead`,
        };
      }
    }
    if (io.signal.aborted) return { ok: false, reason: 'cancelled', message: 'cancelled before it was sent to a worker' };
    const outcome = new Promise<StepOutcome>((resolve) => {
      this.#pending.set(jobId, { jobId, job, io, queue, data, resolve, worker: null, started: io.reattach === true, unknownSince: null });
    });
    this.#follow(job.runId);
    if (data) await this.#queue(queue).add(job.stepId, data, this.#jobOptions(jobId, job));
    const onAbort = () => void this.#abort(jobId, io.signal.reason);
    io.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await outcome;
    } finally {
      io.signal.removeEventListener('abort', onAbort);
    }
  }

  /** The workers heard from within `lostAfterMs`. */
  workers(): Promise<WorkerStatus[]> {
    return listWorkers(this.#redis, this.#prefix, this.#lostAfterMs);
  }

  /** Stops everything it runs here (the attempts go on on their workers). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#checker) clearInterval(this.#checker);
    for (const pending of this.#pending.values()) pending.resolve({ ok: false, reason: 'server_lost', message: 'the server stopped waiting for it' });
    this.#pending.clear();
    this.#reader.disconnect();
    // A read sent while Redis was away may never settle: wait for the loop a little, not forever.
    await Promise.race([this.#reading?.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    await this.#redis.quit().catch(() => undefined);
  }

  #jobOptions(jobId: string, job: AttemptJob) {
    const priority = Math.min(LAST_PRIORITY, Math.max(TOP_PRIORITY, LAST_PRIORITY - Math.round(job.priority)));
    return { jobId, priority, attempts: 1, removeOnComplete: true, removeOnFail: true };
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#redis, prefix: this.#prefix });
      queue.on('error', () => undefined);
      const cap = this.#options.maxInFlight ?? null;
      void (cap === null ? queue.removeGlobalConcurrency() : queue.setGlobalConcurrency(cap)).catch(() => undefined);
      this.#queues.set(name, queue);
    }
    return queue;
  }

  /** Packs and stores the run's workflow folder once; its hash. */
  #bundleOf(job: AttemptJob): Promise<string> {
    let bundle = this.#bundles.get(job.runId);
    if (!bundle) {
      bundle = (async () => {
        const packed = await packFolder(job.workdir, { maxBytes: this.#options.bundleLimitBytes ?? DEFAULT_BUNDLE_LIMIT });
        const key = keys.bundle(this.#prefix, packed.hash);
        const stored = await this.#redis.set(key, packed.bytes, 'EX', KEY_TTL_SECONDS, 'NX');
        if (stored === null) await this.#redis.expire(key, KEY_TTL_SECONDS);
        return packed.hash;
      })();
      this.#bundles.set(job.runId, bundle);
      if (this.#bundles.size > REMEMBERED_RUNS) this.#bundles.delete(this.#bundles.keys().next().value!);
      bundle.catch(() => this.#bundles.delete(job.runId));
    }
    return bundle;
  }

  /**
   * Reads the run's stream from where this server left it, or from its start (a run taken over
   * sees what its workers said before).
   */
  #follow(runId: string): void {
    const stream = keys.run(this.#prefix, runId);
    if (this.#following.has(stream)) return;
    this.#following.add(stream);
    if (!this.#cursors.has(stream)) {
      this.#cursors.set(stream, '0');
      if (this.#cursors.size > REMEMBERED_RUNS) this.#cursors.delete(this.#cursors.keys().next().value!);
    }
    void this.#redis.xadd(keys.wake(this.#prefix, this.#options.serverId), 'MAXLEN', '~', '10', '*', 'w', '1').catch(() => undefined);
  }

  async #read(): Promise<void> {
    const wake = keys.wake(this.#prefix, this.#options.serverId);
    let wakeId = '$';
    while (!this.#closed) {
      this.#forgetIdleRuns();
      const streams = [...this.#following];
      const ids = streams.map((stream) => this.#cursors.get(stream) ?? '0');
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.#reader.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', wake, ...streams, wakeId, ...ids)) as typeof reply;
      } catch {
        if (this.#closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      for (const [stream, entries] of reply ?? []) {
        const last = entries.at(-1)?.[0];
        if (stream === wake) {
          if (last) wakeId = last;
          continue;
        }
        if (last) this.#cursors.set(stream, last);
        for (const [, fields] of entries) {
          const entry = decodeEntry(fields);
          if (entry) this.#take(entry);
        }
      }
    }
  }

  /** Stops reading the streams of runs with nothing in flight (their positions are kept). */
  #forgetIdleRuns(): void {
    const active = new Set([...this.#pending.values()].map((pending) => keys.run(this.#prefix, pending.job.runId)));
    for (const stream of this.#following) if (!active.has(stream)) this.#following.delete(stream);
  }

  #take(entry: RunStreamEntry): void {
    const pending = this.#pending.get(entry.job);
    if (!pending) return; // a superseded attempt's late word, or one this server let go
    switch (entry.kind) {
      case 'started':
        pending.worker = entry.worker;
        if (!pending.started) {
          pending.started = true;
          pending.io.started(entry.worker);
        }
        return;
      case 'log':
        if (pending.worker === null || pending.worker === entry.worker) pending.io.log(entry.chunk);
        return;
      case 'finished':
        if (pending.worker !== null && pending.worker !== entry.worker) return;
        if (entry.started && !pending.started) {
          pending.started = true;
          pending.io.started(entry.worker);
        }
        return this.#finish(pending, entry.outcome);
    }
  }

  #finish(pending: Pending, outcome: StepOutcome): void {
    if (this.#pending.get(pending.jobId) !== pending) return;
    this.#pending.delete(pending.jobId);
    pending.resolve(outcome);
  }

  async #abort(jobId: string, reason: unknown): Promise<void> {
    const pending = this.#pending.get(jobId);
    if (!pending) return;
    if (reason === 'server_lost') {
      // Released to another server: the attempt goes on where it runs; the next owner re-attaches.
      return this.#finish(pending, { ok: false, reason: 'server_lost', message: 'released to another server' });
    }
    const key = keys.attempt(this.#prefix, jobId);
    const told = (async () => {
      await this.#redis.multi().hset(key, 'cancel', '1').expire(key, KEY_TTL_SECONDS).exec();
      const removed = await this.#queue(pending.queue)
        .remove(jobId)
        .catch(() => 0);
      if (removed === 1) this.#finish(pending, { ok: false, reason: 'cancelled', message: 'cancelled before a worker took it' });
      // Otherwise a worker has it: it sees the flag and reports the attempt's end.
    })();
    // Redis down: the cancel still ends the attempt here; its worker is told once Redis answers.
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<'silent'>((resolve) => (timer = setTimeout(() => resolve('silent'), CANCEL_ANSWER_MS)));
    if ((await Promise.race([told, silent])) === 'silent') {
      this.#finish(pending, { ok: false, reason: 'cancelled', message: 'cancelled; Redis did not answer, so its worker is told to stop once it does' });
    }
    clearTimeout(timer);
  }

  /** Phase 3: finished attempts whose stream entry was lost, lost workers, jobs Redis lost. */
  async #check(): Promise<void> {
    if (this.#closed || this.#pending.size === 0) return;
    const pending = [...this.#pending.values()];
    const now = await redisNow(this.#redis);
    const read = this.#redis.pipeline();
    for (const attempt of pending) read.hgetall(keys.attempt(this.#prefix, attempt.jobId));
    const workers = [...new Set(pending.map((attempt) => attempt.worker).filter((id): id is string => id !== null))];
    const hashes = ((await read.exec()) ?? []).map(([, value]) => (value ?? {}) as Record<string, string>);
    for (const [i, hash] of hashes.entries()) if (hash.worker && pending[i].worker === null) pending[i].worker = hash.worker;
    const seenIds = [...new Set([...workers, ...pending.map((attempt) => attempt.worker).filter((id): id is string => id !== null)])];
    const scores = seenIds.length ? await this.#redis.zmscore(keys.seen(this.#prefix), ...seenIds) : [];
    const lastSeen = new Map(seenIds.map((id, i) => [id, scores[i] === null ? null : Number(scores[i])]));
    for (const [i, attempt] of pending.entries()) {
      const hash = hashes[i];
      if (hash.state === 'finished' && hash.outcome && (attempt.worker === null || attempt.worker === hash.worker)) {
        if (!attempt.started) {
          attempt.started = true;
          attempt.io.started(hash.worker);
        }
        this.#finish(attempt, JSON.parse(hash.outcome) as StepOutcome);
        continue;
      }
      if (attempt.worker !== null) {
        const silentMs = this.#silentMs(attempt.worker, lastSeen.get(attempt.worker) ?? null, now);
        if (silentMs > this.#lostAfterMs) await this.#lost(attempt, silentMs);
        continue;
      }
      if (!hash.state && attempt.data) await this.#requeueIfLost(attempt);
      else if (!hash.state && attempt.started) {
        // Re-attached to an attempt Redis has no record of: it is lost once that lasts lostAfterMs.
        attempt.unknownSince ??= now;
        if (now - attempt.unknownSince > this.#lostAfterMs) await this.#lost(attempt, now - attempt.unknownSince);
      }
    }
  }

  /** How long a worker has been silent, by Redis's clock (a missing heartbeat counts from when it was first missed). */
  #silentMs(worker: string, seen: number | null, now: number): number {
    if (seen !== null) {
      this.#missingSince.delete(worker);
      return now - seen;
    }
    const since = this.#missingSince.get(worker) ?? now;
    this.#missingSince.set(worker, since);
    return now - since;
  }

  async #lost(attempt: Pending, silentMs: number): Promise<void> {
    const key = keys.attempt(this.#prefix, attempt.jobId);
    await this.#redis.multi().hset(key, 'state', 'lost', 'cancel', '1').expire(key, KEY_TTL_SECONDS).exec();
    this.#log('worker lost', { worker: attempt.worker, attempt: attempt.jobId, silentMs });
    this.#finish(attempt, {
      ok: false,
      reason: 'worker_lost',
      message: `${attempt.worker === null ? 'its worker' : `worker ${attempt.worker}`} stopped answering (no heartbeat for ${Math.round(silentMs / 1000)} s)`,
    });
  }

  /** A job no worker took that is gone from its queue (Redis restarted, or BullMQ failed it) is added again. */
  async #requeueIfLost(attempt: Pending): Promise<void> {
    const queue = this.#queue(attempt.queue);
    const state = await queue.getJobState(attempt.jobId);
    if (state !== 'unknown' && state !== 'failed' && state !== 'completed') return;
    if (this.#pending.get(attempt.jobId) !== attempt) return;
    if (state !== 'unknown') await queue.remove(attempt.jobId).catch(() => 0);
    this.#log('job added again', { attempt: attempt.jobId, state });
    await queue.add(attempt.job.stepId, attempt.data!, this.#jobOptions(attempt.jobId, attempt.job));
  }

  #log(message: string, fields?: Record<string, unknown>): void {
    this.#options.log?.(message, fields);
  }
}
