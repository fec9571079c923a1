/**
 * The page theme.browser.spec.ts opens (bundled with esbuild): every widget from the fixtures, in
 * the light, dark and auto themes, and under ancestors that set `--weft-*` variables. Plain
 * `createElement` (no JSX) so that the library's `tsc -p tsconfig.json` checks it.
 *
 * `?nonce=<n>` passes a CSP nonce to the kit (the page's policy allows only `nonce-weft-test`).
 */
import { createElement as h, type CSSProperties, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import {
  ConnectionNotice,
  ExecutionGraph,
  ExecutionHistoryTable,
  ParallelismIndicator,
  ParallelTimeline,
  SpeedupDashboard,
  WeftStylesProvider,
  WeftTheme,
  WorkerList,
  type WeftThemeName,
} from '../../src/index.js';
import {
  failuresFinished,
  failuresLive,
  historyRuns,
  seedDemoFinished,
  seedDemoLive,
  wideFanOutOnWorkersFinished,
  workerInfos,
  workersNow,
  type RunFixture,
} from '../../src/fixtures/index.js';

const time = (iso: string) => iso.replace('T', ' ').slice(0, 19);

/** Every widget, in the states that draw every kind of text: finished, live, failed, skipped, retried, on workers, a connection error, the search box. */
function allWidgets(): ReactNode[] {
  const run = (f: RunFixture) => ({ state: f.state, now: f.now });
  return [
    h(ExecutionGraph, { key: 'graph-finished', ...run(seedDemoFinished) }),
    h(ExecutionGraph, { key: 'graph-live', ...run(seedDemoLive) }),
    h(ExecutionGraph, { key: 'graph-failures', ...run(failuresFinished) }),
    h(ExecutionGraph, { key: 'graph-failures-live', ...run(failuresLive) }),
    // The search box (shown by default above 12 steps).
    h(ExecutionGraph, { key: 'graph-search', ...run(failuresFinished), search: true }),
    h(ConnectionNotice, { key: 'connection', error: 'Missing or wrong bearer token (HTTP 401)', onRetry: () => undefined }),
    h(ParallelTimeline, { key: 'timeline-finished', ...run(seedDemoFinished) }),
    h(ParallelTimeline, { key: 'timeline-live', ...run(seedDemoLive) }),
    h(ParallelTimeline, { key: 'timeline-failures', ...run(failuresFinished) }),
    h(ParallelTimeline, { key: 'timeline-workers', ...run(wideFanOutOnWorkersFinished), groupBy: 'worker' }),
    h(ParallelismIndicator, { key: 'indicator-live', state: seedDemoLive.state }),
    h(ParallelismIndicator, { key: 'indicator-finished', state: seedDemoFinished.state }),
    h(SpeedupDashboard, { key: 'speedup-finished', ...run(seedDemoFinished) }),
    h(SpeedupDashboard, { key: 'speedup-live', ...run(seedDemoLive) }),
    h(ExecutionHistoryTable, { key: 'history', runs: historyRuns, formatTime: time }),
    h(ExecutionHistoryTable, { key: 'history-empty', runs: [] }),
    h(WorkerList, { key: 'workers', workers: workerInfos, now: workersNow }),
  ];
}

const section = (id: string, children: ReactNode, style?: CSSProperties) => h('section', { key: id, id, style }, children);

function Page({ nonce }: { nonce: string | undefined }) {
  const themed = (theme: WeftThemeName) =>
    // The right padding: the timeline's "now" label may stick out of the widget (see the report).
    section(theme, h(WeftTheme, { theme, nonce, style: { padding: '8px 48px 8px 8px' } }, ...allWidgets()));
  return h(
    WeftStylesProvider,
    { nonce },
    themed('light'),
    themed('dark'),
    themed('auto'),
    // Variables set on ancestors: a plain page (no theme attribute), a dark part, a light part inside it.
    section(
      'override',
      h('div', { style: { '--weft-fg': 'rgb(1, 2, 3)', '--weft-bg': 'rgb(250, 240, 230)' } as CSSProperties }, h(ExecutionGraph, { state: seedDemoFinished.state })),
    ),
    section(
      'dark-override',
      h(
        'div',
        { 'data-weft-theme': 'dark' },
        h(ExecutionGraph, { state: seedDemoFinished.state }),
        h('div', { style: { '--weft-color-running': 'rgb(7, 8, 9)' } as CSSProperties }, h(ParallelismIndicator, { state: seedDemoLive.state })),
        h('div', { className: 'weft-theme-light' }, h(SpeedupDashboard, { state: seedDemoFinished.state })),
      ),
    ),
  );
}

const nonce = new URLSearchParams(location.search).get('nonce') ?? undefined;
createRoot(document.getElementById('root')!).render(h(Page, { nonce }));
