import type { RunReport, StepReport, WorkflowPlan } from '@weft/core/browser';
import { initialRunState } from './reduce-run-events.js';
import type { AttemptState, RunState, StepState } from './run-state.types.js';

function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

function stepFromReport(
  id: string,
  r: StepReport,
  needs: readonly string[],
  type: string | null,
  runsOn: string | null = null,
): StepState {
  return {
    id,
    type,
    needs,
    status: r.status,
    reason: r.reason,
    message: r.message ?? null,
    startMs: parseTime(r.startedAt),
    endMs: parseTime(r.finishedAt),
    durationMs: r.durationMs,
    lane: r.lane ?? null,
    attempts: r.attempts,
    itemCount: r.items ? r.items.length : null,
    reused: r.reused ?? false,
    // Reports from before workers have no `worker`: those steps ran on the server.
    worker: r.worker ?? null,
    // A report does not say which label a step asked for: only `run.started` does.
    runsOn,
  };
}

/** The processes a report implies: one per step that ran, or one per `foreach` item. */
function attemptsFromReport(id: string, r: StepReport): AttemptState[] {
  if (r.reused) return [];
  if (r.items && r.items.length > 0) {
    return r.items.flatMap((item) => {
      const startMs = parseTime(item.startedAt);
      if (startMs === null) return [];
      return [
        {
          stepId: id,
          attempt: Math.max(1, item.attempts),
          item: item.index,
          lane: null,
          startMs,
          endMs: parseTime(item.finishedAt),
          ok: item.status === 'running' ? null : item.status === 'succeeded',
          reason: item.reason,
          message: null,
          willRetry: false,
          // An item without its own `worker` ran where its step says.
          worker: item.worker === undefined ? (r.worker ?? null) : item.worker,
        },
      ];
    });
  }
  const startMs = parseTime(r.startedAt);
  if (startMs === null) return [];
  return [
    {
      stepId: id,
      attempt: Math.max(1, r.attempts),
      item: null,
      lane: r.lane ?? null,
      startMs,
      endMs: parseTime(r.finishedAt),
      ok: r.status === 'running' ? null : r.status === 'succeeded',
      reason: r.reason,
      message: r.message ?? null,
      willRetry: false,
      worker: r.worker ?? null,
    },
  ];
}

/**
 * Builds the run state from a plain report (`weft run --json`, `GET /api/runs/:id`), so every widget
 * works without a server. A report has no dependency edges: pass the workflow's `plan` to draw them.
 */
export function runStateFromReport(report: RunReport, plan?: WorkflowPlan | null): RunState {
  const order = plan
    ? [...plan.steps, ...Object.keys(report.steps).filter((id) => !plan.steps.includes(id))]
    : Object.keys(report.steps);
  const edges = plan ? plan.edges.map(([a, b]) => [a, b] as const) : [];
  const needs: Record<string, string[]> = {};
  for (const [from, to] of edges) (needs[to] ??= []).push(from);
  const steps: Record<string, StepState> = {};
  const attempts: AttemptState[] = [];
  for (const id of order) {
    const r = report.steps[id];
    if (!r) {
      steps[id] = stepFromReport(id, EMPTY_STEP, needs[id] ?? [], null);
      continue;
    }
    steps[id] = stepFromReport(id, r, needs[id] ?? [], null);
    attempts.push(...attemptsFromReport(id, r));
  }
  attempts.sort((a, b) => a.startMs - b.startMs);
  const running = attempts.filter((a) => a.endMs === null).length;
  const criticalPath = report.criticalPath?.length ? report.criticalPath : (plan?.criticalPath ?? []);
  return {
    ...initialRunState(),
    runId: report.runId,
    workflow: report.workflow,
    status: report.status,
    maxParallel: report.maxParallel,
    startMs: parseTime(report.startedAt),
    endMs: parseTime(report.finishedAt),
    order,
    steps,
    edges,
    attempts,
    running,
    peak: Math.max(report.peakParallelism ?? 0, running),
    criticalPath: [...criticalPath],
    report,
  };
}

const EMPTY_STEP: StepReport = {
  status: 'pending',
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  exitCode: null,
  signal: null,
  attempts: 0,
  outputs: null,
  reason: null,
  message: null,
  lane: null,
  reused: false,
  worker: null,
};

/**
 * Merges a final report into a state built from events: steps take the report's statuses and
 * timings, the critical path becomes the measured one, and processes the stream never showed
 * (a server that sends no attempt events) are filled in from the report.
 */
export function mergeReport(state: RunState, report: RunReport): RunState {
  const steps: Record<string, StepState> = { ...state.steps };
  const order = [...state.order];
  const attempts = [...state.attempts];
  for (const [id, r] of Object.entries(report.steps)) {
    const known = steps[id];
    if (!known) order.push(id);
    const step = stepFromReport(id, r, known?.needs ?? [], known?.type ?? null, known?.runsOn ?? null);
    // A report without `worker` (an older server) keeps what the attempt events said.
    steps[id] = r.worker === undefined && known ? { ...step, worker: known.worker } : step;
    if (!attempts.some((a) => a.stepId === id)) attempts.push(...attemptsFromReport(id, r));
  }
  attempts.sort((a, b) => a.startMs - b.startMs);
  return {
    ...state,
    runId: state.runId ?? report.runId,
    workflow: state.workflow ?? report.workflow,
    status: report.status,
    maxParallel: report.maxParallel,
    startMs: state.startMs ?? parseTime(report.startedAt),
    endMs: parseTime(report.finishedAt) ?? state.endMs,
    order,
    steps,
    attempts,
    peak: Math.max(state.peak, report.peakParallelism ?? 0),
    criticalPath: report.criticalPath?.length ? [...report.criticalPath] : state.criticalPath,
    report,
  };
}

/**
 * Adds a workflow's plan to a state that lacks it: a run replayed from a stored report (a finished
 * run's event stream, or a report alone) knows no dependency edges. Fills the edges, each step's
 * `needs`, the steps the run never reached (as pending) and the critical path when missing.
 * A state that already has edges is returned as it is.
 */
export function applyPlan(state: RunState, plan: WorkflowPlan | null | undefined): RunState {
  if (!plan || state.edges.length > 0 || plan.edges.length === 0) return state;
  const edges = plan.edges.map(([a, b]) => [a, b] as const);
  const order = [...plan.steps, ...state.order.filter((id) => !plan.steps.includes(id))];
  const steps: Record<string, StepState> = {};
  for (const id of order) {
    const step = state.steps[id] ?? stepFromReport(id, EMPTY_STEP, [], null);
    const needs = [...step.needs];
    for (const [from, to] of edges) if (to === id && !needs.includes(from)) needs.push(from);
    steps[id] = { ...step, needs };
  }
  return {
    ...state,
    order,
    steps,
    edges: edges.filter(([a, b]) => steps[a] && steps[b]),
    criticalPath: state.criticalPath.length > 0 ? state.criticalPath : [...plan.criticalPath],
  };
}
