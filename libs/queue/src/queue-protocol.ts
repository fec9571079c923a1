import { Redis } from 'ioredis';
import { WorkflowError, type AttemptJob, type AttemptOutcome } from '@weft/core';

/**
 * What travels through Redis between a server and its workers, and where. Every key starts with a
 * prefix (`weft` unless told otherwise), so that several clusters can share one Redis database.
 *
 * - BullMQ queue `attempts` holds attempts any worker may run; `attempts.<label>` those whose step
 *   says `runsOn: <label>`. One BullMQ job is one attempt of one unit, its id {@link jobIdOf}.
 * - `<p>:attempt:<jobId>` (hash): `state` (`running`, `finished`, `lost`), `worker`, `outcome`
 *   (JSON), `cancel` (`1` when the server asked to stop it). The worker claims the attempt there
 *   before it runs it, so a job delivered twice runs once.
 * - `<p>:run:<runId>` (stream): what the workers say about the run's attempts as they go:
 *   `started`, `log` chunks and `finished` with the outcome. The server that owns the run reads it;
 *   a server that takes the run over reads it from the start.
 * - `<p>:wake:<serverId>` (stream): wakes a server's blocking read when it starts reading a new run.
 * - `<p>:bundle:<sha256>` (string): a workflow folder, packed ({@link packFolder}).
 * - `<p>:workers` (hash: id → {@link WorkerInfo} JSON) and `<p>:workers:seen` (sorted set: id →
 *   Redis time of its last heartbeat, in ms). A worker whose heartbeat is older than the server's
 *   `lostAfterMs` is lost.
 *
 * Keys written per attempt or run expire after {@link KEY_TTL_SECONDS}.
 */
export const DEFAULT_PREFIX = 'weft';

/** How long per-attempt, per-run and bundle keys live after their last write. */
export const KEY_TTL_SECONDS = 24 * 3600;

/** The queue of attempts for workers with `label`, or for any worker. */
export function queueNameOf(label: string | null): string {
  return label === null ? 'attempts' : `attempts.${label}`;
}

/** The BullMQ job id of an attempt: run, step, item and attempt number (never a `:`). */
export function jobIdOf(job: Pick<AttemptJob, 'runId' | 'stepId' | 'item' | 'attempt'>): string {
  return `${job.runId}.${job.stepId}.${job.item === null ? '-' : job.item.index}.${job.attempt}`;
}

export const keys = {
  attempt: (prefix: string, jobId: string) => `${prefix}:attempt:${jobId}`,
  run: (prefix: string, runId: string) => `${prefix}:run:${runId}`,
  wake: (prefix: string, serverId: string) => `${prefix}:wake:${serverId}`,
  bundle: (prefix: string, hash: string) => `${prefix}:bundle:${hash}`,
  workers: (prefix: string) => `${prefix}:workers`,
  seen: (prefix: string) => `${prefix}:workers:seen`,
};

/** The data of one BullMQ job. */
export interface QueuedAttempt {
  /** The attempt; its `workdir` is the server's path, which the worker replaces by the bundle's. */
  readonly job: AttemptJob;
  /** The packed workflow folder (`<p>:bundle:<hash>`). */
  readonly bundle: string;
  /** The server that sent it (for the worker's log). */
  readonly server: string;
}

/** One entry of a run stream. */
export type RunStreamEntry =
  | { readonly kind: 'started'; readonly job: string; readonly worker: string }
  | { readonly kind: 'log'; readonly job: string; readonly worker: string; readonly chunk: string }
  | { readonly kind: 'finished'; readonly job: string; readonly worker: string; readonly started: boolean; readonly outcome: AttemptOutcome };

/** A stream entry as field/value pairs. */
export function encodeEntry(entry: RunStreamEntry): string[] {
  return ['e', JSON.stringify(entry)];
}

/** A stream entry read back, or null when it is not one of ours. */
export function decodeEntry(fields: readonly string[]): RunStreamEntry | null {
  const at = fields.indexOf('e');
  if (at < 0 || at + 1 >= fields.length) return null;
  try {
    const entry = JSON.parse(fields[at + 1]) as RunStreamEntry;
    return typeof entry?.job === 'string' && typeof entry.kind === 'string' ? entry : null;
  } catch {
    return null;
  }
}

/** What a worker says of itself in `<p>:workers`. */
export interface WorkerInfo {
  readonly id: string;
  readonly labels: readonly string[];
  readonly concurrency: number;
  /** Job ids of the attempts it runs now. */
  readonly running: readonly string[];
  readonly host: string;
  readonly pid: number;
  /** ISO 8601. */
  readonly startedAt: string;
}

/** A worker as `GET /api/workers` lists it. */
export interface WorkerStatus {
  readonly id: string;
  readonly labels: readonly string[];
  readonly concurrency: number;
  /** Attempts it runs now. */
  readonly running: number;
  readonly startedAt: string;
  /** Its last heartbeat (ISO 8601). */
  readonly lastSeenAt: string;
}

/** A `redis://host:port[/db]` URL the queue cannot use. */
export class QueueUrlError extends WorkflowError {
  override readonly name: string = 'QueueUrlError';
}

/** Checks a queue URL: `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
export function parseQueueUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueUrlError(`the queue URL '${url}' is not a URL; expected redis://host:port[/db], like redis://127.0.0.1:6379/0`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueUrlError(`the queue URL '${parsed.protocol}//…' must start with redis:// (or rediss:// for TLS), like redis://127.0.0.1:6379/0`);
  }
  if (!parsed.hostname) throw new QueueUrlError(`the queue URL '${url}' names no host; expected redis://host:port[/db]`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new QueueUrlError(`the queue URL's database '${db}' must be a number, like redis://${parsed.host}/0`);
  return parsed;
}

/** A Redis client for the queue: commands wait through reconnects instead of failing (BullMQ needs it). */
export function connectRedis(url: string, name: string): Redis {
  parseQueueUrl(url);
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, retryStrategy: (times) => Math.min(50 * times, 1000) });
}

/** Redis's clock in epoch ms (all servers and workers agree on it). */
export async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = (await redis.time()) as [string | number, string | number];
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
