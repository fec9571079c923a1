import type { StepStatus } from '@weft/core/browser';
import type { RunState } from '../state/run-state.types.js';

/** One process drawn on the timeline: times in ms since the run started. */
export interface ProcessInterval {
  /** Stable key: `step#item@attempt`. */
  readonly key: string;
  readonly stepId: string;
  readonly item: number | null;
  readonly attempt: number;
  /** Slot, always set: known lanes are kept, unknown ones are packed into the lowest free slot. */
  readonly lane: number;
  readonly start: number;
  readonly end: number;
  /** True while it runs (its `end` is `now`). */
  readonly open: boolean;
  /** The process's own outcome: a failed attempt that was retried is `failed` here. */
  readonly status: StepStatus;
  /** This attempt failed and another followed. */
  readonly retried: boolean;
  /** Worker that ran it; null for the server itself. */
  readonly worker: string | null;
}

/**
 * Every process of the run as an interval relative to the run's start, with lanes assigned.
 * Steps that ran but have no process on record (a stream without attempt events) get one
 * from their own start and end. Open processes end at `now`.
 */
export function processIntervals(state: RunState, now: number): ProcessInterval[] {
  const origin = state.startMs ?? now;
  const raw: (Omit<ProcessInterval, 'lane'> & { lane: number | null })[] = [];
  const withProcess = new Set<string>();
  for (const a of state.attempts) {
    withProcess.add(a.stepId);
    const open = a.endMs === null;
    const step = state.steps[a.stepId];
    const status: StepStatus = open
      ? 'running'
      : a.ok
        ? 'succeeded'
        : step?.status === 'cancelled' || a.reason === 'cancelled'
          ? 'cancelled'
          : 'failed';
    raw.push({
      key: `${a.stepId}#${a.item ?? ''}@${a.attempt}`,
      stepId: a.stepId,
      item: a.item,
      attempt: a.attempt,
      lane: a.lane,
      start: a.startMs - origin,
      end: Math.max(a.startMs, a.endMs ?? now) - origin,
      open,
      status,
      retried: a.willRetry,
      worker: a.worker,
    });
  }
  for (const id of state.order) {
    const s = state.steps[id];
    if (!s || withProcess.has(id) || s.startMs === null || s.reused) continue;
    const open = s.endMs === null;
    raw.push({
      key: `${id}#@${Math.max(1, s.attempts)}`,
      stepId: id,
      item: null,
      attempt: Math.max(1, s.attempts),
      lane: s.lane,
      start: s.startMs - origin,
      end: Math.max(s.startMs, s.endMs ?? now) - origin,
      open,
      status: open ? 'running' : s.status,
      retried: false,
      worker: s.worker,
    });
  }
  return packLanes(raw);
}

/**
 * Keeps known lanes and puts each interval without one into the lowest lane free for its whole span
 * (interval partitioning, by start time).
 */
export function packLanes<T extends { lane: number | null; start: number; end: number }>(
  intervals: readonly T[],
): (T & { lane: number })[] {
  const busy: { start: number; end: number }[][] = [];
  const overlaps = (lane: number, start: number, end: number) =>
    (busy[lane] ?? []).some((b) => b.start < end && start < b.end);
  const out: (T & { lane: number })[] = [];
  for (const iv of intervals) {
    if (iv.lane !== null) {
      (busy[iv.lane] ??= []).push(iv);
      out.push(iv as T & { lane: number });
    }
  }
  const unknown = intervals.filter((iv) => iv.lane === null).sort((a, b) => a.start - b.start);
  for (const iv of unknown) {
    let lane = 0;
    while (overlaps(lane, iv.start, Math.max(iv.end, iv.start + 1))) lane++;
    (busy[lane] ??= []).push(iv);
    out.push({ ...iv, lane });
  }
  return out.sort((a, b) => a.start - b.start || a.lane - b.lane);
}

/** Processes running over time, as a step function: `[t, running]` points from 0 to `until`. */
export function concurrencySteps(
  intervals: readonly { start: number; end: number }[],
  until: number,
): { t: number; running: number }[] {
  const deltas = new Map<number, number>();
  for (const iv of intervals) {
    if (iv.end <= iv.start) continue;
    deltas.set(iv.start, (deltas.get(iv.start) ?? 0) + 1);
    deltas.set(iv.end, (deltas.get(iv.end) ?? 0) - 1);
  }
  const times = [...deltas.keys()].sort((a, b) => a - b);
  const points: { t: number; running: number }[] = [{ t: 0, running: 0 }];
  let running = 0;
  for (const t of times) {
    running += deltas.get(t) ?? 0;
    const last = points[points.length - 1]!;
    if (last.t === t) points[points.length - 1] = { t, running };
    else points.push({ t, running });
  }
  const end = Math.max(until, points[points.length - 1]!.t);
  points.push({ t: end, running: points[points.length - 1]!.running });
  return points;
}
