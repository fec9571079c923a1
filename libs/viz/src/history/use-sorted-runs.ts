import { useMemo, useState } from 'react';
import { DEFAULT_HISTORY_SORT, nextSort, sortRuns, type HistoryRun, type HistorySort, type HistorySortKey } from './compute/sort-runs.js';

/** Sorted runs plus the sort state and a column-click handler. */
export function useSortedRuns<T extends HistoryRun>(runs: readonly T[], initial: HistorySort = DEFAULT_HISTORY_SORT) {
  const [sort, setSort] = useState<HistorySort>(initial);
  const sorted = useMemo(() => sortRuns(runs, sort), [runs, sort]);
  const sortBy = (key: HistorySortKey) => setSort((s) => nextSort(s, key));
  return { sorted, sort, sortBy };
}
