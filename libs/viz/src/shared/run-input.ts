import { useMemo } from 'react';
import type { RunReport, WorkflowPlan } from '@weft/core/browser';
import type { RunState } from '../state/run-state.types.js';
import type { RunStreamStatus } from '../state/connection-notice.js';
import { initialRunState } from '../state/reduce-run-events.js';
import { runStateFromReport } from '../state/run-state-from-report.js';

/** What every widget draws from: a live state (from `useRunEvents`) or a plain report. */
export interface RunInputProps {
  /** Run state from `useRunEvents` or `reduceRunEvents`. Takes precedence over `report`. */
  readonly state?: RunState | null;
  /** A plain run report (`weft run --json`, `GET /api/runs/:id`), for embedding without a server. */
  readonly report?: RunReport | null;
  /** The workflow's plan, to draw dependency edges when only a `report` is given. */
  readonly plan?: WorkflowPlan | null;
  /**
   * The event stream's status (pass `useRunEvents`' result): when it failed before the run started,
   * the widget shows the error and a Retry button instead of "Waiting to start".
   */
  readonly stream?: RunStreamStatus | null;
}

/** Resolves `state` / `report` + `plan` into one run state (memoised). */
export function useRunStateInput({ state, report, plan }: RunInputProps): RunState {
  return useMemo(() => {
    if (state) return state;
    if (report) return runStateFromReport(report, plan);
    return initialRunState();
  }, [state, report, plan]);
}

/** The failed stream to tell about, or null while it is fine (or none was given). */
export function streamFailure(props: RunInputProps): RunStreamStatus | null {
  const stream = props.stream;
  if (!stream?.connectionError) return null;
  return stream;
}
