import { useEffect, useMemo, useState } from 'react';
import type { RunReport, WorkflowPlan } from '@weft/core/browser';
import {
  ExecutionGraph,
  ParallelismIndicator,
  ParallelTimeline,
  SpeedupDashboard,
  applyPlan,
  initialRunState,
  runStateFromReport,
  useRunEvents,
  type RunState,
  type TimelineGroupBy,
} from '@weft/viz';
import { api, ApiError, runEventsUrl, tokenHeaders, WORKERS_POLL_MS } from '../api';
import { navigate } from '../router';
import { usePolling } from './use-polling';
import { missingWorkerNotices, waitsForLabels, whereStepRan } from './run-workers';

/** One run, live: graph, parallelism, timeline and speedup from the event stream; then a step's log. */
export function RunPage({ runId }: { runId: string }) {
  const live = useRunEvents(runEventsUrl(runId), { headers: tokenHeaders() });
  const [report, setReport] = useState<RunReport | null>(null);
  // Until the report answered, the stream may be replaying a finished run: do not show it as live.
  const [reportSettled, setReportSettled] = useState(false);
  const [plan, setPlan] = useState<WorkflowPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The server has no such run: nothing else of the page applies.
  const [notFound, setNotFound] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [lanes, setLanes] = useLanesChoice();
  // Retry asks for the report again too: the same refusal (a token, CORS) usually failed both.
  const [reloads, setReloads] = useState(0);

  // A finished run may have no events to replay: fall back to its report. Either way a finished
  // run's replayed events and its report carry no dependency edges: take them from the workflow's plan.
  useEffect(() => {
    let alive = true;
    api
      .run(runId)
      .then((r) => alive && setReport(r))
      .catch((e: unknown) => {
        if (!alive) return;
        setError(e instanceof Error ? e.message : String(e));
        setNotFound(e instanceof ApiError && e.status === 404);
      })
      .finally(() => alive && setReportSettled(true));
    return () => {
      alive = false;
    };
  }, [runId, live.state.status === 'running' ? 'live' : live.state.status, reloads]);

  const reportLoaded = report !== null;
  useEffect(() => {
    if (!report) return undefined;
    let alive = true;
    api
      .runPlan(report)
      .then((p) => alive && setPlan(p))
      .catch(() => undefined); // without a plan the graph still shows every step, only no edges
    return () => {
      alive = false;
    };
    // Once per run: the plan does not change.
  }, [runId, reportLoaded]);

  const state: RunState = useMemo(() => {
    const liveDone = live.state.status !== 'pending' && live.state.status !== 'running';
    // A finished run's stream replays it from the start: show its report until the replay ends,
    // rather than flicker back to "running" with every step pending.
    if (!liveDone && report && report.status !== 'running') return runStateFromReport(report, plan);
    if (!liveDone && !reportSettled) return initialRunState();
    if (live.state.status !== 'pending') return applyPlan(live.state, plan);
    return live.state;
  }, [live.state, report, reportSettled, plan]);

  const finished = state.status !== 'running' && state.status !== 'pending';
  // The stream's error, for the parallelism indicator to show (with Retry) instead of "Waiting to
  // start"; none once the run is over: a finished run needs no stream.
  const retry = live.retry;
  const stream = useMemo(
    () => ({
      connectionError: finished ? null : live.connectionError,
      retry: () => {
        setError(null);
        setReportSettled(false);
        setReloads((n) => n + 1);
        retry();
      },
    }),
    [finished, live.connectionError, retry],
  );
  // The report's error says the same as the stream's when both were refused alike: say it once.
  const reportError = error && stream.connectionError?.serverText && error.includes(stream.connectionError.serverText) ? null : error;
  // Ask which workers are connected only while some pending step waits for a label (`runsOn`, from
  // `run.started`: a running run's state comes from its events).
  const waiting = waitsForLabels(state);
  const workers = usePolling(() => api.workers(), WORKERS_POLL_MS, waiting);
  const notices = waiting ? missingWorkerNotices(state, workers.data) : [];
  if (notFound && state.status === 'pending') {
    return (
      <section className="card">
        <h2>
          Run{' '}
          <span className="muted run-id" title={`Run ${runId}`}>
            {runId}
          </span>
        </h2>
        <p className="error" data-testid="run-not-found">
          {error}
        </p>
        <p>
          <a href="#/history">See the runs in the history</a>
        </p>
      </section>
    );
  }
  const restartable = state.status === 'failed' || state.status === 'cancelled' || state.status === 'interrupted';
  // The live stream dropped mid-run: the browser's EventSource is reconnecting (it resumes from the
  // last event), or a stream read with fetch simply ended. Say so: what the page shows is stale.
  const lost = state.status === 'running' && live.state.status === 'running' && (live.connection === 'connecting' || live.connection === 'closed');
  return (
    <>
      <section className="card">
        <h2>
          {state.workflow ?? 'Run'}{' '}
          <span className="muted run-id" title={`Run ${runId}`}>
            run {runId.slice(0, 8)}
          </span>{' '}
          <span className="status-pill" data-testid="run-status">
            {state.status}
          </span>{' '}
          {state.status === 'running' && (
            <button type="button" onClick={() => api.cancel(runId).catch((e: Error) => setError(e.message))}>
              Cancel
            </button>
          )}
          {restartable && (
            <button
              type="button"
              onClick={() =>
                api
                  .retry(runId)
                  .then(({ runId: next }) => navigate({ name: 'run', runId: next }))
                  .catch((e: Error) => setError(e.message))
              }
            >
              {state.status === 'failed' ? 'Retry from failure' : 'Retry from where it stopped'}
            </button>
          )}
        </h2>
        {reportError && <p className="error">{reportError}</p>}
        {lost && (
          <p className="error" role="status" data-testid="connection-lost">
            {live.connection === 'connecting'
              ? 'Lost the connection to the server: reconnecting… What is shown stopped at the last event received.'
              : 'The event stream ended before the run did. What is shown stopped at the last event received.'}{' '}
            {live.connection === 'closed' && (
              <button type="button" onClick={stream.retry}>
                Reconnect
              </button>
            )}
          </p>
        )}
        <div role="status" aria-live="polite" className="notices" data-testid="worker-notices">
          {notices.length > 0 && (
            <ul>
              {notices.map((n) => (
                <li key={n.stepId} data-step={n.stepId}>
                  <strong>{n.stepId}</strong>: waiting for a worker with label <code>{n.label}</code> — none is connected
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="row">
          <div className="indicator-col">
            <ParallelismIndicator state={state} stream={stream} />
          </div>
          <div className="grow graph-scroll">
            <ExecutionGraph state={state} onSelectStep={setSelected} selectedStep={selected} />
          </div>
        </div>
      </section>
      {/* Nothing of the run is known and the stream failed: the notice above says why; no empty charts. */}
      {!(stream.connectionError && state.status === 'pending') && (
      <div className="row">
        <section className="card grow" aria-label="Timeline">
          <div className="card-head">
            <h2>Timeline</h2>
            <fieldset className="toggle">
              <legend>lanes:</legend>
              <label>
                <input type="radio" name="timeline-lanes" checked={lanes === 'lane'} onChange={() => setLanes('lane')} /> by slot
              </label>
              <label>
                <input type="radio" name="timeline-lanes" checked={lanes === 'worker'} onChange={() => setLanes('worker')} /> by worker
              </label>
            </fieldset>
          </div>
          <ParallelTimeline state={state} onSelectStep={setSelected} groupBy={lanes} />
        </section>
        <section className="card speedup-card" aria-label="Speedup">
          <h2>Speedup</h2>
          <SpeedupDashboard state={state} />
        </section>
      </div>
      )}
      <StepLog runId={runId} state={state} stepId={selected} onClose={() => setSelected(null)} />
    </>
  );
}

const LANES_KEY = 'weft.timelineLanes';

/** The timeline's lane grouping, remembered across runs in this browser. */
function useLanesChoice(): [TimelineGroupBy, (groupBy: TimelineGroupBy) => void] {
  const [groupBy, setGroupBy] = useState<TimelineGroupBy>(() => {
    try {
      return localStorage.getItem(LANES_KEY) === 'worker' ? 'worker' : 'lane';
    } catch {
      return 'lane';
    }
  });
  const choose = (next: TimelineGroupBy) => {
    setGroupBy(next);
    try {
      localStorage.setItem(LANES_KEY, next);
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
  };
  return [groupBy, choose];
}

function StepLog({ runId, state, stepId, onClose }: { runId: string; state: RunState; stepId: string | null; onClose: () => void }) {
  const [fetched, setFetched] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const step = stepId ? state.steps[stepId] : undefined;
  const streamed = stepId ? state.logs[stepId] : undefined;
  const where = stepId ? whereStepRan(state, stepId) : null;
  const done = step && step.status !== 'running' && step.status !== 'pending';
  useEffect(() => {
    setFetched(null);
    setError(null);
    if (!stepId || streamed !== undefined || !done) return;
    let alive = true;
    api
      .stepLog(runId, stepId)
      .then((log) => alive && setFetched(log))
      .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      alive = false;
    };
  }, [runId, stepId, streamed === undefined, done]);
  if (!stepId) return <section className="card muted">Select a step in the graph or the timeline to see its log.</section>;
  return (
    <section className="card" aria-label={`Log of ${stepId}`}>
      <h2>
        Log · {stepId} <span className="status-pill">{step?.status ?? 'unknown'}</span>{' '}
        {where && (
          <span className="muted" data-testid="step-worker">
            {where}
          </span>
        )}{' '}
        {step?.message && <span className="muted">{step.message}</span>}{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </h2>
      {error && <p className="error">{error}</p>}
      <pre className="log" data-testid="step-log">
        {streamed ?? fetched ?? (done ? 'Loading…' : 'No output yet.')}
      </pre>
    </section>
  );
}
