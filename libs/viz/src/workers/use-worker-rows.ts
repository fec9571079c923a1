import { useMemo } from 'react';
import { workerRows, type WorkerInfo, type WorkerRow } from './compute/worker-rows.js';

/** Memoised worker rows. */
export function useWorkerRows(workers: readonly WorkerInfo[], now: number, staleAfterMs?: number): WorkerRow[] {
  return useMemo(() => workerRows(workers, now, { staleAfterMs }), [workers, now, staleAfterMs]);
}
