import type { RunState } from '../../state/run-state.types.js';
import { concurrencySteps, processIntervals } from '../../shared/process-intervals.js';

/** A step that was ready this long without starting, while fewer than maxParallel ran, was held back, in ms. */
export const HELD_BACK_GRACE_MS = 1000;

/**
 * Whether something other than `maxParallel` capped the run: the server's own process cap
 * (`WEFT_MAX_PROCESSES`, or with a queue the workers' `--concurrency`), which the event stream does
 * not carry. Decided from what the run state knows:
 * - `slots`: the engine handed out more slots (lanes) than ever ran at once. A slot is taken when an
 *   attempt is dispatched and a process counts as running only once it started, so a slot whose
 *   process did not start at once was waiting for the server;
 * - `ready_waited`: a step whose dependencies had all finished started (or, while live, has not
 *   started) more than `HELD_BACK_GRACE_MS` later, although fewer than `maxParallel` ran all along.
 * Only when the peak stayed below `maxParallel`. Steps that wait for a worker label (`runsOn`) are
 * left out: that is another wait, with its own notice. Pure.
 */
export interface HeldBack {
  readonly held: boolean;
  /** The most processes that ran at once. */
  readonly ranAtMost: number;
  readonly maxParallel: number;
  /** Some process ran on a worker: then the cap is the workers' (or the cluster's), not this server's. */
  readonly onWorkers: boolean;
  readonly evidence: readonly ('slots' | 'ready_waited')[];
  /** Steps that were ready but waited (when known). */
  readonly waitingSteps: readonly string[];
}

export function detectHeldBack(state: RunState, now: number): HeldBack {
  const maxParallel = Math.max(1, state.maxParallel);
  const intervals = processIntervals(state, now);
  const peak = Math.max(state.peak, state.status === 'running' ? state.running : 0, ...concurrencySteps(intervals, 0).map((p) => p.running));
  const onWorkers = state.attempts.some((a) => a.worker !== null);
  const none: HeldBack = { held: false, ranAtMost: peak, maxParallel, onWorkers, evidence: [], waitingSteps: [] };
  if (state.status === 'pending' || peak === 0 || peak >= maxParallel) return none;

  const evidence: ('slots' | 'ready_waited')[] = [];
  const knownLanes = [...state.attempts.map((a) => a.lane), ...state.order.map((id) => state.steps[id]?.lane ?? null)].filter(
    (l): l is number => l !== null,
  );
  if (knownLanes.length > 0 && Math.max(...knownLanes) + 1 > peak) evidence.push('slots');

  // Processes running over time, in ms since the start, to check a wait happened below maxParallel.
  const origin = state.startMs ?? now;
  const steps = concurrencySteps(intervals, Math.max(0, now - origin));
  const maxRunningIn = (from: number, to: number) => {
    let most = 0;
    for (let i = 0; i < steps.length; i++) {
      const p = steps[i]!;
      const nextT = steps[i + 1]?.t ?? Number.POSITIVE_INFINITY;
      if (nextT > from && p.t < to) most = Math.max(most, p.running);
    }
    return most;
  };
  const waitingSteps: string[] = [];
  for (const id of state.order) {
    const s = state.steps[id];
    if (!s || s.runsOn || s.reused) continue;
    const needs = s.needs.map((n) => state.steps[n]);
    if (needs.some((n) => !n || n.status !== 'succeeded' || n.endMs === null)) continue;
    const readyAt = Math.max(origin, ...needs.map((n) => n!.endMs!));
    const startedAt = s.startMs ?? (state.status === 'running' && s.status === 'pending' ? now : null);
    if (startedAt === null || startedAt - readyAt <= HELD_BACK_GRACE_MS) continue;
    if (maxRunningIn(readyAt - origin, startedAt - origin) < maxParallel) waitingSteps.push(id);
  }
  if (waitingSteps.length > 0) evidence.push('ready_waited');
  return { ...none, held: evidence.length > 0, evidence, waitingSteps };
}

/** `the server ran at most 4 processes at once`, `the workers ran at most 2 processes at once`. */
export function heldBackText(h: HeldBack): string {
  const who = h.onWorkers ? 'the workers' : 'the server';
  return `${who} ran at most ${h.ranAtMost} ${h.ranAtMost === 1 ? 'process' : 'processes'} at once`;
}

/** The longer explanation, for a tooltip or a screen reader. */
export function heldBackExplanation(h: HeldBack): string {
  const cap = h.onWorkers
    ? 'the workers’ --concurrency (or the server’s WEFT_MAX_PROCESSES for the whole cluster)'
    : 'the server’s process limit (WEFT_MAX_PROCESSES)';
  return `Steps were ready but waited while fewer than maxParallel ${h.maxParallel} ran: ${heldBackText(h)}, capped by ${cap}.`;
}
