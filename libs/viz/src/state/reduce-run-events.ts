import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ExecutionEvent,
  RunFinishedEvent,
  RunStartedEvent,
  StepFinishedEvent,
  StepLogEvent,
  StepStartedEvent,
} from '@weft/core/browser';
import type { AttemptState, RunState, StepState } from './run-state.types.js';
import { mergeReport } from './run-state-from-report.js';

/** Largest log kept per step while streaming, in characters. @default 262144 */
export const MAX_LOG_CHARS = 256 * 1024;

/** The state before any event: no run, nothing running. */
export function initialRunState(): RunState {
  return {
    runId: null,
    workflow: null,
    status: 'pending',
    maxParallel: 1,
    startMs: null,
    endMs: null,
    order: [],
    steps: {},
    edges: [],
    attempts: [],
    running: 0,
    peak: 0,
    samples: [],
    criticalPath: [],
    logs: {},
    lastEventMs: null,
    report: null,
  };
}

/** A pending step, as `run.started` declares it. */
export function pendingStep(
  id: string,
  needs: readonly string[] = [],
  type: string | null = null,
  runsOn: string | null = null,
): StepState {
  return {
    id,
    type,
    needs,
    status: 'pending',
    reason: null,
    message: null,
    startMs: null,
    endMs: null,
    durationMs: null,
    lane: null,
    attempts: 0,
    itemCount: null,
    reused: false,
    worker: null,
    runsOn,
  };
}

/**
 * Folds one execution event into the run state. Pure: returns a new state and never mutates `state`.
 * `run.started` resets the state, so a stream that replays from the start after a reconnect ends up
 * in the same place. Events of another run than the current one are ignored.
 */
export function reduceRunEvents(state: RunState, event: ExecutionEvent): RunState {
  if (event.type !== 'run.started' && state.runId !== null && event.runId !== state.runId) return state;
  const t = Date.parse(event.timestamp);
  const next = applyEvent(state, event, t);
  const running = typeof event.running === 'number' ? event.running : next.running;
  return {
    ...next,
    running,
    peak: Math.max(next.peak, running),
    samples: [...next.samples, { t, running }],
    lastEventMs: t,
  };
}

/** Folds a list of events, in order. */
export function reduceAll(events: readonly ExecutionEvent[], state: RunState = initialRunState()): RunState {
  return events.reduce(reduceRunEvents, state);
}

function applyEvent(state: RunState, event: ExecutionEvent, t: number): RunState {
  switch (event.type) {
    case 'run.started':
      return runStarted(event, t);
    case 'step.started':
      return stepStarted(state, event, t);
    case 'attempt.started':
      return attemptStarted(state, event, t);
    case 'attempt.finished':
      return attemptFinished(state, event, t);
    case 'step.finished':
      return stepFinished(state, event);
    case 'step.log':
      return stepLog(state, event);
    case 'run.finished':
      return runFinished(state, event, t);
    default:
      // Unknown event types (a newer server) are ignored rather than breaking the view.
      return state;
  }
}

function runStarted(event: RunStartedEvent, t: number): RunState {
  const order = event.steps.length > 0 ? event.steps.map((s) => s.id) : [...event.plan.steps];
  const steps: Record<string, StepState> = {};
  // A server from before worker labels sends no `runsOn`: the step runs anywhere, as far as we know.
  for (const s of event.steps) steps[s.id] = pendingStep(s.id, s.needs, s.type, s.runsOn ?? null);
  for (const id of order) steps[id] ??= pendingStep(id);
  const edges: [string, string][] =
    event.plan.edges.length > 0
      ? event.plan.edges.map(([a, b]) => [a, b] as [string, string])
      : event.steps.flatMap((s) => s.needs.map((d) => [d, s.id] as [string, string]));
  for (const [from, to] of edges) {
    const step = steps[to];
    if (step && !step.needs.includes(from)) steps[to] = { ...step, needs: [...step.needs, from] };
  }
  return {
    ...initialRunState(),
    runId: event.runId,
    workflow: event.workflow,
    status: 'running',
    maxParallel: event.maxParallel,
    startMs: t,
    order,
    steps,
    edges,
    criticalPath: [...event.plan.criticalPath],
  };
}

function withStep(state: RunState, id: string, patch: (s: StepState) => StepState): RunState {
  const known = state.steps[id];
  const step = patch(known ?? pendingStep(id));
  return {
    ...state,
    order: known ? state.order : [...state.order, id],
    steps: { ...state.steps, [id]: step },
  };
}

function stepStarted(state: RunState, event: StepStartedEvent, t: number): RunState {
  return withStep(state, event.stepId, (s) => ({
    ...s,
    status: 'running',
    startMs: s.startMs ?? t,
    lane: s.lane ?? event.lane,
  }));
}

function sameProcess(a: AttemptState, stepId: string, attempt: number, item: number | null): boolean {
  return a.stepId === stepId && a.attempt === attempt && a.item === item;
}

function attemptStarted(state: RunState, event: AttemptStartedEvent, t: number): RunState {
  const attempt: AttemptState = {
    stepId: event.stepId,
    attempt: event.attempt,
    item: event.item,
    lane: event.lane,
    startMs: t,
    endMs: null,
    ok: null,
    reason: null,
    message: null,
    willRetry: false,
    // A server from before workers sends none: it ran the attempt itself.
    worker: event.worker ?? null,
  };
  const idx = state.attempts.findIndex((a) => sameProcess(a, event.stepId, event.attempt, event.item));
  const attempts =
    idx >= 0 ? state.attempts.map((a, i) => (i === idx ? attempt : a)) : [...state.attempts, attempt];
  const withAttempt = { ...state, attempts };
  return withStep(withAttempt, event.stepId, (s) => ({
    ...s,
    status: 'running',
    worker: attempt.worker,
    startMs: s.startMs ?? t,
    lane: s.lane ?? event.lane,
    attempts: Math.max(s.attempts, event.attempt),
    itemCount: event.item === null ? s.itemCount : Math.max(s.itemCount ?? 0, event.item + 1),
  }));
}

function attemptFinished(state: RunState, event: AttemptFinishedEvent, t: number): RunState {
  const startMs = Date.parse(event.startedAt);
  const idx = state.attempts.findIndex((a) => sameProcess(a, event.stepId, event.attempt, event.item));
  const finished: AttemptState = {
    stepId: event.stepId,
    attempt: event.attempt,
    item: event.item,
    lane: event.lane,
    startMs: Number.isNaN(startMs) ? t - event.durationMs : startMs,
    endMs: t,
    ok: event.ok,
    reason: event.reason,
    message: event.message,
    willRetry: event.willRetry,
    worker: event.worker === undefined ? (state.attempts[idx]?.worker ?? null) : event.worker,
  };
  const attempts =
    idx >= 0 ? state.attempts.map((a, i) => (i === idx ? finished : a)) : [...state.attempts, finished];
  return withStep({ ...state, attempts }, event.stepId, (s) => ({
    ...s,
    // The step's worker is its last attempt's: set when that attempt started, unless its start was never seen.
    worker: idx >= 0 ? s.worker : finished.worker,
    attempts: Math.max(s.attempts, event.attempt),
    itemCount: event.item === null ? s.itemCount : Math.max(s.itemCount ?? 0, event.item + 1),
  }));
}

function stepFinished(state: RunState, event: StepFinishedEvent): RunState {
  const r = event.result;
  const next = withStep(state, event.stepId, (s) => ({
    ...s,
    status: r.status,
    reason: r.reason,
    message: r.message,
    startMs: r.startedAt ? Date.parse(r.startedAt) : s.startMs,
    endMs: r.finishedAt ? Date.parse(r.finishedAt) : s.endMs,
    durationMs: r.durationMs,
    lane: r.lane ?? s.lane,
    attempts: Math.max(s.attempts, r.attempts),
    itemCount: r.items ? r.items.length : s.itemCount,
    reused: r.reused,
    // A report from before workers has no `worker`: keep what the attempt events said.
    worker: r.worker === undefined ? s.worker : r.worker,
  }));
  // Close any process of this step still open (a stream that sends no attempt events).
  const end = next.steps[event.stepId]?.endMs ?? null;
  const attempts = next.attempts.map((a) =>
    a.stepId === event.stepId && a.endMs === null
      ? { ...a, endMs: end ?? a.startMs, ok: r.status === 'succeeded' }
      : a,
  );
  return {
    ...next,
    attempts,
    logs: typeof event.log === 'string' ? { ...next.logs, [event.stepId]: event.log } : next.logs,
  };
}

function stepLog(state: RunState, event: StepLogEvent): RunState {
  const before = state.logs[event.stepId] ?? '';
  let log = before + event.chunk;
  if (log.length > MAX_LOG_CHARS) log = log.slice(log.length - MAX_LOG_CHARS);
  return { ...state, logs: { ...state.logs, [event.stepId]: log } };
}

function runFinished(state: RunState, event: RunFinishedEvent, t: number): RunState {
  const merged = mergeReport(state, event.report);
  return { ...merged, status: event.status, endMs: merged.endMs ?? t };
}
