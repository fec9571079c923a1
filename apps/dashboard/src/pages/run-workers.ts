import type { RunState } from '@weft/viz';
import type { WorkersResponse } from '../api';

/** A pending step that asks for a worker label no connected worker has. */
export interface MissingWorkerNotice {
  readonly stepId: string;
  readonly label: string;
}

/**
 * The pending steps of a running run whose `runsOn` label (from `run.started`) no listed worker has,
 * in step order. None without a queue (the server then runs every step itself) or before the worker
 * list arrived.
 */
export function missingWorkerNotices(state: RunState, workers: WorkersResponse | null): MissingWorkerNotice[] {
  if (state.status !== 'running' || !workers || workers.dispatcher !== 'queue') return [];
  const offered = new Set(workers.workers.flatMap((w) => w.labels));
  return state.order.flatMap((stepId) => {
    const label = waitingLabel(state, stepId);
    return label !== null && !offered.has(label) ? [{ stepId, label }] : [];
  });
}

/** Whether some pending step asks for a label: only then is the worker list worth polling. */
export function waitsForLabels(state: RunState): boolean {
  return state.status === 'running' && state.order.some((id) => waitingLabel(state, id) !== null);
}

/** The label a pending step waits for, or null: it is not pending, or runs anywhere. */
function waitingLabel(state: RunState, stepId: string): string | null {
  const step = state.steps[stepId];
  return step?.status === 'pending' && step.runsOn ? step.runsOn : null;
}

/** Where a step ran: `on worker a`, `on workers a, b`, `on worker a and the server`, `on the server`; null before it started. */
export function whereStepRan(state: RunState, stepId: string): string | null {
  const step = state.steps[stepId];
  const seen = state.attempts.filter((a) => a.stepId === stepId).map((a) => a.worker);
  if (seen.length === 0 && step?.startMs == null) return null;
  const workers = [...new Set(seen.length > 0 ? seen : [step?.worker ?? null])];
  const names = workers.filter((w): w is string => w !== null);
  if (names.length === 0) return 'on the server';
  const onWorkers = `on ${names.length === 1 ? 'worker' : 'workers'} ${names.join(', ')}`;
  return workers.includes(null) ? `${onWorkers} and the server` : onWorkers;
}
