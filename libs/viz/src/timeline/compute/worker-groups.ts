import { packLanes } from '../../shared/process-intervals.js';

/** How the timeline lays out its lanes: one per concurrency slot, or one band per worker. */
export type TimelineGroupBy = 'lane' | 'worker';

/** The band name of the processes the server ran itself (`worker: null`). */
export const SERVER_BAND_LABEL = 'server';

/** The processes one worker ran, stacked in as few sub-lanes as keep them from overlapping. */
export interface WorkerGroup<T> {
  /** Worker id; null for the server itself. */
  readonly worker: string | null;
  /** The worker id, or `server`. */
  readonly label: string;
  /** Earliest start among its processes. */
  readonly firstStart: number;
  /** Sub-lanes it needs: the most of its processes that overlap. */
  readonly laneCount: number;
  /** Its processes in start order, each with `row`: its sub-lane, 0-based. */
  readonly items: readonly (T & { readonly row: number })[];
}

/**
 * Groups processes by the worker that ran them, one group per worker ordered by its first start
 * (then by name), so a live run only ever adds groups below the ones already drawn. Inside a group
 * each process takes the lowest sub-lane free for its whole span (the same packing as unknown
 * slots), so two processes of one worker that overlap never share a sub-lane. Pure.
 */
export function groupByWorker<T extends { readonly worker: string | null; readonly start: number; readonly end: number }>(
  intervals: readonly T[],
): WorkerGroup<T>[] {
  const byWorker = new Map<string | null, T[]>();
  for (const iv of intervals) {
    const list = byWorker.get(iv.worker);
    if (list) list.push(iv);
    else byWorker.set(iv.worker, [iv]);
  }
  return [...byWorker.entries()]
    .map(([worker, list]): WorkerGroup<T> => {
      const packed = packLanes(list.map((iv) => ({ iv, lane: null as number | null, start: iv.start, end: iv.end })));
      return {
        worker,
        label: worker ?? SERVER_BAND_LABEL,
        firstStart: Math.min(...list.map((iv) => iv.start)),
        laneCount: Math.max(1, ...packed.map((p) => p.lane + 1)),
        items: packed.map((p) => ({ ...p.iv, row: p.lane })),
      };
    })
    .sort((a, b) => a.firstStart - b.firstStart || a.label.localeCompare(b.label));
}
