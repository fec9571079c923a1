import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ExecutionEvent,
  RunStartedEvent,
  StepFinishedEvent,
  StepStartedEvent,
} from '../run/execution-events';
import type { StepId } from '../spec/workflow.types';
import { unitName } from './attempt-state';

/** What the log says about one unit (a step, or one `foreach` item) of a step that did not finish. */
export interface UnitLog {
  /** The highest attempt number that started. */
  attempts: number;
  /** Attempts that ended `server_lost` or `worker_lost` (not counted against `retries`). */
  lost: number;
  /** Attempts that ended `worker_lost`. */
  workerLost: number;
  /** When its first attempt started (epoch ms), or null. */
  firstStartedAt: number | null;
  /** An attempt that started and has no `attempt.finished`: it was running when its server was lost. */
  open: AttemptStartedEvent | null;
  /** Its last finished attempt, or null. */
  last: AttemptFinishedEvent | null;
}

/** A run's logged events, read back to resume the run. */
export interface RunLog {
  readonly runStarted: RunStartedEvent | null;
  readonly stepStarted: ReadonlyMap<StepId, StepStartedEvent>;
  readonly stepFinished: ReadonlyMap<StepId, StepFinishedEvent>;
  /** Every `attempt.finished`, in order. */
  readonly attemptsFinished: readonly AttemptFinishedEvent[];
  /** By unit name (`step`, `step[2]`). */
  readonly units: ReadonlyMap<string, UnitLog>;
  /** The most processes that ran at once. */
  readonly peak: number;
  /** It has its `run.finished`. */
  readonly finished: boolean;
}

/** Reads a run's logged events (in order; `step.log` is ignored). */
export function readRunLog(events: readonly ExecutionEvent[]): RunLog {
  let runStarted: RunStartedEvent | null = null;
  const stepStarted = new Map<StepId, StepStartedEvent>();
  const stepFinished = new Map<StepId, StepFinishedEvent>();
  const attemptsFinished: AttemptFinishedEvent[] = [];
  const units = new Map<string, UnitLog>();
  let peak = 0;
  let finished = false;
  const unitOf = (event: AttemptStartedEvent | AttemptFinishedEvent): UnitLog => {
    const name = unitName(event);
    let unit = units.get(name);
    if (!unit) units.set(name, (unit = { attempts: 0, lost: 0, workerLost: 0, firstStartedAt: null, open: null, last: null }));
    return unit;
  };
  for (const event of events) {
    peak = Math.max(peak, event.running);
    switch (event.type) {
      case 'run.started':
        runStarted = event;
        break;
      case 'step.started':
        stepStarted.set(event.stepId, event);
        break;
      case 'attempt.started': {
        const unit = unitOf(event);
        unit.attempts = Math.max(unit.attempts, event.attempt);
        unit.firstStartedAt ??= Date.parse(event.timestamp);
        unit.open = event;
        break;
      }
      case 'attempt.finished': {
        const unit = unitOf(event);
        if (unit.open?.attempt === event.attempt) unit.open = null;
        if (event.reason === 'server_lost' || event.reason === 'worker_lost') unit.lost++;
        if (event.reason === 'worker_lost') unit.workerLost++;
        unit.last = event;
        attemptsFinished.push(event);
        break;
      }
      case 'step.finished':
        stepFinished.set(event.stepId, event);
        break;
      case 'run.finished':
        finished = true;
        break;
    }
  }
  return { runStarted, stepStarted, stepFinished, attemptsFinished, units, peak, finished };
}
