import { act, renderHook } from '@testing-library/react';
import { seedDemoRun } from '../fixtures';
import { runEventsHeaders, useRunEvents, type UseRunEventsOptions } from './use-run-events';

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
    expect(result.current.error).toBe('event stream: HTTP 401');
  });
});
