import type { WorkUnit } from '../schedule/step-schedule';
import type { StepDefinition } from '../spec/workflow.types';
import type { AttemptOutcome } from './coordinator.messages';
import type { StepState, UnitState } from './step-state';

/** A dispatched attempt, until its `attempt.finished`. */
export interface AttemptState {
  readonly id: string;
  readonly unit: WorkUnit;
  readonly lane: number;
  readonly step: StepState;
  readonly item: UnitState;
  /** It got `attempt.started`: it holds a process. */
  started: boolean;
  startedAt: number;
  /** An abort effect went out for it. */
  aborted: boolean;
  /** Its own timeout aborted it (not a cancel): its failure reads `timeout`. */
  timedOut: boolean;
  /** Its running timeout timer, or null. */
  timer: string | null;
  /** The worker running it, or null when it runs right here (or did not start). */
  worker: string | null;
}

/** An attempt just dispatched on `lane`. */
export function newAttempt(unit: WorkUnit, lane: number, step: StepState): AttemptState {
  const item = step.units[unit.item ?? 0];
  return { id: attemptId(unit), unit, lane, step, item, started: false, startedAt: 0, aborted: false, timedOut: false, timer: null, worker: null };
}

/** `step`, or `step[item]` for a `foreach` item. */
export function unitName(unit: Pick<WorkUnit, 'stepId' | 'item'>): string {
  return unit.item === null ? unit.stepId : `${unit.stepId}[${unit.item}]`;
}

/** The id of an attempt: `step#2`, `step[0]#1`. */
export function attemptId(unit: WorkUnit): string {
  return `${unitName(unit)}#${unit.attempt}`;
}

/** An attempt's outcome as reported: one that failed after its timeout aborted it timed out. */
export function reportedOutcome(outcome: AttemptOutcome, timedOut: boolean, def: StepDefinition): AttemptOutcome {
  return outcome.ok || !timedOut ? outcome : { ...outcome, reason: 'timeout', message: `timed out after ${def.timeoutMs} ms` };
}

/**
 * The backoff before attempt `counted + 1` after `counted` attempts that count against `retries`:
 * `retryDelay`, doubling each time (1s, 2s, 4s…); null when no retry is left.
 */
export function retryDelayMs(def: StepDefinition, counted: number): number | null {
  return counted <= def.retries ? def.retryDelayMs * 2 ** (counted - 1) : null;
}

/** The line that heads an attempt's part of the step log. */
export function logHeader(unit: WorkUnit): string {
  const parts = [unit.item !== null ? `item ${unit.item}` : '', `attempt ${unit.attempt}`].filter(Boolean);
  return `--- weft: ${parts.join(', ')} ---\n`;
}
