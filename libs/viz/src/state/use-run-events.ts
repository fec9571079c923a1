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
   * Bearer token for a server started with `WEFT_API_TOKEN`. `EventSource` cannot send headers, so
   * with a token the stream is read with `fetch` instead.
   */
  readonly token?: string | null;
  /** Replaces `EventSource` (tests, polyfills). @default globalThis.EventSource */
  readonly eventSource?: typeof EventSource;
  /** Replaces `fetch` for the token path. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
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
  const token = options.token ?? null;

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

    if (token) {
      const controller = new AbortController();
      stop = () => controller.abort();
      const doFetch = opts.current.fetch ?? globalThis.fetch.bind(globalThis);
      (async () => {
        const res = await doFetch(url, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
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
  }, [url, token]);

  return { state, connection, error };
}
