import type { LoggedRunEvent } from '@weft/history';

/**
 * The events a run's stream carries, as published on the event emitter and stored in the run's
 * event log: every execution event but `step.log`, and `step.finished` without its `log`.
 */
export type RunStreamEvent = LoggedRunEvent;

/** A run event with its sequence number in the run's event log (null: it could not be stored). */
export interface NumberedRunEvent {
  readonly seq: number | null;
  readonly event: RunStreamEvent;
}

/** Domain event names, each the event's `type`. */
export const RUN_EVENT_NAMES = [
  'run.started',
  'step.started',
  'attempt.started',
  'attempt.finished',
  'step.finished',
  'run.finished',
] as const;
