import type { Redis } from 'ioredis';
import { keys, redisNow, type WorkerInfo, type WorkerStatus } from './queue-protocol';

/**
 * The workers seen within `lostAfterMs` (by Redis's clock), newest first; workers silent longer
 * than a day are removed from the list.
 */
export async function listWorkers(redis: Redis, prefix: string, lostAfterMs: number): Promise<WorkerStatus[]> {
  const [now, infos, seen] = await Promise.all([
    redisNow(redis),
    redis.hgetall(keys.workers(prefix)),
    redis.zrange(keys.seen(prefix), '0', '-1', 'WITHSCORES'),
  ]);
  const lastSeen = new Map<string, number>();
  for (let i = 0; i + 1 < seen.length; i += 2) lastSeen.set(seen[i], Number(seen[i + 1]));
  const workers: WorkerStatus[] = [];
  const gone: string[] = [];
  for (const [id, text] of Object.entries(infos)) {
    const at = lastSeen.get(id);
    if (at === undefined || now - at > 24 * 3600_000) {
      gone.push(id);
      continue;
    }
    if (now - at > lostAfterMs) continue;
    const info = JSON.parse(text) as WorkerInfo;
    workers.push({
      id,
      labels: info.labels,
      concurrency: info.concurrency,
      running: info.running.length,
      startedAt: info.startedAt,
      lastSeenAt: new Date(at).toISOString(),
    });
  }
  if (gone.length) await redis.multi().hdel(keys.workers(prefix), ...gone).zrem(keys.seen(prefix), ...gone).exec();
  return workers.sort((a, b) => a.id.localeCompare(b.id));
}
