import { EventSource, type FetchLike } from 'eventsource';
import { RUN_EVENT_NAMES } from '../src/events/run-event.types.js';

/** One message as an EventSource delivered it: `id` is its `lastEventId`, `data` the raw text. */
export interface ReceivedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
}

export interface RunEventsClientOptions {
  /** Sent as `Last-Event-ID` on the first request (EventSource itself sends it when it reconnects). */
  readonly lastEventId?: string;
  /** Bearer token for a server with WEFT_API_TOKEN. */
  readonly token?: string;
}

/**
 * A run's events read by the `eventsource` npm package (a standard EventSource, reconnects and
 * all), recording every message and every error.
 */
export class RunEventsClient {
  readonly events: ReceivedEvent[] = [];
  readonly errors: { readonly code: number | undefined; readonly message: string | undefined }[] = [];
  readonly source: EventSource;

  constructor(url: string, options: RunEventsClientOptions = {}) {
    const extra: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
    const withHeaders: FetchLike = (input, init) => {
      const first = options.lastEventId !== undefined && init.headers['Last-Event-ID'] === undefined;
      return fetch(input, { ...init, headers: { ...init.headers, ...extra, ...(first ? { 'Last-Event-ID': options.lastEventId } : {}) } });
    };
    this.source = new EventSource(url, { fetch: withHeaders });
    for (const type of RUN_EVENT_NAMES) {
      this.source.addEventListener(type, (event) => this.events.push({ id: event.lastEventId, type: event.type, data: event.data as string }));
    }
    this.source.addEventListener('error', (event) => this.errors.push({ code: event.code, message: event.message }));
  }

  /** The ids received, as numbers. */
  get ids(): number[] {
    return this.events.map((event) => Number(event.id));
  }

  /** True once the EventSource gave up for good (readyState CLOSED). */
  get closed(): boolean {
    return this.source.readyState === this.source.CLOSED;
  }

  close(): void {
    this.source.close();
  }
}
