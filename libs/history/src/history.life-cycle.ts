import type {
  ExecutionEvent,
  ExecutionLifeCycle,
  RunFinishedEvent,
  RunStartedEvent,
  StepFinishedEvent,
  StepStartedEvent,
  AttemptFinishedEvent,
  AttemptStartedEvent,
} from '@weft/core';
import type { HistoryStore } from './history-store';

/** Options of a {@link HistoryLifeCycle}. */
export interface HistoryLifeCycleOptions {
  /** The stored workflow the run belongs to. */
  readonly workflowId?: string | null;
  /** The run this one retries. */
  readonly retryOf?: string | null;
  /** Called after each recorded event is durable, in event order (e.g. to publish it). */
  readonly onRecorded?: (event: ExecutionEvent) => void;
  /** Called when a write fails; the run goes on. @default writes the error to stderr */
  readonly onError?: (error: unknown, event: ExecutionEvent) => void;
}

/**
 * The history writer: an execution observer that stores `run.started`, `step.started`,
 * `step.finished` and `run.finished` as they happen. Writes are queued in event order; await
 * {@link HistoryLifeCycle.flush} after the run to know everything is on disk.
 */
export class HistoryLifeCycle implements ExecutionLifeCycle {
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: HistoryStore,
    private readonly options: HistoryLifeCycleOptions = {},
  ) {}

  runStarted(event: RunStartedEvent): void {
    this.#enqueue(event, () =>
      this.store.recordRunStarted(event, { workflowId: this.options.workflowId, retryOf: this.options.retryOf }),
    );
  }

  stepStarted(event: StepStartedEvent): void {
    this.#enqueue(event, () => this.store.recordStepStarted(event));
  }

  /** Nothing to write, but passed on in order with the rest (live timelines draw attempts). */
  attemptStarted(event: AttemptStartedEvent): void {
    this.#enqueue(event, async () => undefined);
  }

  attemptFinished(event: AttemptFinishedEvent): void {
    this.#enqueue(event, async () => undefined);
  }

  stepFinished(event: StepFinishedEvent): void {
    this.#enqueue(event, () => this.store.recordStepFinished(event));
  }

  runFinished(event: RunFinishedEvent): void {
    this.#enqueue(event, () => this.store.recordRunFinished(event));
  }

  /** Resolves once every event so far is written (or failed and was reported). */
  flush(): Promise<void> {
    return this.#queue;
  }

  #enqueue(event: ExecutionEvent, write: () => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      try {
        await write();
      } catch (error) {
        (this.options.onError ?? defaultOnError)(error, event);
      }
      this.options.onRecorded?.(event);
    });
  }
}

function defaultOnError(error: unknown, event: ExecutionEvent): void {
  process.stderr.write(`weft: could not record ${event.type} of run ${event.runId} in the history: ${String(error)}\n`);
}
