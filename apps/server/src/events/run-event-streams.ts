import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ReplaySubject, type Observable } from 'rxjs';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import type { RunStreamEvent } from './run-event.types.js';

/**
 * One replaying stream per run, fed by the domain events: a late subscriber first gets what
 * already happened, then the live events; the stream completes after `run.finished`.
 * The most recent finished runs stay in memory (`recentRuns`); older ones are rebuilt from history.
 */
@Injectable()
export class RunEventStreams {
  readonly #streams = new Map<string, ReplaySubject<RunStreamEvent>>();
  readonly #finished: string[] = [];

  constructor(@Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions) {}

  /** Opens the stream of a run about to start, so subscribers can attach before its first event. */
  open(runId: string): void {
    if (!this.#streams.has(runId)) this.#streams.set(runId, new ReplaySubject<RunStreamEvent>());
  }

  /** The run's stream, or undefined when it is not in memory. */
  get(runId: string): Observable<RunStreamEvent> | undefined {
    return this.#streams.get(runId)?.asObservable();
  }

  @OnEvent('run.started')
  @OnEvent('step.started')
  @OnEvent('attempt.started')
  @OnEvent('attempt.finished')
  @OnEvent('step.finished')
  onEvent(event: RunStreamEvent): void {
    this.open(event.runId);
    this.#streams.get(event.runId)!.next(event);
  }

  @OnEvent('run.finished')
  onRunFinished(event: RunStreamEvent): void {
    this.onEvent(event);
    this.#streams.get(event.runId)!.complete();
    this.#finished.push(event.runId);
    while (this.#finished.length > this.options.recentRuns) this.#streams.delete(this.#finished.shift()!);
  }
}
