import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StepTypeRegistry, type StepOutcome, type StepTypeHandler } from '@weft/core';
import { DEFAULT_PREFIX, QueueDispatcher, WeftWorker, connectRedis } from '@weft/queue';
import { shellConfigSchema } from '@weft/step-types';
import { startRedisServer } from '../../../libs/queue/src/testing/redis-server';
import { runAll } from './queue-runs';
import { infoField, keyFamily } from './redis-keys';
import { shellWorkflow } from './shell-workflow';

/** Keys and bytes (`MEMORY USAGE … SAMPLES 0`) of one family. */
export interface KeyFamily {
  readonly family: string;
  readonly keys: number;
  readonly bytes: number;
}

/** What {@link measureRedisMemory} found. */
export interface RedisMemorySample {
  readonly attempts: number;
  /** `used_memory` before the runs, at the highest sample while they ran, and once they ended. */
  readonly beforeBytes: number;
  readonly peakBytes: number;
  readonly afterBytes: number;
  /** The keys left once the runs ended, by family. */
  readonly families: readonly KeyFamily[];
  readonly seconds: number;
  /** Bytes of the outcome each attempt hash keeps (as JSON). */
  readonly outcomeBytes: number;
  /** `OBJECT ENCODING` of an attempt hash (`listpack` or `hashtable`), and the value size over which Redis leaves listpack. */
  readonly attemptEncoding: string;
  readonly listpackValueLimit: number;
}

/** Options of {@link measureRedisMemory}. */
export interface RedisMemoryOptions {
  /** A folder of its own (workflow folder, worker caches). */
  readonly folder: string;
  /** Runs started at once, and independent steps in each. */
  readonly runs: number;
  readonly stepsPerRun: number;
  /** What `sh -c true` returns (without its log): each attempt returns it, with no process. */
  readonly outcome: StepOutcome;
  log(line: string): void;
}

/**
 * A stand-in `shell` step type that returns a recorded outcome on the next turn: attempts as small
 * as a real `true` step in Redis (same job, same outcome), without 10,000 processes.
 */
function replayShell(outcome: StepOutcome): StepTypeHandler {
  return {
    name: 'shell',
    description: 'bench: replays the outcome of sh -c true',
    configSchema: shellConfigSchema,
    run: () => new Promise((resolve) => setImmediate(() => resolve({ ...outcome }))),
  };
}

/**
 * `used_memory` of a private redis-server before, during and after `runs × stepsPerRun` attempts
 * sent through a {@link QueueDispatcher} to two in-process {@link WeftWorker}s, and what the keys
 * left (the attempt hashes and run streams live 24 h) take, family by family.
 */
export async function measureRedisMemory(options: RedisMemoryOptions): Promise<RedisMemorySample> {
  const rootDir = join(options.folder, 'workflow');
  mkdirSync(rootDir, { recursive: true });
  const stepTypes = new StepTypeRegistry([replayShell(options.outcome)]);
  const server = await startRedisServer();
  const redis = connectRedis(server.url, 'bench-memory');
  const used = async () => infoField(await redis.info('memory'), 'used_memory');
  const workers = ['memory-1', 'memory-2'].map(
    (id) =>
      new WeftWorker({ url: server.url, id, concurrency: 64, stepTypes, cacheDir: join(options.folder, id) }),
  );
  let dispatcher: QueueDispatcher | null = null;
  try {
    await Promise.all(workers.map((worker) => worker.start()));
    dispatcher = new QueueDispatcher({ url: server.url, serverId: 'bench-memory' });
    const workflows = Array.from({ length: options.runs }, () =>
      shellWorkflow({
        name: 'bench-memory',
        run: 'true',
        chains: options.stepsPerRun,
        length: 1,
        maxParallel: 8,
        rootDir,
      }),
    );
    const beforeBytes = await used();
    let peakBytes = beforeBytes;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakBytes = Math.max(peakBytes, await used());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const start = performance.now();
    try {
      await runAll(workflows, stepTypes, dispatcher, 300_000);
    } finally {
      sampling = false;
      await sampler;
    }
    const seconds = (performance.now() - start) / 1000;
    await dispatcher.close();
    dispatcher = null;
    await Promise.all(workers.map((worker) => worker.close()));
    const afterBytes = await used();
    const families = await keyFamilies(redis);
    const [attemptKey] = (await redis.scan('0', 'MATCH', `${DEFAULT_PREFIX}:attempt:*`, 'COUNT', 1000))[1];
    const attemptEncoding =
      attemptKey === undefined ? 'none' : String(await redis.object('ENCODING', attemptKey));
    const [, limit] = (await redis.config('GET', 'hash-max-listpack-value')) as [string, string];
    const attempts = options.runs * options.stepsPerRun;
    options.log(
      `  redis memory: ${attempts} attempts in ${seconds.toFixed(1)} s; used_memory ${beforeBytes} → peak ${peakBytes} → ${afterBytes} bytes`,
    );
    return {
      attempts,
      beforeBytes,
      peakBytes,
      afterBytes,
      families,
      seconds,
      outcomeBytes: Buffer.byteLength(JSON.stringify(options.outcome)),
      attemptEncoding,
      listpackValueLimit: Number(limit),
    };
  } finally {
    await dispatcher?.close();
    await Promise.all(workers.map((worker) => worker.close(true).catch(() => undefined)));
    redis.disconnect();
    await server.stop();
  }
}

/** Every key, by family, with what `MEMORY USAGE` says it takes. */
async function keyFamilies(redis: ReturnType<typeof connectRedis>): Promise<KeyFamily[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const usage = redis.pipeline();
  for (const key of keys) usage.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
  const sizes = ((await usage.exec()) ?? []).map(([, bytes]) => Number(bytes ?? 0));
  const families = new Map<string, { keys: number; bytes: number }>();
  for (const [i, key] of keys.entries()) {
    const family = keyFamily(key, DEFAULT_PREFIX);
    const entry = families.get(family) ?? { keys: 0, bytes: 0 };
    entry.keys++;
    entry.bytes += sizes[i];
    families.set(family, entry);
  }
  return [...families]
    .map(([family, { keys: count, bytes }]) => ({ family, keys: count, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}
