import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '../../../libs/core/src/testing/wait-for';

/** `weft worker` running as a child of the bench. */
export interface WorkerProcess {
  /** Its `--id`. */
  readonly id: string;
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Its stdout and stderr so far (the last 64 KiB). */
  output(): string;
  /** SIGKILL (a crash: no goodbye, its heartbeat just stops), then waits for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (it finishes what it runs and leaves the worker list), SIGKILL after `graceMs`; waits for the exit. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** Repository root: the CLI is `apps/cli/bin/weft.js` under it. */
  readonly root: string;
  /** `redis://host:port`. */
  readonly queue: string;
  readonly id: string;
  /** `--concurrency`. */
  readonly concurrency: number;
  /** `--cache`: where it unpacks workflow folders. */
  readonly cacheDir: string;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

const OUTPUT_KEPT = 64 * 1024;

/**
 * Starts `node apps/cli/bin/weft.js worker --queue … --concurrency … --id … --cache …` and resolves
 * once it printed that it takes attempts (it has registered and its BullMQ workers are made).
 */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerProcess> {
  const args = [
    join(options.root, 'apps/cli/bin/weft.js'),
    'worker',
    '--queue',
    options.queue,
    '--concurrency',
    String(options.concurrency),
    '--id',
    options.id,
    '--cache',
    options.cacheDir,
  ];
  const child = spawn(process.execPath, args, { cwd: options.root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += String(error);
      if (child.pid === undefined) resolve();
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const worker: WorkerProcess = {
    id: options.id,
    pid: child.pid ?? 0,
    exited,
    output: () => output,
    kill: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    stop: async (graceMs = 10_000) => {
      if (running()) child.kill('SIGTERM');
      const grace = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
      await exited.finally(() => clearTimeout(grace));
    },
  };
  const gone = new AbortController();
  void exited.then(() => gone.abort(new Error('the worker exited')));
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    await waitFor(
      `worker ${options.id} to take attempts`,
      () => output.includes(`weft worker ${options.id} takes attempts`),
      {
        timeoutMs,
        intervalMs: 20,
        signal: gone.signal,
      },
    );
  } catch (error) {
    await worker.kill();
    throw new Error(
      `weft worker ${options.id} ${gone.signal.aborted ? 'exited before it was ready' : `was not ready within ${timeoutMs} ms`}:\n${output.slice(-4000)}`,
      {
        cause: error,
      },
    );
  }
  return worker;
}

/**
 * `weft worker` processes kept between measurements, named `<prefix>-1`, `<prefix>-2`…, each with
 * its own cache folder under `options.cacheDir`.
 */
export class WorkerPool {
  #workers: WorkerProcess[] = [];
  #started = 0;

  constructor(
    private readonly prefix: string,
    private readonly options: Omit<StartWorkerOptions, 'id'>,
  ) {}

  /** The workers running now. */
  get workers(): readonly WorkerProcess[] {
    return this.#workers;
  }

  /** Starts workers (at once) or stops the newest ones (SIGTERM) until `count` run; if one fails to start, the others started with it are killed. */
  async resize(count: number): Promise<void> {
    if (count <= this.#workers.length) {
      const extra = this.#workers.splice(count);
      await Promise.all(extra.map((worker) => worker.stop()));
      return;
    }
    const ids = Array.from(
      { length: count - this.#workers.length },
      () => `${this.prefix}-${++this.#started}`,
    );
    const started = await Promise.allSettled(
      ids.map((id) => startWorker({ ...this.options, id, cacheDir: join(this.options.cacheDir, id) })),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(workers.map((worker) => worker.kill()));
      throw failure.reason;
    }
    this.#workers.push(...workers);
  }

  /** Stops them all. */
  close(): Promise<void> {
    return this.resize(0);
  }
}
