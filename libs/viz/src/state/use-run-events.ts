import { useEffect, useReducer, useRef, useState } from 'react';
import type { ExecutionEvent } from '@weft/core/browser';
import type { RunState } from './run-state.types.js';
import { initialRunState, reduceRunEvents } from './reduce-run-events.js';
import { SseParser } from './sse-parser.js';

/** Event types the server may send as named SSE events. */
export const RUN_EVENT_TYPES = [
  'run.started',
  'step.started',
  'attempt.started',
  'attempt.finished',
  'step.finished',
  'step.log',
  'run.finished',
] as const;

export interface UseRunEventsOptions {
  /**
   * Shorthand for `headers: { Authorization: 'Bearer <token>' }`, for a server started with
   * `WEFT_API_TOKEN`. A header of the same name in `headers` wins.
   */
  readonly token?: string | null;
  /**
   * Request headers for the stream, e.g. `{ 'X-Api-Key': key }` for a host's own auth. `EventSource`
   * cannot send headers, so with a token or headers the stream is read with `fetch` instead (which
   * sends the cookies of the same origin, as `EventSource` does). Compared by value: a new object
   * with the same entries does not reconnect.
   */
  readonly headers?: Readonly<Record<string, string>> | null;
  /** Replaces `EventSource` (tests, polyfills). @default globalThis.EventSource */
  readonly eventSource?: typeof EventSource;
  /** Replaces `fetch` for the token/headers path. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/**
 * The request headers of the stream for `token` and `headers`: `Authorization: Bearer <token>`,
 * then `headers` (a name given twice in any case: the later one wins). Empty for none.
 */
export function runEventsHeaders(token?: string | null, headers?: Readonly<Record<string, string>> | null): Record<string, string> {
  let merged: Record<string, string> = {};
  if (token) merged = withHeader(merged, 'Authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') merged = withHeader(merged, name, value);
  }
  return merged;
}

/** `headers` with `name` set to `value`, any other spelling of `name` removed. */
function withHeader(headers: Record<string, string>, name: string, value: string): Record<string, string> {
  const lower = name.toLowerCase();
  const kept = Object.entries(headers).filter(([key]) => key.toLowerCase() !== lower);
  return { ...Object.fromEntries(kept), [name]: value };
}

export type RunEventsConnection = 'idle' | 'connecting' | 'open' | 'closed' | 'error';

export interface UseRunEventsResult {
  readonly state: RunState;
  readonly connection: RunEventsConnection;
  /** The last connection or parse error, if any. */
  readonly error: string | null;
}

type Action = { type: 'event'; event: ExecutionEvent } | { type: 'reset' };

function reducer(state: RunState, action: Action): RunState {
  return action.type === 'reset' ? initialRunState() : reduceRunEvents(state, action.event);
}

/** Parses one SSE payload into an event; the `type` field wins over the SSE event name. */
export function parseRunEvent(data: string, sseEvent?: string): ExecutionEvent | null {
  try {
    const parsed = JSON.parse(data) as Partial<ExecutionEvent> & { type?: string };
    if (!parsed || typeof parsed !== 'object') return null;
    const type = parsed.type ?? (sseEvent && sseEvent !== 'message' ? sseEvent : undefined);
    if (!type) return null;
    return { ...parsed, type } as ExecutionEvent;
  } catch {
    return null;
  }
}

/**
 * Subscribes to a run's event stream (`GET /api/runs/:id/events`) and reduces it into run state:
 * step statuses, lanes, attempts, the running count and its peak, and the report at the end.
 * Closes the stream on `run.finished`. Pass `null` as `url` to stay idle.
 */
export function useRunEvents(url: string | null, options: UseRunEventsOptions = {}): UseRunEventsResult {
  const [state, dispatch] = useReducer(reducer, undefined, initialRunState);
  const [connection, setConnection] = useState<RunEventsConnection>('idle');
  const [error, setError] = useState<string | null>(null);
  const opts = useRef(options);
  opts.current = options;
  // By value: callers pass a fresh `headers` object on every render.
  const headersKey = JSON.stringify(Object.entries(runEventsHeaders(options.token, options.headers)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  useEffect(() => {
    dispatch({ type: 'reset' });
    setError(null);
    if (!url) {
      setConnection('idle');
      return undefined;
    }
    setConnection('connecting');
    let finished = false;
    const deliver = (data: string, name?: string) => {
      const event = parseRunEvent(data, name);
      if (!event) return;
      dispatch({ type: 'event', event });
      if (event.type === 'run.finished') {
        finished = true;
        stop();
        setConnection('closed');
      }
    };
    let stop: () => void = () => undefined;

    const headers = Object.fromEntries(JSON.parse(headersKey) as [string, string][]);
    if (Object.keys(headers).length > 0) {
      const controller = new AbortController();
      stop = () => controller.abort();
      const doFetch = opts.current.fetch ?? globalThis.fetch.bind(globalThis);
      (async () => {
        const res = await doFetch(url, {
          headers: Object.entries(headers).reduce<Record<string, string>>((all, [name, value]) => withHeader(all, name, value), { Accept: 'text/event-stream' }),
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
        setConnection('open');
        const parser = new SseParser();
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const msg of parser.push(decoder.decode(value, { stream: true }))) deliver(msg.data, msg.event);
        }
        if (!finished) setConnection('closed');
      })().catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
        setConnection('error');
      });
      return () => {
        finished = true;
        controller.abort();
      };
    }

    const ES = opts.current.eventSource ?? globalThis.EventSource;
    if (!ES) {
      setError('EventSource is not available here');
      setConnection('error');
      return undefined;
    }
    const source = new ES(url);
    stop = () => source.close();
    const onNamed = (e: Event) => deliver((e as MessageEvent<string>).data, e.type);
    source.onopen = () => setConnection('open');
    source.onmessage = (e: MessageEvent<string>) => deliver(e.data);
    source.onerror = () => {
      if (finished) return;
      // EventSource retries by itself while readyState is CONNECTING; CLOSED means it gave up.
      if (source.readyState === 2) {
        setError('event stream closed by the server');
        setConnection('error');
      } else setConnection('connecting');
    };
    for (const type of RUN_EVENT_TYPES) source.addEventListener(type, onNamed);
    return () => {
      finished = true;
      for (const type of RUN_EVENT_TYPES) source.removeEventListener(type, onNamed);
      source.close();
    };
  }, [url, headersKey]);

  return { state, connection, error };
}
