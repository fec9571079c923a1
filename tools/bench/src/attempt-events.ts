import type { AttemptFinishedEvent, AttemptStartedEvent } from '@weft/core';

/** The events a run logs for each attempt of a step. */
export type AttemptEvent = AttemptStartedEvent | AttemptFinishedEvent;

/** 2026-01-01T00:00:00.000Z: the default time of a run's first event. */
const ORIGIN = Date.UTC(2026, 0, 1);

/**
 * Event number `index` (from 0) of a run of one-attempt steps, as the run emits them:
 * `attempt.started` then `attempt.finished` of step `s0`, then of `s1`, and so on, each attempt
 * 1 ms long and succeeding. Its timestamp is `index` ms after `origin`.
 */
export function attemptEvent(runId: string, index: number, origin = ORIGIN): AttemptEvent {
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`Expected an event number from 0, got ${index}`);
  const at = (ms: number) => new Date(origin + ms).toISOString();
  const base = {
    runId,
    stepId: `s${Math.floor(index / 2)}`,
    attempt: 1,
    item: null,
    lane: 0,
    worker: null,
    timestamp: at(index),
  };
  if (index % 2 === 0) return { type: 'attempt.started', ...base, running: 1 };
  return {
    type: 'attempt.finished',
    ...base,
    running: 0,
    startedAt: at(index - 1),
    durationMs: 1,
    ok: true,
    exitCode: 0,
    signal: null,
    reason: null,
    message: null,
    outputs: {},
    willRetry: false,
    retryInMs: null,
  };
}
