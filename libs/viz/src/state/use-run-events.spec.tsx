import { act, renderHook } from '@testing-library/react';
import { seedDemoRun } from '../fixtures';
import { NETWORK_OR_CORS_TEXT, runEventsHeaders, serverErrorText, useRunEvents, type UseRunEventsOptions } from './use-run-events';

/** A fetch answering an SSE body that ends the run; each call gets its own body. */
function sseFetch() {
  const text = seedDemoRun.events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  return jest.fn(async (_url: string, _init?: RequestInit) => {
    let sent = false;
    return {
      ok: true,
      status: 200,
      body: {
        getReader: () => ({
          read: async () => {
            if (sent) return { done: true, value: undefined };
            sent = true;
            return { done: false, value: new TextEncoder().encode(text) };
          },
        }),
      },
    };
  });
}

/** Lets the hook's fetch promise chain run. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

describe('runEventsHeaders', () => {
  it('is empty without a token or headers', () => {
    expect(runEventsHeaders()).toEqual({});
    expect(runEventsHeaders(null, null)).toEqual({});
    expect(runEventsHeaders('', {})).toEqual({});
  });

  it('turns a token into a bearer Authorization header', () => {
    expect(runEventsHeaders('s3cret')).toEqual({ Authorization: 'Bearer s3cret' });
  });

  it('adds headers, which win over the token whatever their case', () => {
    expect(runEventsHeaders(null, { 'X-Api-Key': 'k1' })).toEqual({ 'X-Api-Key': 'k1' });
    expect(runEventsHeaders('s3cret', { 'X-Api-Key': 'k1' })).toEqual({ Authorization: 'Bearer s3cret', 'X-Api-Key': 'k1' });
    expect(runEventsHeaders('s3cret', { authorization: 'Token abc' })).toEqual({ authorization: 'Token abc' });
  });
});

describe('useRunEvents with headers', () => {
  it('reads the stream with fetch and the headers given, with no Authorization of its own', async () => {
    const fetchMock = sseFetch();
    const eventSource = jest.fn();
    const { result } = renderHook(() =>
      useRunEvents('api/runs/x/events', {
        headers: { 'X-Api-Key': 'k1' },
        fetch: fetchMock as unknown as typeof fetch,
        eventSource: eventSource as unknown as typeof EventSource,
      }),
    );
    await settle();
    expect(eventSource).not.toHaveBeenCalled();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('api/runs/x/events');
    expect(init?.headers).toEqual({ Accept: 'text/event-stream', 'X-Api-Key': 'k1' });
    // Same-origin cookies go along: fetch's default credentials, not overridden.
    expect(init?.credentials).toBeUndefined();
    expect(result.current.state.status).toBe('succeeded');
    expect(result.current.connection).toBe('closed');
  });

  it('keeps token working, and lets headers override its Authorization', async () => {
    const fetchMock = sseFetch();
    renderHook(() => useRunEvents('api/runs/x/events', { token: 's3cret', headers: { authorization: 's3cret' }, fetch: fetchMock as unknown as typeof fetch }));
    await settle();
    expect(fetchMock.mock.calls[0]![1]?.headers).toEqual({ Accept: 'text/event-stream', authorization: 's3cret' });
  });

  it('does not reconnect for an equal headers object, and does when a value changes', async () => {
    const fetchMock = sseFetch();
    const { rerender } = renderHook((options: UseRunEventsOptions) => useRunEvents('api/runs/x/events', options), {
      initialProps: { headers: { 'X-Api-Key': 'k1' }, fetch: fetchMock as unknown as typeof fetch },
    });
    await settle();
    rerender({ headers: { 'X-Api-Key': 'k1' }, fetch: fetchMock as unknown as typeof fetch });
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    rerender({ headers: { 'X-Api-Key': 'k2' }, fetch: fetchMock as unknown as typeof fetch });
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(fetchMock.mock.calls[1]![1]?.headers).toEqual({ Accept: 'text/event-stream', 'X-Api-Key': 'k2' });
  });

  it('uses EventSource when there is neither a token nor headers', () => {
    const urls: string[] = [];
    class FakeEventSource {
      constructor(url: string) {
        urls.push(url);
      }
      addEventListener() {}
      removeEventListener() {}
      close() {}
    }
    const fetchMock = sseFetch();
    renderHook(() =>
      useRunEvents('api/runs/x/events', {
        headers: {},
        token: null,
        fetch: fetchMock as unknown as typeof fetch,
        eventSource: FakeEventSource as unknown as typeof EventSource,
      }),
    );
    expect(urls).toEqual(['api/runs/x/events']);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('reports an error status of the stream', async () => {
    const fetchMock = jest.fn(async () => ({ ok: false, status: 401, body: null }));
    const { result } = renderHook(() => useRunEvents('api/runs/x/events', { headers: { 'X-Api-Key': 'wrong' }, fetch: fetchMock as unknown as typeof fetch }));
    await settle();
    expect(result.current.connection).toBe('error');
    expect(result.current.connectionError).toMatchObject({ kind: 'unauthorized', status: 401, serverText: null });
    expect(result.current.error).toMatch(/^Not authorized \(HTTP 401\)/);
  });
});

/** A fetch answering `status` with `body`. */
const answer = (status: number, body: string) =>
  jest.fn(async (_url: string, _init?: RequestInit) => ({ ok: status >= 200 && status < 300, status, body: null, text: async () => body }));

describe('useRunEvents errors', () => {
  const withFetch = (f: unknown) => ({ headers: { 'X-Api-Key': 'k' }, fetch: f as typeof fetch });

  it.each([
    [401, '{"statusCode":401,"error":"Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>"}', 'unauthorized', 'Not authorized (HTTP 401): Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>'],
    [403, '{"message":"origin refused"}', 'unauthorized', 'Not authorized (HTTP 403): origin refused'],
    [404, '{"statusCode":404,"error":"No run r-1"}', 'not_found', 'No such run on this server (HTTP 404): No run r-1'],
    [500, 'database is locked', 'server_error', 'The server failed (HTTP 500): database is locked'],
    [503, '<html><body>Bad gateway</body></html>', 'server_error', 'The server failed (HTTP 503)'],
    [421, '', 'http_error', 'The server refused the event stream (HTTP 421)'],
  ])('reports HTTP %i as what it is, with the server’s text', async (status, body, kind, message) => {
    const { result } = renderHook(() => useRunEvents('api/runs/x/events', withFetch(answer(status, body))));
    await settle();
    expect(result.current.connection).toBe('error');
    expect(result.current.connectionError).toMatchObject({ kind, status, message });
    expect(result.current.error).toBe(message);
    expect(result.current.state.status).toBe('pending');
  });

  it('reports a fetch TypeError (network down, or CORS) as network_or_cors and names both', async () => {
    const refused = jest.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const { result } = renderHook(() => useRunEvents('api/runs/x/events', withFetch(refused)));
    await settle();
    expect(result.current.connectionError).toMatchObject({ kind: 'network_or_cors', status: null, message: NETWORK_OR_CORS_TEXT });
    expect(result.current.error).toBe('The server could not be reached, or it refused this origin (CORS: WEFT_CORS_ORIGINS)');
  });

  it('connects again on retry() and clears the error', async () => {
    const stream = sseFetch();
    let calls = 0;
    const flaky = jest.fn(async (url: string, init?: RequestInit) => (++calls === 1 ? answer(500, 'starting up')(url, init) : stream(url, init)));
    const { result } = renderHook(() => useRunEvents('api/runs/x/events', withFetch(flaky)));
    await settle();
    expect(result.current.connectionError?.kind).toBe('server_error');
    act(() => result.current.retry());
    await settle();
    expect(flaky).toHaveBeenCalledTimes(2);
    expect(result.current.connectionError).toBeNull();
    expect(result.current.state.status).toBe('succeeded');
    expect(result.current.connection).toBe('closed');
  });

  describe('on the EventSource path', () => {
    class FailingEventSource {
      static last: FailingEventSource;
      readyState = 0;
      closed = false;
      onopen: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onmessage: ((e: MessageEvent) => void) | null = null;
      listeners = new Map<string, (e: Event) => void>();
      constructor(public url: string) {
        FailingEventSource.last = this;
      }
      addEventListener(type: string, fn: (e: Event) => void) {
        this.listeners.set(type, fn);
      }
      removeEventListener() {}
      close() {
        this.closed = true;
        this.readyState = 2;
      }
    }
    const es = FailingEventSource as unknown as typeof EventSource;

    it('asks once with fetch to learn why the stream failed before any event (a 401 hidden by EventSource)', async () => {
      const probe = answer(401, '{"statusCode":401,"error":"Missing or wrong bearer token"}');
      const { result } = renderHook(() => useRunEvents('api/runs/x/events', { eventSource: es, fetch: probe as unknown as typeof fetch }));
      act(() => {
        FailingEventSource.last.readyState = 2;
        FailingEventSource.last.onerror?.();
      });
      await settle();
      expect(FailingEventSource.last.closed).toBe(true);
      expect(probe).toHaveBeenCalledTimes(1);
      expect(probe.mock.calls[0]![1]?.headers).toEqual({ Accept: 'text/event-stream' });
      expect(result.current.connectionError).toMatchObject({ kind: 'unauthorized', serverText: 'Missing or wrong bearer token' });
    });

    it('says network_or_cors when the probe gets no answer either, even while EventSource would retry', async () => {
      const probe = jest.fn(async () => {
        throw new TypeError('Failed to fetch');
      });
      const { result } = renderHook(() => useRunEvents('api/runs/x/events', { eventSource: es, fetch: probe as unknown as typeof fetch }));
      act(() => FailingEventSource.last.onerror?.());
      await settle();
      expect(result.current.connectionError?.kind).toBe('network_or_cors');
      expect(result.current.connection).toBe('error');
    });

    it('reads the stream from the probe when it answers after all', async () => {
      const probe = sseFetch();
      const { result } = renderHook(() => useRunEvents('api/runs/x/events', { eventSource: es, fetch: probe as unknown as typeof fetch }));
      act(() => FailingEventSource.last.onerror?.());
      await settle();
      expect(result.current.connectionError).toBeNull();
      expect(result.current.state.status).toBe('succeeded');
    });

    it('reports a stream closed after events as stream_closed, without a probe', async () => {
      const probe = sseFetch();
      const { result } = renderHook(() => useRunEvents('api/runs/x/events', { eventSource: es, fetch: probe as unknown as typeof fetch }));
      const first = seedDemoRun.events[0]!;
      act(() => FailingEventSource.last.listeners.get(first.type)?.(new MessageEvent(first.type, { data: JSON.stringify(first) })));
      expect(result.current.state.status).toBe('running');
      act(() => {
        FailingEventSource.last.readyState = 2;
        FailingEventSource.last.onerror?.();
      });
      expect(probe).not.toHaveBeenCalled();
      expect(result.current.connectionError?.kind).toBe('stream_closed');
      // What arrived stays.
      expect(result.current.state.status).toBe('running');
    });
  });
});

describe('serverErrorText', () => {
  it('takes the JSON error or message, the text otherwise, and nothing of an HTML page', () => {
    expect(serverErrorText('{"statusCode":401,"error":"bad token"}')).toBe('bad token');
    expect(serverErrorText('{"message":["a","b"]}')).toBe('a; b');
    expect(serverErrorText('  plain words \n')).toBe('plain words');
    expect(serverErrorText('<!doctype html><p>x</p>')).toBeNull();
    expect(serverErrorText('')).toBeNull();
    expect(serverErrorText('x'.repeat(400))).toHaveLength(300);
  });
});
