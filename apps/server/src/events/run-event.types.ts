import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  RunFinishedEvent,
  RunStartedEvent,
  StepFinishedEvent,
  StepStartedEvent,
} from '@weft/core';

/** The events a run's stream carries, as published on the event emitter (logs left out). */
export type RunStreamEvent =
  | RunStartedEvent
  | StepStartedEvent
  | AttemptStartedEvent
  | AttemptFinishedEvent
  | Omit<StepFinishedEvent, 'log'>
  | RunFinishedEvent;

/** Domain event names, each the event's `type`. */
export const RUN_EVENT_NAMES = [
  'run.started',
  'step.started',
  'attempt.started',
  'attempt.finished',
  'step.finished',
  'run.finished',
] as const;
