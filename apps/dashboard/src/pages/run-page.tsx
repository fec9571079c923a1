import { useEffect, useMemo, useState } from 'react';
import type { RunReport, WorkflowPlan } from '@weft/core';
import {
  ExecutionGraph,
  ParallelismIndicator,
  ParallelTimeline,
  SpeedupDashboard,
  runStateFromReport,
  useRunEvents,
  type RunState,
} from '@weft/viz';
import { api, getToken, runEventsUrl } from '../api';
import { navigate } from '../router';

/** One run, live: graph, parallelism, timeline and speedup from the event stream; then a step's log. */
export function RunPage({ runId }: { runId: string }) {
  const live = useRunEvents(runEventsUrl(runId), { token: getToken() });
  const [report, setReport] = useState<(RunReport & { workflowId?: string }) | null>(null);
  const [plan, setPlan] = useState<WorkflowPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  // A finished run may have no events to replay: fall back to its report (and the workflow's plan).
  useEffect(() => {
    let alive = true;
    api
      .run(runId)
      .then(async (r) => {
        if (!alive) return;
        setReport(r);
        if (r.workflowId) {
          const wf = await api.workflow(r.workflowId).catch(() => null);
          if (alive && wf?.plan) setPlan(wf.plan);
        }
      })
      .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      alive = false;
    };
  }, [runId, live.state.status === 'running' ? 'live' : live.state.status]);

  const state: RunState = useMemo(() => {
    if (live.state.status !== 'pending') return live.state;
    if (report && report.status !== 'running') return runStateFromReport(report, plan);
    return live.state;
  }, [live.state, report, plan]);

  const finished = state.status !== 'running' && state.status !== 'pending';
  return (
    <>
      <section className="card">
        <h2>
          Run {runId} {state.workflow ? `· ${state.workflow}` : ''}{' '}
          <span className="status-pill" data-testid="run-status">
            {state.status}
          </span>{' '}
          {state.status === 'running' && (
            <button type="button" onClick={() => api.cancel(runId).catch((e: Error) => setError(e.message))}>
              Cancel
            </button>
          )}
          {state.status === 'failed' && (
            <button
              type="button"
              onClick={() =>
                api
                  .retry(runId)
                  .then(({ runId: next }) => navigate({ name: 'run', runId: next }))
                  .catch((e: Error) => setError(e.message))
              }
            >
              Retry from failure
            </button>
          )}
        </h2>
        {error && <p className="error">{error}</p>}
        {live.error && !finished && <p className="error">Event stream: {live.error}</p>}
        <div className="row">
          <ParallelismIndicator state={state} />
          <div className="grow">
            <ExecutionGraph state={state} onSelectStep={setSelected} selectedStep={selected} />
          </div>
        </div>
      </section>
      <div className="row">
        <section className="card grow" aria-label="Timeline">
          <h2>Timeline</h2>
          <ParallelTimeline state={state} width={760} onSelectStep={setSelected} />
        </section>
        <section className="card" aria-label="Speedup">
          <h2>Speedup</h2>
          <SpeedupDashboard state={state} width={440} />
        </section>
      </div>
      <StepLog runId={runId} state={state} stepId={selected} onClose={() => setSelected(null)} />
    </>
  );
}

function StepLog({ runId, state, stepId, onClose }: { runId: string; state: RunState; stepId: string | null; onClose: () => void }) {
  const [fetched, setFetched] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const step = stepId ? state.steps[stepId] : undefined;
  const streamed = stepId ? state.logs[stepId] : undefined;
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
