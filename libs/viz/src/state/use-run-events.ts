import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
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

/**
 * What went wrong with the event stream:
 * - `unauthorized`: HTTP 401 or 403 (a missing or wrong token, a refused origin for a write);
 * - `not_found`: HTTP 404 (no such run here, or a wrong URL);
 * - `network_or_cors`: no answer the page may read before any event: the server is down or
 *   unreachable, or it refused this page's origin (CORS). A browser does not tell the two apart;
 * - `server_error`: HTTP 5xx;
 * - `http_error`: another status (415, 421…);
 * - `stream_closed`: the stream ended with an error after events had arrived, before the run finished;
 * - `unavailable`: neither `EventSource` nor `fetch` exists here.
 */
export type RunEventsErrorKind =
  | 'unauthorized'
  | 'not_found'
  | 'network_or_cors'
  | 'server_error'
  | 'http_error'
  | 'stream_closed'
  | 'unavailable';

/** A connection error of the event stream, for people and for code. */
export interface RunEventsError {
  readonly kind: RunEventsErrorKind;
  /** The HTTP status when the server answered, else null. */
  readonly status: number | null;
  /** The server's own words (its JSON `error` / `message`, or the text it sent), when it sent any. */
  readonly serverText: string | null;
  /** One sentence saying what happened, for the page. */
  readonly message: string;
}

/** The sentence shown for a network error or a CORS refusal, which a browser cannot tell apart. */
export const NETWORK_OR_CORS_TEXT =
  'The server could not be reached, or it refused this origin (CORS: WEFT_CORS_ORIGINS)';

/** A `RunEventsError` for an HTTP status and the server's text. */
export function httpStreamError(status: number, serverText: string | null): RunEventsError {
  const said = serverText ? `: ${serverText}` : '';
  if (status === 401 || status === 403)
    return {
      kind: 'unauthorized',
      status,
      serverText,
      message: `Not authorized (HTTP ${status})${said || ': the server wants a valid API token (WEFT_API_TOKEN)'}`,
    };
  if (status === 404)
    return { kind: 'not_found', status, serverText, message: `No such run on this server (HTTP 404)${said}` };
  if (status >= 500)
    return { kind: 'server_error', status, serverText, message: `The server failed (HTTP ${status})${said}` };
  return { kind: 'http_error', status, serverText, message: `The server refused the event stream (HTTP ${status})${said}` };
}

/** A `RunEventsError` for no readable answer at all (fetch's `TypeError`, an `EventSource` error). */
export function networkStreamError(detail?: string | null): RunEventsError {
  return { kind: 'network_or_cors', status: null, serverText: detail ?? null, message: NETWORK_OR_CORS_TEXT };
}

/** The server's words in an error body: JSON `{error}` / `{message}` (Weft sends `{statusCode, error}`), or its text. */
export function serverErrorText(body: string): string | null {
  const text = body.trim();
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    const pick = [parsed?.message, parsed?.error].find((v) => typeof v === 'string' && v.trim() !== '');
    if (typeof pick === 'string') return clip(pick.trim());
    if (Array.isArray(parsed?.message)) return clip(parsed.message.join('; '));
  } catch {
    // not JSON: the text itself
  }
  return /^\s*</.test(text) ? null : clip(text);
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** Reads an error response's body into a `RunEventsError`. */
async function errorOf(res: Response): Promise<RunEventsError> {
  const body = typeof res.text === 'function' ? await res.text().catch(() => '') : '';
  return httpStreamError(res.status, serverErrorText(body));
}

/** Carries a `RunEventsError` through a promise chain. */
class StreamError extends Error {
  constructor(readonly info: RunEventsError) {
    super(info.message);
  }
}

export interface UseRunEventsResult {
  readonly state: RunState;
  readonly connection: RunEventsConnection;
  /** The last connection error as one sentence (`connectionError.message`), if any. */
  readonly error: string | null;
  /** The last connection error, with its kind, status and the server's text; null when there is none. */
  readonly connectionError: RunEventsError | null;
  /** Connects again (after an error, or to restart the stream); the state starts over from the replay. */
  readonly retry: () => void;
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
 *
 * Errors are reported for what they are (`connectionError.kind`): a 401/403 as `unauthorized` with
 * the server's text, 404 `not_found`, 5xx `server_error`, and no readable answer before any event
 * as `network_or_cors`. `EventSource` hides the status of a refused stream, so when it fails before
 * any event the hook asks the same URL once with `fetch` to learn why (and reads the stream from that
 * answer when it succeeds after all). `retry()` connects again.
 */
export function useRunEvents(url: string | null, options: UseRunEventsOptions = {}): UseRunEventsResult {
  const [state, dispatch] = useReducer(reducer, undefined, initialRunState);
  const [connection, setConnection] = useState<RunEventsConnection>('idle');
  const [connectionError, setConnectionError] = useState<RunEventsError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const opts = useRef(options);
  opts.current = options;
  // By value: callers pass a fresh `headers` object on every render.
  const headersKey = JSON.stringify(Object.entries(runEventsHeaders(options.token, options.headers)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  useEffect(() => {
    dispatch({ type: 'reset' });
    setConnectionError(null);
    if (!url) {
      setConnection('idle');
      return undefined;
    }
    setConnection('connecting');
    let finished = false;
    let gotEvent = false;
    const fail = (info: RunEventsError) => {
      if (finished) return;
      setConnectionError(info);
      setConnection('error');
    };
    const deliver = (data: string, name?: string) => {
      const event = parseRunEvent(data, name);
      if (!event) return;
      gotEvent = true;
      dispatch({ type: 'event', event });
      if (event.type === 'run.finished') {
        finished = true;
        stop();
        setConnection('closed');
      }
    };
    let stop: () => void = () => undefined;
    const controller = new AbortController();
    const fetchImpl = opts.current.fetch ?? (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : null);

    /** Reads an answered stream to its end. */
    const readBody = async (res: Response) => {
      if (!res.ok) throw new StreamError(await errorOf(res));
      if (!res.body) throw new StreamError(httpStreamError(res.status, 'the answer has no body'));
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
    };
    const onFailure = (e: unknown) => {
      if (controller.signal.aborted) return;
      if (e instanceof StreamError) fail(e.info);
      else if (gotEvent)
        fail({ kind: 'stream_closed', status: null, serverText: null, message: 'The event stream broke off before the run finished' });
      else fail(networkStreamError(e instanceof Error ? e.message : String(e)));
    };
    const streamWithFetch = (headers: Record<string, string>) => {
      if (!fetchImpl) {
        fail({ kind: 'unavailable', status: null, serverText: null, message: 'fetch is not available here' });
        return;
      }
      (async () => {
        const res = await fetchImpl(url, {
          headers: Object.entries(headers).reduce<Record<string, string>>((all, [name, value]) => withHeader(all, name, value), { Accept: 'text/event-stream' }),
          signal: controller.signal,
        });
        await readBody(res);
      })().catch(onFailure);
    };

    const headers = Object.fromEntries(JSON.parse(headersKey) as [string, string][]);
    if (Object.keys(headers).length > 0) {
      stop = () => controller.abort();
      streamWithFetch(headers);
      return () => {
        finished = true;
        controller.abort();
      };
    }

    const ES = opts.current.eventSource ?? globalThis.EventSource;
    if (!ES) {
      if (fetchImpl) {
        stop = () => controller.abort();
        streamWithFetch({});
        return () => {
          finished = true;
          controller.abort();
        };
      }
      fail({ kind: 'unavailable', status: null, serverText: null, message: 'EventSource is not available here' });
      return undefined;
    }
    const source = new ES(url);
    const onNamed = (e: Event) => deliver((e as MessageEvent<string>).data, e.type);
    const detach = () => {
      for (const type of RUN_EVENT_TYPES) source.removeEventListener(type, onNamed);
      source.close();
    };
    stop = detach;
    source.onopen = () => setConnection('open');
    source.onmessage = (e: MessageEvent<string>) => deliver(e.data);
    source.onerror = () => {
      if (finished) return;
      if (!gotEvent) {
        // EventSource hides why (a 401, a 404, a CORS refusal and a server that is down all look
        // the same): stop it and ask once with fetch, which sees the status.
        detach();
        stop = () => controller.abort();
        if (!fetchImpl) {
          fail(networkStreamError());
          return;
        }
        fetchImpl(url, { headers: { Accept: 'text/event-stream' }, signal: controller.signal })
          .then(readBody)
          .catch(onFailure);
        return;
      }
      // EventSource retries by itself while readyState is CONNECTING; CLOSED means it gave up.
      if (source.readyState === 2)
        fail({ kind: 'stream_closed', status: null, serverText: null, message: 'The event stream was closed by the server before the run finished' });
      else setConnection('connecting');
    };
    for (const type of RUN_EVENT_TYPES) source.addEventListener(type, onNamed);
    return () => {
      finished = true;
      controller.abort();
      detach();
    };
  }, [url, headersKey, attempt]);

  return { state, connection, error: connectionError?.message ?? null, connectionError, retry };
}
