import { act, fireEvent, render, screen } from '@testing-library/react';
import { eventsUntil, runFixture, seedDemoWorkflow } from '../../../../libs/viz/src/fixtures';
import { RunPage } from './run-page';

const REFUSAL = 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>';

/** A fetch refusing everything with the server's 401 body, keeping the URLs asked. */
function refusingFetch() {
  return jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: false,
    status: 401,
    headers: new Headers({ 'content-type': 'application/json' }),
    body: null,
    json: async () => ({ statusCode: 401, error: REFUSAL }),
    text: async () => JSON.stringify({ statusCode: 401, error: REFUSAL }),
  }));
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

describe('RunPage when the server refuses', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('says why, once, with a Retry that asks again — not "Waiting to start"', async () => {
    const fetchMock = refusingFetch();
    globalThis.fetch = fetchMock as unknown as typeof fetch;
    render(<RunPage runId="r-7f3a9c" />);
    await settle();
    await settle();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(`Not authorized (HTTP 401): ${REFUSAL}`);
    expect(screen.queryByText('Waiting to start')).toBeNull();
    // No empty timeline or speedup while nothing of the run is known.
    expect(screen.queryByRole('region', { name: 'Timeline' })).toBeNull();
    expect(screen.queryByText('No speedup yet')).toBeNull();
    // The report's refusal says the same: not repeated.
    expect(screen.queryAllByText(REFUSAL)).toHaveLength(0);
    const asked = fetchMock.mock.calls.length;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await settle();
    await settle();
    const again = fetchMock.mock.calls.slice(asked).map(([url]) => url);
    expect(again).toEqual(expect.arrayContaining(['api/runs/r-7f3a9c/events', 'api/runs/r-7f3a9c']));
    expect(screen.getByRole('alert').textContent).toContain('Not authorized');
  });
});

/** A fetch answering each URL from `answers` (status and JSON body), 404 for the rest. */
function answeringFetch(answers: Record<string, { status: number; body: unknown }>) {
  return jest.fn(async (url: string) => {
    const answer = answers[url] ?? { status: 404, body: { statusCode: 404, error: `No route ${url}` } };
    const text = JSON.stringify(answer.body);
    return { ok: answer.status < 400, status: answer.status, headers: new Headers({ 'content-type': 'application/json' }), body: null, json: async () => answer.body, text: async () => text };
  });
}

describe('RunPage for a run the server does not have', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('says only that: no status, no graph controls, a way to the history', async () => {
    const missing = { status: 404, body: { statusCode: 404, error: "No run '303c629b'" } };
    globalThis.fetch = answeringFetch({ 'api/runs/303c629b': missing, 'api/runs/303c629b/events': missing }) as unknown as typeof fetch;
    render(<RunPage runId="303c629b" />);
    await settle();
    await settle();
    expect(screen.getByTestId('run-not-found').textContent).toContain("No run '303c629b'");
    expect(screen.queryByTestId('run-status')).toBeNull();
    expect(screen.queryByRole('button', { name: /fit/i })).toBeNull();
    expect(screen.getByRole('link', { name: 'See the runs in the history' }).getAttribute('href')).toBe('#/history');
  });
});

describe('RunPage for a cancelled run', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('offers to retry it from where it stopped', async () => {
    const at = '2026-12-03T10:00:00.000Z';
    const report = {
      runId: 'r-1', workflow: 'w', workflowId: null, status: 'cancelled', maxParallel: 2, startedAt: at, finishedAt: at, makespanMs: 10, sequentialMs: 10,
      speedup: 1, idealSpeedup: 1, peakParallelism: 1, criticalPath: ['a'], retryOf: null,
      steps: { a: { status: 'cancelled', reason: 'cancelled', message: 'cancelled', attempts: 1, startedAt: at, finishedAt: at, durationMs: 10, exitCode: null, outputs: null, lane: 0, reused: false } },
    };
    globalThis.fetch = answeringFetch({ 'api/runs/r-1': { status: 200, body: report } }) as unknown as typeof fetch;
    render(<RunPage runId="r-1" />);
    await settle();
    await settle();
    expect(screen.getByTestId('run-status').textContent).toBe('cancelled');
    expect(screen.getByRole('button', { name: 'Retry from where it stopped' })).toBeTruthy();
  });
});

/** An EventSource the test drives: the page's live stream. */
class FakeEventSource {
  static last: FakeEventSource | null = null;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((e: MessageEvent<string>) => void) | null = null;
  onerror: (() => void) | null = null;
  readonly listeners = new Map<string, ((e: Event) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (e: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener() {}
  close() {
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  emit(event: { type: string }) {
    for (const listener of this.listeners.get(event.type) ?? []) listener({ type: event.type, data: JSON.stringify(event) } as unknown as Event);
  }
  drop() {
    this.readyState = 0; // CONNECTING: the browser tries again by itself
    this.onerror?.();
  }
}

describe('RunPage when the live stream drops mid-run', () => {
  const original = { fetch: globalThis.fetch, EventSource: (globalThis as { EventSource?: unknown }).EventSource };
  afterEach(() => {
    globalThis.fetch = original.fetch;
    (globalThis as { EventSource?: unknown }).EventSource = original.EventSource;
  });

  it('says the connection is lost while the browser reconnects, and no more once it is back', async () => {
    const run = runFixture(seedDemoWorkflow, { runId: 'r-2' });
    const running = { ...run.report, status: 'running', finishedAt: null };
    globalThis.fetch = answeringFetch({ 'api/runs/r-2': { status: 200, body: running } }) as unknown as typeof fetch;
    (globalThis as { EventSource?: unknown }).EventSource = FakeEventSource;
    render(<RunPage runId="r-2" />);
    await settle();
    const source = FakeEventSource.last!;
    await act(async () => {
      source.open();
      for (const event of eventsUntil(run, 50)) source.emit(event);
    });
    await settle();
    expect(screen.getByTestId('run-status').textContent).toBe('running');
    expect(screen.queryByTestId('connection-lost')).toBeNull();

    await act(async () => source.drop());
    expect(screen.getByTestId('connection-lost').textContent).toContain('Lost the connection to the server: reconnecting');

    await act(async () => source.open());
    expect(screen.queryByTestId('connection-lost')).toBeNull();
  });
});
