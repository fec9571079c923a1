import { act, fireEvent, render, renderHook, screen, within } from '@testing-library/react';
import { ExecutionGraph } from './graph/execution-graph';
import { ParallelTimeline } from './timeline/parallel-timeline';
import { ParallelismIndicator } from './parallelism/parallelism-indicator';
import { SpeedupDashboard } from './speedup/speedup-dashboard';
import { ExecutionHistoryTable } from './history/execution-history-table';
import { WorkerList } from './workers/worker-list';
import { httpStreamError, networkStreamError, useRunEvents } from './state/use-run-events';
import { ConnectionNotice } from './state/connection-notice';
import { cappedRunFixture } from './parallelism/parallelism-indicator.stories';
import {
  failuresFinished,
  historyRuns,
  seedDemoFinished,
  seedDemoLive,
  seedDemoOnWorkersFinished,
  seedDemoRun,
  workerInfos,
  workersNow,
} from './fixtures';

describe('ExecutionGraph', () => {
  it('labels the graph and makes every node focusable with its status', () => {
    render(<ExecutionGraph state={seedDemoLive.state} now={seedDemoLive.now} />);
    const graph = screen.getByRole('group', { name: /Workflow graph of report: 4 steps, 3 running, 1 pending/ });
    const nodes = within(graph).getAllByRole('img');
    expect(nodes).toHaveLength(4);
    expect(nodes.every((n) => n.getAttribute('tabindex') === '0')).toBe(true);
    expect(graph.querySelectorAll('.weft-status-running .weft-pulse')).toHaveLength(3);
  });

  it('shows the skip reason on focus and on hover', () => {
    const { container } = render(<ExecutionGraph state={failuresFinished.state} now={failuresFinished.now} />);
    const train = container.querySelector('[data-step="train_model"]')!;
    fireEvent.focus(train);
    expect(screen.getByRole('tooltip').textContent).toContain('a step it needs failed');
    fireEvent.blur(train);
    expect(screen.queryByRole('tooltip')).toBeNull();
    fireEvent.mouseEnter(container.querySelector('[data-step="deploy_canary"]')!);
    expect(screen.getByRole('tooltip').textContent).toContain('condition was false');
  });

  it('selects a step with a click or the keyboard', () => {
    const onSelect = jest.fn();
    render(<ExecutionGraph report={seedDemoRun.report} plan={seedDemoRun.plan} onSelectStep={onSelect} />);
    const node = screen.getByRole('button', { name: /Step generate_report/ });
    fireEvent.keyDown(node, { key: 'Enter' });
    fireEvent.click(screen.getByRole('button', { name: /Step fetch_user_data/ }));
    expect(onSelect.mock.calls).toEqual([['generate_report'], ['fetch_user_data']]);
  });

  it('draws the critical path edges from a plain report', () => {
    const { container } = render(<ExecutionGraph report={seedDemoRun.report} plan={seedDemoRun.plan} />);
    expect(container.querySelectorAll('.weft-graph-edge')).toHaveLength(3);
    expect(container.querySelectorAll('.weft-graph-edge.weft-critical')).toHaveLength(1);
  });
});

describe('ParallelTimeline', () => {
  it('draws bars for each process, a concurrency strip and a now line while live', () => {
    const { container } = render(<ParallelTimeline state={seedDemoLive.state} now={seedDemoLive.now} />);
    expect(screen.getByRole('group', { name: /Parallel timeline of report: 3 processes on 4 slots/ })).toBeTruthy();
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    expect(screen.getByRole('img', { name: /peak 3 of 4 slots/ })).toBeTruthy();
    expect(container.querySelector('[data-now-line]')).not.toBeNull();
  });

  it('has no now line once finished and hatches retried attempts', () => {
    const { container } = render(<ParallelTimeline state={failuresFinished.state} now={failuresFinished.now} />);
    expect(container.querySelector('[data-now-line]')).toBeNull();
    expect(container.querySelectorAll('.weft-timeline-bar.weft-retried')).toHaveLength(1);
  });
});

describe('ParallelTimeline grouped by worker', () => {
  it('lists each worker’s processes under its name, the server’s under "server"', () => {
    const { container } = render(
      <ParallelTimeline state={seedDemoOnWorkersFinished.state} now={seedDemoOnWorkersFinished.now} groupBy="worker" />,
    );
    expect(screen.getByRole('group', { name: /Parallel timeline of report: 4 processes on 3 workers/ })).toBeTruthy();
    const build = screen.getByRole('list', { name: 'Worker build-1:4242: 2 processes' });
    expect(within(build).getAllByRole('listitem').map((b) => b.getAttribute('data-step'))).toEqual(['fetch_user_data', 'generate_report']);
    const server = screen.getByRole('list', { name: 'The server: 1 process' });
    expect(within(server).getByRole('listitem').getAttribute('aria-label')).toMatch(/^fetch_\w+_data, succeeded in .*, from 0s on the server/);
    expect([...container.querySelectorAll('[data-worker-band]')].map((b) => b.getAttribute('data-worker-band'))).toEqual(['build-1:4242', 'gpu-a:913', 'server']);
  });

  it('still selects a step from a bar', () => {
    const onSelect = jest.fn();
    render(<ParallelTimeline state={seedDemoOnWorkersFinished.state} now={seedDemoOnWorkersFinished.now} groupBy="worker" onSelectStep={onSelect} />);
    fireEvent.keyDown(screen.getByRole('listitem', { name: /^generate_report/ }), { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith('generate_report');
  });
});

describe('WorkerList', () => {
  it('shows each worker with its labels as chips, its load and its last heartbeat', () => {
    render(<WorkerList workers={workerInfos} now={workersNow} />);
    const table = screen.getByRole('table', { name: 'Workers' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['build-1:4242', 'build-2:5117', 'gpu-a:913']);
    const gpu = rows[2]!;
    expect(within(gpu).getAllByRole('listitem').map((c) => c.textContent)).toEqual(['gpu', 'linux-x64']);
    expect(within(rows[0]!).getByText('3 of 4 slots busy')).toBeTruthy();
    expect(within(rows[0]!).getByText('1 s ago').getAttribute('datetime')).toBe(workerInfos[1]!.lastSeenAt);
    expect(within(rows[1]!).getByText('none')).toBeTruthy();
  });

  it('marks a worker stale when its last heartbeat is more than 10 s old', () => {
    const { container } = render(<WorkerList workers={workerInfos} now={workersNow} />);
    expect([...container.querySelectorAll('[data-stale]')].map((r) => r.getAttribute('data-worker'))).toEqual(['gpu-a:913']);
    const gpu = screen.getByRole('row', { name: /gpu-a:913/ });
    expect(within(gpu).getByText('14 s ago')).toBeTruthy();
    expect(within(gpu).getByText('stale').getAttribute('title')).toMatch(/no heartbeat for 14\.2 s/);
  });

  it('says when no worker is connected', () => {
    render(<WorkerList workers={[]} now={workersNow} emptyText="No workers yet" />);
    expect(screen.getByRole('cell', { name: 'No workers yet' })).toBeTruthy();
  });
});

describe('ParallelismIndicator', () => {
  it('announces the count as a live region', () => {
    render(<ParallelismIndicator state={seedDemoLive.state} />);
    const status = screen.getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(screen.getByText('3 steps running in parallel')).toBeTruthy();
    expect(screen.getByText('peak 3 of 4 slots')).toBeTruthy();
  });
});

describe('SpeedupDashboard', () => {
  it('shows 2.0x faster and eight what-if bars', () => {
    render(<SpeedupDashboard report={seedDemoRun.report} plan={seedDemoRun.plan} />);
    expect(screen.getByText('2.0x faster')).toBeTruthy();
    expect(screen.getByText(/efficiency 50% of maxParallel 4/)).toBeTruthy();
    const whatIf = screen.getByRole('list', { name: /other maxParallel/ });
    expect(within(whatIf).getAllByRole('listitem')).toHaveLength(8);
    expect(within(whatIf).getByRole('listitem', { name: /maxParallel 4: .*this run/ })).toBeTruthy();
  });
});

describe('ExecutionHistoryTable', () => {
  it('sorts by a column when its header is clicked, and flips on a second click', () => {
    render(<ExecutionHistoryTable runs={historyRuns} />);
    const header = screen.getByRole('columnheader', { name: /Speedup/ });
    fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    const speeds = () => screen.getAllByRole('row').slice(1).map((r) => parseFloat((r as HTMLTableRowElement).cells[4]!.textContent!));
    expect(speeds()).toEqual([...speeds()].sort((a, b) => b - a));
    fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    expect(speeds()).toEqual([...speeds()].sort((a, b) => a - b));
  });

  it('selects a run with Enter', () => {
    const onSelect = jest.fn();
    render(<ExecutionHistoryTable runs={historyRuns} onSelectRun={onSelect} />);
    fireEvent.keyDown(screen.getAllByRole('row')[1]!, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledTimes(1);
  });
});

describe('useRunEvents', () => {
  class FakeEventSource {
    static last: FakeEventSource;
    readyState = 0;
    closed = false;
    onopen: (() => void) | null = null;
    onmessage: ((e: MessageEvent) => void) | null = null;
    onerror: (() => void) | null = null;
    listeners = new Map<string, ((e: Event) => void)[]>();
    constructor(public url: string) {
      FakeEventSource.last = this;
    }
    addEventListener(type: string, fn: (e: Event) => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
    }
    removeEventListener() {}
    close() {
      this.closed = true;
    }
    emit(type: string, data: unknown) {
      const e = new MessageEvent(type, { data: JSON.stringify(data) });
      for (const fn of this.listeners.get(type) ?? []) fn(e);
    }
  }

  it('reduces named SSE events into run state and closes on run.finished', () => {
    const { result } = renderHook(() =>
      useRunEvents('/api/runs/r-7f3a9c/events', { eventSource: FakeEventSource as unknown as typeof EventSource }),
    );
    const es = FakeEventSource.last;
    expect(es.url).toBe('/api/runs/r-7f3a9c/events');
    act(() => es.onopen?.());
    expect(result.current.connection).toBe('open');
    const live = seedDemoRun.events.filter((e) => Date.parse(e.timestamp) - seedDemoRun.startMs <= 1200);
    act(() => live.forEach((e) => es.emit(e.type, e)));
    expect(result.current.state.running).toBe(3);
    act(() => seedDemoRun.events.slice(live.length).forEach((e) => es.emit(e.type, e)));
    expect(result.current.state.status).toBe('succeeded');
    expect(result.current.state.report?.speedup).toBe(2);
    expect(es.closed).toBe(true);
    expect(result.current.connection).toBe('closed');
  });

  it('reads the stream with fetch and a bearer token when a token is given', async () => {
    const body = reader(seedDemoRun.events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(''));
    const fetchMock = jest.fn(async () => ({
      ok: true,
      status: 200,
      body: { getReader: () => body },
    }));
    const { result } = renderHook(() =>
      useRunEvents('/api/runs/x/events', { token: 's3cret', fetch: fetchMock as unknown as typeof fetch }),
    );
    await act(() => body.drained);
    expect(fetchMock).toHaveBeenCalledWith('/api/runs/x/events', expect.objectContaining({ headers: expect.objectContaining({ Authorization: 'Bearer s3cret' }) }));
    expect(result.current.state.status).toBe('succeeded');
    expect(result.current.state.report?.speedup).toBe(2);
    expect(result.current.connection).toBe('closed');
  });

  it('stays idle without a url', () => {
    const { result } = renderHook(() => useRunEvents(null));
    expect(result.current.connection).toBe('idle');
    expect(result.current.state.status).toBe('pending');
  });
});

/** A stream reader of `text` in two chunks; `drained` resolves once a read found its end. */
function reader(text: string) {
  const bytes = new TextEncoder().encode(text);
  const chunks = [bytes.slice(0, 100), bytes.slice(100)];
  let end!: () => void;
  const drained = new Promise<void>((resolve) => (end = resolve));
  return {
    drained,
    read: async () => {
      if (chunks.length) return { done: false, value: chunks.shift()! };
      end();
      return { done: true, value: undefined };
    },
  };
}

it('every component accepts a finished state without crashing', () => {
  for (const C of [ExecutionGraph, ParallelTimeline, ParallelismIndicator, SpeedupDashboard]) {
    const { unmount } = render(<C state={seedDemoFinished.state} />);
    unmount();
  }
});

describe('honest states', () => {
  const unauthorized = httpStreamError(401, 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>');

  it('ConnectionNotice says what failed, in the server’s words, with a working Retry', () => {
    const onRetry = jest.fn();
    render(<ConnectionNotice error={unauthorized} onRetry={onRetry} />);
    const alert = screen.getByRole('alert');
    expect(alert.getAttribute('data-error-kind')).toBe('unauthorized');
    expect(within(alert).getByText('Not authorized')).toBeTruthy();
    expect(within(alert).getByText(/^Not authorized \(HTTP 401\): Missing or wrong bearer token/)).toBeTruthy();
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('ConnectionNotice names both causes of a network error, and renders nothing without an error', () => {
    const { container, rerender } = render(<ConnectionNotice error={networkStreamError()} />);
    expect(screen.getByRole('alert').textContent).toContain('could not be reached, or it refused this origin (CORS: WEFT_CORS_ORIGINS)');
    expect(screen.queryByRole('button')).toBeNull();
    rerender(<ConnectionNotice error={null} />);
    expect(container.querySelector('.weft-connection-notice')).toBeNull();
  });

  it('the widgets show a failed stream instead of "Waiting to start"', () => {
    const retry = jest.fn();
    const stream = { connectionError: unauthorized, retry };
    render(<ParallelismIndicator stream={stream} />);
    expect(screen.queryByText('Waiting to start')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalled();
  });

  it('each widget takes `stream`, and keeps what it knows under the notice', () => {
    const stream = { connectionError: networkStreamError(), retry: () => undefined };
    for (const C of [ParallelTimeline, SpeedupDashboard]) {
      const { unmount } = render(<C stream={stream} />);
      expect(screen.getByRole('alert')).toBeTruthy();
      expect(document.querySelector('svg.weft-viz')).toBeNull();
      unmount();
    }
    render(<ParallelismIndicator state={seedDemoLive.state} stream={stream} />);
    expect(screen.getByRole('alert')).toBeTruthy();
    expect(screen.getByText('3 steps running in parallel')).toBeTruthy();
  });

  it('the speedup says "so far (running)" in its own style while live, the final figure after', () => {
    const { unmount } = render(<SpeedupDashboard state={seedDemoLive.state} now={seedDemoLive.now} />);
    const headline = screen.getByTestId('weft-speedup-headline');
    expect(headline.textContent).toBe('3.0x faster so far (running)');
    expect(headline.getAttribute('class')).toContain('weft-speedup-provisional');
    expect(screen.getByTestId('weft-speedup-provisional').textContent).toContain('(running)');
    unmount();
    render(<SpeedupDashboard state={seedDemoFinished.state} />);
    expect(screen.getByTestId('weft-speedup-headline').textContent).toBe('2.0x faster');
  });

  it('the timeline labels the dashed limit line', () => {
    render(<ParallelTimeline state={seedDemoFinished.state} />);
    expect(screen.getByTestId('weft-limit-label').textContent).toBe('limit 4');
  });

  it('the indicator says when a server cap held steps back, and the timeline uses the same lanes', () => {
    const { state, now } = cappedRunFixture();
    const { container } = render(
      <>
        <ParallelismIndicator state={state} now={now} width={600} />
        <ParallelTimeline state={state} now={now} />
      </>,
    );
    const subline = screen.getByTestId('weft-indicator-subline');
    expect([...subline.querySelectorAll('tspan')].map((t) => t.textContent)).toEqual(['peak 4 of 8 — the server ran at most 4 processes at once']);
    expect(subline.querySelector('title')!.textContent).toMatch(/WEFT_MAX_PROCESSES/);
    expect(container.querySelector('[data-held-back]')).not.toBeNull();
    const lanes = new Set([...container.querySelectorAll('.weft-timeline-bar')].map((b) => b.getAttribute('transform')!.split(',')[1]));
    expect(lanes.size).toBe(4);
  });
});

describe('responsive', () => {
  it('draws at the given width, 1:1, when `width` is given', () => {
    const { container } = render(<ParallelTimeline state={seedDemoFinished.state} width={640} />);
    const svg = container.querySelector('svg.weft-timeline')!;
    expect(svg.getAttribute('width')).toBe('640');
    expect(svg.getAttribute('viewBox')).toBe('0 0 640 ' + svg.getAttribute('height'));
  });

  it('follows its container’s width with a ResizeObserver', () => {
    const callbacks: ResizeObserverCallback[] = [];
    const observed: Element[] = [];
    const original = globalThis.ResizeObserver;
    globalThis.ResizeObserver = class {
      constructor(cb: ResizeObserverCallback) {
        callbacks.push(cb);
      }
      observe(el: Element) {
        observed.push(el);
      }
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver;
    try {
      const { container } = render(
        <>
          <ParallelTimeline state={seedDemoFinished.state} />
          <SpeedupDashboard state={seedDemoFinished.state} />
          <ParallelismIndicator state={seedDemoFinished.state} />
        </>,
      );
      expect(observed).toHaveLength(3);
      act(() => callbacks.forEach((cb) => cb([{ contentRect: { width: 333.6 } } as ResizeObserverEntry], {} as ResizeObserver)));
      for (const cls of ['weft-timeline', 'weft-speedup', 'weft-indicator'])
        expect(container.querySelector(`svg.${cls}`)!.getAttribute('width')).toBe('333');
      // Compact timeline: slot numbers only.
      expect(container.querySelector('svg.weft-timeline text')!.textContent).toBe('1');
    } finally {
      globalThis.ResizeObserver = original;
    }
  });

  it('lets the history table scroll sideways inside its own box', () => {
    render(<ExecutionHistoryTable runs={historyRuns} />);
    const region = screen.getByRole('region', { name: /Execution history/ });
    expect(region.style.overflowX).toBe('auto');
    expect(within(region).getByRole('table')).toBeTruthy();
  });
});
