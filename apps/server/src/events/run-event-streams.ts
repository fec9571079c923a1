import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { Subject, type Observable } from 'rxjs';
import type { NumberedRunEvent, RunStreamEvent } from './run-event.types.js';

/**
 * The live events of the runs this process runs, fed by the domain events: each is published once
 * it is stored, with its sequence number as the second argument. A run's stream completes after
 * `run.finished` (or when the run stops without one) and is forgotten; what happened before a
 * subscriber came is read from the event log (see {@link RunEventFeed}).
 */
@Injectable()
export class RunEventStreams {
  readonly #streams = new Map<string, Subject<NumberedRunEvent>>();

  /** Opens the stream of a run about to start here, before its first event. */
  open(runId: string): void {
    if (!this.#streams.has(runId)) this.#streams.set(runId, new Subject<NumberedRunEvent>());
  }

  /** The run's events from now on; undefined when it is not running in this process. */
  live(runId: string): Observable<NumberedRunEvent> | undefined {
    return this.#streams.get(runId)?.asObservable();
  }

  /** Completes and forgets the run's stream. Harmless when it is already closed. */
  close(runId: string): void {
    this.#streams.get(runId)?.complete();
    this.#streams.delete(runId);
  }

  @OnEvent('run.started')
  @OnEvent('step.started')
  @OnEvent('attempt.started')
  @OnEvent('attempt.finished')
  @OnEvent('step.finished')
  onEvent(event: RunStreamEvent, seq: number | null = null): void {
    this.#streams.get(event.runId)?.next({ seq, event });
  }

  @OnEvent('run.finished')
  onRunFinished(event: RunStreamEvent, seq: number | null = null): void {
    this.onEvent(event, seq);
    this.close(event.runId);
  }
}
