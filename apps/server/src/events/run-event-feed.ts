import { Inject, Injectable } from '@nestjs/common';
import { HistoryStore } from '@weft/history';
import { concat, EMPTY, filter, finalize, from, Observable, ReplaySubject, takeWhile, type Subscription } from 'rxjs';
import { notFound } from '../common/errors.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { eventsFromReport } from './history-events.js';
import { RunEventStreams } from './run-event-streams.js';
import type { NumberedRunEvent } from './run-event.types.js';

const isEnd = (record: NumberedRunEvent) => record.event.type === 'run.finished';

/**
 * A run's events for one subscriber, from the run's event log and the live stream: each event
 * once, in order, with the number the log gave it.
 */
@Injectable()
export class RunEventFeed {
  constructor(
    private readonly streams: RunEventStreams,
    private readonly history: HistoryStore,
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
  ) {}

  /**
   * The events of `runId` numbered above `after` (0: all of them), completing after `run.finished`.
   *
   * 1. Subscribe to the live stream first (when the run runs in this process) and hold what comes.
   * 2. Read the run's status, then its stored events above `after`. Status first: every event is
   *    stored before it is published, so a run seen finished has all its events in what is read.
   * 3. Send the stored events, then the held and later live ones numbered above the last one sent.
   *    A run running elsewhere (another server on the same database) is read from the log every
   *    `ssePollMs` instead. A run that is over ends with its stored events.
   *
   * Returns null when the run is over and nothing is numbered above `after` (the client has it all).
   * Runs recorded before the event log have their events rebuilt from the report, numbered 1…n.
   * Throws a 404 for an unknown run.
   */
  async open(runId: string, after: number): Promise<Observable<NumberedRunEvent> | null> {
    const held = new ReplaySubject<NumberedRunEvent>();
    const live = this.streams.live(runId);
    const subscription: Subscription | undefined = live?.subscribe(held);
    try {
      const run = await this.history.getRun(runId);
      if (!run) throw notFound(`No run '${runId}'`);
      const stored = await this.history.runEvents(runId, after);
      const over = run.status !== 'running' || stored.some(isEnd);
      if (over && stored.length === 0) {
        subscription?.unsubscribe();
        return (await this.history.lastRunEventSeq(runId)) > 0 ? null : this.#fromReport(runId, after);
      }
      let last = stored.at(-1)?.seq ?? after;
      const newer = (record: NumberedRunEvent) => {
        if (record.seq === null) return true;
        if (record.seq <= last) return false;
        last = record.seq;
        return true;
      };
      const rest = over ? EMPTY : live ? held.pipe(filter(newer)) : this.#poll(runId, last);
      return concat(from(stored), rest).pipe(
        takeWhile((record) => !isEnd(record), true),
        finalize(() => subscription?.unsubscribe()),
      );
    } catch (error) {
      subscription?.unsubscribe();
      throw error;
    }
  }

  /** The log of a run this process does not run, read every `ssePollMs` until the run is over. */
  #poll(runId: string, after: number): Observable<NumberedRunEvent> {
    return new Observable<NumberedRunEvent>((subscriber) => {
      let last = after;
      let timer: NodeJS.Timeout | undefined;
      const read = async () => {
        try {
          const run = await this.history.getRun(runId);
          for (const record of await this.history.runEvents(runId, last)) {
            last = record.seq;
            subscriber.next(record);
          }
          if (!run || run.status !== 'running') return subscriber.complete();
        } catch (error) {
          return subscriber.error(error);
        }
        if (!subscriber.closed) timer = setTimeout(read, this.options.ssePollMs);
      };
      timer = setTimeout(read, this.options.ssePollMs);
      return () => clearTimeout(timer);
    });
  }

  /** A run recorded before the event log: its events rebuilt from the report, numbered 1…n. */
  async #fromReport(runId: string, after: number): Promise<Observable<NumberedRunEvent> | null> {
    const report = await this.history.getReport(runId);
    if (!report) throw notFound(`No run '${runId}'`);
    const plan = (await this.history.getRunPlan(runId)) ?? undefined;
    const records = eventsFromReport(report, plan)
      .map((event, index) => ({ seq: index + 1, event }))
      .filter((record) => record.seq > after);
    return records.length ? from(records) : null;
  }
}
