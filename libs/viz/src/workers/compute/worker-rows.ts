import { formatAgo, formatDuration } from '../../shared/format.js';

/** One worker process, as `GET /api/workers` lists it. */
export interface WorkerInfo {
  /** `<hostname>:<pid>`, or the name given with `weft worker --id`. */
  readonly id: string;
  /** Its `--label`s: a step with `runsOn: <label>` runs only on workers that have it. */
  readonly labels: readonly string[];
  /** Attempts it runs at once at most (`--concurrency`). */
  readonly concurrency: number;
  /** Attempts it runs now. */
  readonly running: number;
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601 of its last heartbeat. */
  readonly lastSeenAt: string;
}

/** A worker whose last heartbeat is older than this shows as stale, in ms. @default 10000 */
export const DEFAULT_STALE_AFTER_MS = 10_000;

/** One worker as the list draws it. */
export interface WorkerRow {
  readonly id: string;
  readonly labels: readonly string[];
  readonly running: number;
  readonly concurrency: number;
  /** `2/4`. */
  readonly load: string;
  /** `2 of 4 slots busy`, for screen readers. */
  readonly loadText: string;
  /** Share of its slots busy, 0..1. */
  readonly busy: number;
  readonly lastSeenAt: string;
  /** Milliseconds since its last heartbeat (0 when that lies ahead of `now`); null when `lastSeenAt` does not parse. */
  readonly lastSeenAgoMs: number | null;
  /** `4 s ago`. */
  readonly lastSeen: string;
  /** No heartbeat for longer than `staleAfterMs` (or none readable): the worker may be gone. */
  readonly stale: boolean;
  /** Why it is stale, or null. */
  readonly staleText: string | null;
}

/**
 * The workers as rows, sorted by id (numbers in ids compare as numbers), with their load, the age
 * of their last heartbeat at `now` (epoch ms) and whether it is stale. Pure.
 */
export function workerRows(
  workers: readonly WorkerInfo[],
  now: number,
  options: { readonly staleAfterMs?: number } = {},
): WorkerRow[] {
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  return [...workers]
    .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }))
    .map((w): WorkerRow => {
      const seen = Date.parse(w.lastSeenAt);
      const ago = Number.isNaN(seen) ? null : Math.max(0, now - seen);
      const stale = ago === null || ago > staleAfterMs;
      const concurrency = Math.max(0, w.concurrency);
      return {
        id: w.id,
        labels: [...w.labels],
        running: w.running,
        concurrency,
        load: `${w.running}/${concurrency}`,
        loadText: `${w.running} of ${concurrency} ${concurrency === 1 ? 'slot' : 'slots'} busy`,
        busy: concurrency > 0 ? Math.min(1, Math.max(0, w.running / concurrency)) : 0,
        lastSeenAt: w.lastSeenAt,
        lastSeenAgoMs: ago,
        lastSeen: formatAgo(ago),
        stale,
        staleText: stale
          ? ago === null
            ? 'no heartbeat on record'
            : `no heartbeat for ${formatDuration(ago)}: the worker may have stopped`
          : null,
      };
    });
}
