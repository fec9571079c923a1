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
import type { RunWriter } from './run-writer';

/** Options of a {@link HistoryLifeCycle}. */
export interface HistoryLifeCycleOptions {
  /** The stored workflow the run belongs to. */
  readonly workflowId?: string | null;
  /** The run this one retries. */
  readonly retryOf?: string | null;
  /**
   * Called after each event is durable, in event order (e.g. to publish it), with its sequence
   * number in the run's event log; `seq` is null when the write failed (the event is passed on anyway).
   */
  readonly onRecorded?: (event: ExecutionEvent, seq: number | null) => void;
  /**
   * The server running the run: its events are logged only while that server owns the run (a write
   * after another server took it over fails with `RunNotOwnedError`). @default no check
   */
  readonly owner?: string;
  /** Called when a write fails; the run goes on. @default writes the error to stderr */
  readonly onError?: (error: unknown, event: ExecutionEvent) => void;
}

/**
 * The history writer: an execution observer that appends every event but `step.log` to the run's
 * event log, numbered, and updates the run and step rows, as they happen. Writes are queued in
 * event order; await {@link HistoryLifeCycle.flush} after the run to know everything is on disk.
 */
export class HistoryLifeCycle implements ExecutionLifeCycle {
  #queue: Promise<void> = Promise.resolve();
  readonly #writer: RunWriter;

  constructor(
    store: HistoryStore,
    private readonly options: HistoryLifeCycleOptions = {},
  ) {
    this.#writer = options.owner === undefined ? store.writer : store.writer.forOwner(options.owner);
  }

  runStarted(event: RunStartedEvent): void {
    this.#enqueue(event, () =>
      this.#writer.recordRunStarted(event, { workflowId: this.options.workflowId, retryOf: this.options.retryOf }),
    );
  }

  stepStarted(event: StepStartedEvent): void {
    this.#enqueue(event, () => this.#writer.recordStepStarted(event));
  }

  /** Logged only: no table holds attempts (live timelines and replays draw them from the log). */
  attemptStarted(event: AttemptStartedEvent): void {
    this.#enqueue(event, () => this.#writer.recordAttempt(event));
  }

  attemptFinished(event: AttemptFinishedEvent): void {
    this.#enqueue(event, () => this.#writer.recordAttempt(event));
  }

  stepFinished(event: StepFinishedEvent): void {
    this.#enqueue(event, () => this.#writer.recordStepFinished(event));
  }

  runFinished(event: RunFinishedEvent): void {
    this.#enqueue(event, () => this.#writer.recordRunFinished(event));
  }

  /** Resolves once every event so far is written (or failed and was reported). */
  flush(): Promise<void> {
    return this.#queue;
  }

  #enqueue(event: ExecutionEvent, write: () => Promise<number>): void {
    this.#queue = this.#queue.then(async () => {
      let seq: number | null = null;
      try {
        seq = await write();
      } catch (error) {
        (this.options.onError ?? defaultOnError)(error, event);
      }
      this.options.onRecorded?.(event, seq);
    });
  }
}

function defaultOnError(error: unknown, event: ExecutionEvent): void {
  process.stderr.write(`weft: could not record ${event.type} of run ${event.runId} in the history: ${String(error)}\n`);
}
