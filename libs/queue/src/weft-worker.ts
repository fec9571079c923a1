import { hostname } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { LocalDispatcher, Semaphore, type AttemptOutcome, type StepOutcome, type StepTypeRegistry } from '@weft/core';
import { BundleError, unpackBundle } from './bundle';
import {
  DEFAULT_PREFIX,
  KEY_TTL_SECONDS,
  connectRedis,
  encodeEntry,
  keys,
  queueNameOf,
  type QueuedAttempt,
  type RunStreamEntry,
  type WorkerInfo,
} from './queue-protocol';

export interface WeftWorkerOptions {
  /** `redis://host:port[/db]`. */
  readonly url: string;
  /** The step types it runs (built-ins and plugins). */
  readonly stepTypes: StepTypeRegistry;
  /** @default `<hostname>:<pid>` */
  readonly id?: string;
  /** Labels: it also takes the attempts of steps with `runsOn: <label>`. */
  readonly labels?: readonly string[];
  /** Attempts it runs at once, over all its queues. */
  readonly concurrency: number;
  /** Where workflow folders are unpacked and kept. */
  readonly cacheDir: string;
  /** Key prefix shared with the servers. @default 'weft' */
  readonly prefix?: string;
  /** How often it says it is alive. @default 2000 */
  readonly heartbeatMs?: number;
  /** How often it checks whether a server asked to stop what it runs. @default 250 */
  readonly cancelCheckMs?: number;
  /** Where it says what it does. */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Claims an attempt for a worker unless someone has (a job delivered twice runs once): 0 taken
 * already, 1 claimed, 2 claimed but a server asked to stop it.
 */
const CLAIM = `
if redis.call('HEXISTS', KEYS[1], 'state') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running', 'worker', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
if redis.call('HGET', KEYS[1], 'cancel') == '1' then return 2 end
return 1`;

/**
 * Records an attempt's end unless the server gave it up (\`lost\`) or another worker holds it; a
 * record Redis lost (a restart) is written again.
 */
const FINISH = `
local worker = redis.call('HGET', KEYS[1], 'worker')
if (worker and worker ~= ARGV[1]) or redis.call('HGET', KEYS[1], 'state') == 'lost' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'finished', 'worker', ARGV[1], 'outcome', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

/** A heartbeat on Redis's clock. */
const BEAT = `
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], t[1] * 1000 + math.floor(t[2] / 1000), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

/** Log chunks are sent at most this often per attempt (or when this many bytes wait). */
const LOG_FLUSH_MS = 50;
const LOG_FLUSH_BYTES = 64 * 1024;

/** An attempt this worker runs. */
interface Running {
  readonly jobId: string;
  readonly controller: AbortController;
}

/**
 * `weft worker`: takes attempts from BullMQ queues on Redis and runs them with the same step types,
 * process runner, isolation and limits as the server does locally; it needs no database and no copy
 * of the workspace.
 *
 * 1. It takes from `attempts` and from `attempts.<label>` for each label, at most `concurrency`
 *    attempts at once over all of them. BullMQ never runs a job twice on its own (`attempts: 1`, no
 *    stall re-runs): the server decides what runs again.
 * 2. For each job: claim the attempt (a job delivered twice runs once), fetch and unpack the
 *    workflow folder by its hash (cached), say `started`, run it, stream its log, say `finished`
 *    with the outcome, unless the server gave the attempt up meanwhile.
 * 3. Every `heartbeatMs` it writes its heartbeat (Redis time) and what it runs; every
 *    `cancelCheckMs` it stops (process group TERM, then KILL) what a server asked to stop. Its own
 *    timeout for an attempt counts from its start, as the server's does.
 * 4. `close()` stops taking jobs, waits for the attempts running (or stops them with `force`), and
 *    leaves the list of workers.
 */
export class WeftWorker {
  readonly id: string;
  readonly #options: WeftWorkerOptions;
  readonly #prefix: string;
  readonly #redis: Redis;
  readonly #slots: Semaphore;
  readonly #local: LocalDispatcher;
  readonly #workers: Worker[] = [];
  readonly #running = new Map<string, Running>();
  readonly #startedAt = new Date().toISOString();
  #timers: NodeJS.Timeout[] = [];
  #closing = false;

  constructor(options: WeftWorkerOptions) {
    this.#options = options;
    this.id = options.id ?? `${hostname()}:${process.pid}`;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#redis = connectRedis(options.url, `weft-worker:${this.id}`);
    this.#redis.on('error', () => undefined); // it reconnects on its own; commands wait
    this.#slots = new Semaphore(options.concurrency);
    this.#local = new LocalDispatcher({ stepTypes: options.stepTypes, processSlots: this.#slots });
  }

  /** The labels it serves. */
  get labels(): readonly string[] {
    return this.#options.labels ?? [];
  }

  /** Registers, then starts taking jobs. */
  async start(): Promise<void> {
    await this.#beat();
    this.#timers.push(setInterval(() => void this.#beat().catch(() => undefined), this.#options.heartbeatMs ?? 2000));
    this.#timers.push(setInterval(() => void this.#checkCancels().catch(() => undefined), this.#options.cancelCheckMs ?? 250));
    for (const label of [null, ...this.labels]) {
      const worker = new Worker(queueNameOf(label), (job: Job) => this.#process(job), {
        connection: this.#redis,
        prefix: this.#prefix,
        concurrency: this.#options.concurrency,
        maxStalledCount: 0,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 0 },
      });
      worker.on('error', (error) => this.#log('queue error', { error: error.message }));
      this.#workers.push(worker);
    }
    this.#log('worker ready', { id: this.id, labels: this.labels, concurrency: this.#options.concurrency });
  }

  /** Attempts running now. */
  get running(): number {
    return this.#running.size;
  }

  /**
   * Stops taking jobs and waits for the attempts running; with `force` stops them first (their
   * server sees this worker gone at once and dispatches them again). Then leaves the worker list.
   */
  async close(force = false): Promise<void> {
    this.#closing = true;
    if (force) for (const running of this.#running.values()) running.controller.abort('worker_closed');
    await Promise.all(this.#workers.map((worker) => worker.close(force)));
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    if (force) await this.#redis.zadd(keys.seen(this.#prefix), 0, this.id).catch(() => undefined);
    else await this.#redis.multi().zrem(keys.seen(this.#prefix), this.id).hdel(keys.workers(this.#prefix), this.id).exec().catch(() => undefined);
    await this.#redis.quit().catch(() => undefined);
  }

  async #process(bullJob: Job): Promise<void> {
    const data = bullJob.data as QueuedAttempt;
    const jobId = String(bullJob.id);
    const attemptKey = keys.attempt(this.#prefix, jobId);
    const claimed = await this.#redis.eval(CLAIM, 1, attemptKey, this.id, KEY_TTL_SECONDS);
    if (claimed === 0) return this.#log('attempt skipped: already claimed', { attempt: jobId });
    const controller = new AbortController();
    this.#running.set(jobId, { jobId, controller });
    const stream = keys.run(this.#prefix, data.job.runId);
    const logs = new LogSender((chunk) => this.#send(stream, { kind: 'log', job: jobId, worker: this.id, chunk }));
    let started = false;
    let timeout: NodeJS.Timeout | undefined;
    let outcome: StepOutcome;
    try {
      if (claimed === 2) controller.abort('cancelled');
      const workdir = await this.#workdir(data.bundle);
      outcome = await this.#local.dispatch(
        { ...data.job, workdir },
        {
          signal: controller.signal,
          started: () => {
            started = true;
            void this.#send(stream, { kind: 'started', job: jobId, worker: this.id });
            if (data.job.timeoutMs !== null) {
              // A backstop: the server's own timer normally stops it first (and says `timeout`).
              const graceMs = data.job.limits.killGraceMs + 2000;
              timeout = setTimeout(() => controller.abort('timeout'), data.job.timeoutMs + graceMs);
            }
          },
          log: (chunk) => logs.write(chunk),
        },
      );
    } catch (error) {
      outcome =
        error instanceof BundleError
          ? { ok: false, reason: 'spawn_error', message: `not started: ${error.message}` }
          : { ok: false, reason: 'error', message: `the worker failed: ${(error as Error)?.message ?? String(error)}` };
    } finally {
      clearTimeout(timeout);
      this.#running.delete(jobId);
    }
    await logs.flush();
    // Closed by force: say nothing; its server sees this worker gone and dispatches the attempt again.
    if (controller.signal.reason === 'worker_closed') return;
    const { log: _log, ...rest } = outcome;
    const result: AttemptOutcome = controller.signal.reason === 'timeout' && !rest.ok ? { ...rest, reason: 'timeout', message: `timed out after ${data.job.timeoutMs} ms` } : rest;
    const kept = await this.#redis.eval(FINISH, 1, attemptKey, this.id, compactJson(result), KEY_TTL_SECONDS);
    if (kept !== 1) return this.#log('result dropped: the server gave this attempt up', { attempt: jobId });
    await this.#send(stream, { kind: 'finished', job: jobId, worker: this.id, started, outcome: result });
  }

  /** The unpacked workflow folder of `hash`, fetched once. */
  async #workdir(hash: string): Promise<string> {
    const folder = join(this.#options.cacheDir, hash);
    if (existsSync(folder)) return folder;
    const bytes = await this.#redis.getBuffer(keys.bundle(this.#prefix, hash));
    if (bytes === null) throw new BundleError(`the workflow folder (bundle ${hash.slice(0, 12)}…) is no longer in Redis; start the run again`);
    return unpackBundle(bytes, hash, this.#options.cacheDir);
  }

  async #send(stream: string, entry: RunStreamEntry): Promise<void> {
    await this.#redis
      .multi()
      .xadd(stream, '*', ...encodeEntry(entry))
      .expire(stream, KEY_TTL_SECONDS)
      .exec();
  }

  async #beat(): Promise<void> {
    const info: WorkerInfo = {
      id: this.id,
      labels: this.labels,
      concurrency: this.#options.concurrency,
      running: [...this.#running.keys()],
      host: hostname(),
      pid: process.pid,
      startedAt: this.#startedAt,
    };
    if (this.#closing && this.#running.size === 0) return;
    await this.#redis.eval(BEAT, 2, keys.seen(this.#prefix), keys.workers(this.#prefix), this.id, JSON.stringify(info));
  }

  async #checkCancels(): Promise<void> {
    if (this.#running.size === 0) return;
    const running = [...this.#running.values()];
    const read = this.#redis.pipeline();
    for (const attempt of running) read.hget(keys.attempt(this.#prefix, attempt.jobId), 'cancel');
    const flags = (await read.exec()) ?? [];
    for (const [i, [, flag]] of flags.entries()) {
      if (flag === '1' && !running[i].controller.signal.aborted) {
        this.#log('attempt stopped: its server asked', { attempt: running[i].jobId });
        running[i].controller.abort('cancelled');
      }
    }
  }

  #log(message: string, fields?: Record<string, unknown>): void {
    this.#options.log?.(message, fields);
  }
}

/**
 * An outcome as JSON without its own null fields (they read back as absent, which means null), so
 * that a small record stays compact in Redis; nulls inside its outputs are kept.
 */
function compactJson(outcome: AttemptOutcome): string {
  return JSON.stringify(Object.fromEntries(Object.entries(outcome).filter(([, value]) => value !== null)));
}

/** Batches an attempt's log chunks into stream entries. */
class LogSender {
  #buffer = '';
  #timer: NodeJS.Timeout | null = null;
  #sending: Promise<void> = Promise.resolve();

  constructor(private readonly send: (chunk: string) => Promise<void>) {}

  write(chunk: string): void {
    this.#buffer += chunk;
    if (this.#buffer.length >= LOG_FLUSH_BYTES) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), LOG_FLUSH_MS);
  }

  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const chunk = this.#buffer;
    this.#buffer = '';
    if (chunk) this.#sending = this.#sending.then(() => this.send(chunk)).catch(() => undefined);
    return this.#sending;
  }
}
