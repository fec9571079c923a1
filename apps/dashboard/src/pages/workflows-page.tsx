import { useState } from 'react';
import { DEFAULT_MAX_PARALLEL, MAX_PARALLEL_LIMIT } from '@weft/core/browser';
import { api, ApiError, type WorkflowSummary } from '../api';
import { navigate } from '../router';
import { useAsync } from './use-async';

/** Stored workflows, each with a Run button and a maxParallel control; and a form to add one. */
export function WorkflowsPage() {
  const { data, error, loading, reload } = useAsync(() => api.workflows(), []);
  return (
    <>
      <section className="card" aria-labelledby="wf-title">
        <h2 id="wf-title">Workflows</h2>
        {loading && <p className="muted">Loading…</p>}
        {error && <p className="error">{error}</p>}
        {data && data.length === 0 && <p className="muted">No workflows yet: add one below.</p>}
        {data && data.length > 0 && (
          <div className="table-scroll">
          <table className="workflows">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Steps</th>
                <th scope="col">Ideal speedup</th>
                <th scope="col">Run</th>
              </tr>
            </thead>
            <tbody>
              {data.map((w) => (
                <WorkflowRow key={w.id} workflow={w} />
              ))}
            </tbody>
          </table>
          </div>
        )}
      </section>
      <AddWorkflow onAdded={reload} />
    </>
  );
}

function WorkflowRow({ workflow }: { workflow: WorkflowSummary }) {
  // `GET /api/workflows` lists names only; the plan (steps, ideal speedup) comes with the detail.
  const detail = useAsync(async () => (workflow.plan !== undefined ? workflow : api.workflow(workflow.id)), [workflow.id]);
  const plan = detail.data?.plan ?? null;
  // Empty: the workflow's own maxParallel (else the default), as the API does when none is sent.
  const [maxParallel, setMaxParallel] = useState<number | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const { runId } = await api.startRun(workflow.id, maxParallel);
      navigate({ name: 'run', runId });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <tr data-workflow={workflow.name}>
      <td>{workflow.name}</td>
      <td>{plan ? plan.steps.length : detail.loading ? '…' : '–'}</td>
      <td>{plan ? `${plan.idealSpeedup.toFixed(1)}x` : detail.loading ? '…' : '–'}</td>
      <td>
        <label>
          maxParallel{' '}
          <select
            value={maxParallel ?? ''}
            onChange={(e) => setMaxParallel(e.target.value === '' ? undefined : Number(e.target.value))}
            aria-label={`maxParallel for ${workflow.name}`}
          >
            <option value="">as written (default {DEFAULT_MAX_PARALLEL})</option>
            {Array.from({ length: MAX_PARALLEL_LIMIT }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>{' '}
        <button className="primary" type="button" onClick={run} disabled={busy} aria-label={`Run ${workflow.name}`}>
          {busy ? 'Starting…' : 'Run'}
        </button>
        {error && <span className="error"> {error}</span>}
      </td>
    </tr>
  );
}

function AddWorkflow({ onAdded }: { onAdded: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    try {
      await api.createWorkflow(text);
      setText('');
      onAdded();
    } catch (e) {
      if (e instanceof ApiError && e.details.length > 0)
        setError(`${e.message}\n${e.details.map((d) => `${d.path}: ${d.message}`).join('\n')}`);
      else setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a workflow (YAML or JSON)</h2>
      <textarea value={text} onChange={(e) => setText(e.target.value)} aria-label="Workflow document" placeholder="name: report&#10;steps:&#10;  - id: hello&#10;    type: shell&#10;    run: echo hi" />
      <p>
        <button className="primary" type="button" onClick={submit} disabled={!text.trim()}>
          Add workflow
        </button>
      </p>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
