import type { RunStatus } from '@weft/core/browser';

/** One past run. A `RunReport` is one; so is a history summary without the steps. */
export interface HistoryRun {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string | null;
  readonly makespanMs: number | null;
  readonly speedup: number | null;
  readonly peakParallelism: number | null;
  readonly maxParallel?: number | null;
}

export type HistorySortKey = 'startedAt' | 'workflow' | 'status' | 'makespanMs' | 'speedup' | 'peakParallelism';
export type SortDirection = 'ascending' | 'descending';

export interface HistorySort {
  readonly key: HistorySortKey;
  readonly direction: SortDirection;
}

/** Newest first. */
export const DEFAULT_HISTORY_SORT: HistorySort = { key: 'startedAt', direction: 'descending' };

/** Sorts runs by one column; missing values go last either way, ties keep the given order. Pure. */
export function sortRuns<T extends HistoryRun>(runs: readonly T[], sort: HistorySort): T[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const value = (r: T): number | string | null => {
    const v = r[sort.key];
    if (v === null || v === undefined) return null;
    if (sort.key === 'startedAt') {
      const t = Date.parse(v as string);
      return Number.isNaN(t) ? null : t;
    }
    return v as number | string;
  };
  return runs
    .map((r, i) => ({ r, i, v: value(r) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      const c = typeof a.v === 'string' ? a.v.localeCompare(String(b.v)) : a.v - (b.v as number);
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map((x) => x.r);
}

/** Clicking a column: same column flips the direction, a new one starts descending for numbers and time, ascending for text. */
export function nextSort(current: HistorySort, key: HistorySortKey): HistorySort {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key, direction: key === 'workflow' || key === 'status' ? 'ascending' : 'descending' };
}
