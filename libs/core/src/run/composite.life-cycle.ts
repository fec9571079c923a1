import type { ExecutionEvent, ExecutionLifeCycle } from './execution-events';

const HOOKS = {
  'run.started': 'runStarted',
  'step.started': 'stepStarted',
  'attempt.started': 'attemptStarted',
  'attempt.finished': 'attemptFinished',
  'step.finished': 'stepFinished',
  'step.log': 'stepLog',
  'run.finished': 'runFinished',
} as const satisfies Record<ExecutionEvent['type'], keyof ExecutionLifeCycle>;

/** The lifecycle hook an event goes to. */
export function hookOf(event: ExecutionEvent): keyof ExecutionLifeCycle {
  return HOOKS[event.type];
}

/**
 * Fans each event out to several observers. An observer that throws is reported once on stderr and
 * never stops the run or the other observers.
 */
export class CompositeLifeCycle {
  readonly #observers: ExecutionLifeCycle[];
  readonly #reported = new Set<ExecutionLifeCycle>();

  constructor(observers: readonly ExecutionLifeCycle[]) {
    this.#observers = [...observers];
  }

  emit(event: ExecutionEvent): void {
    const hook = hookOf(event);
    for (const observer of this.#observers) {
      const handler = observer[hook] as ((event: ExecutionEvent) => void) | undefined;
      if (!handler) continue;
      try {
        handler.call(observer, event);
      } catch (error) {
        if (!this.#reported.has(observer)) {
          this.#reported.add(observer);
          process.stderr.write(`weft: an execution observer failed on ${event.type}: ${String(error)}\n`);
        }
      }
    }
  }
}
