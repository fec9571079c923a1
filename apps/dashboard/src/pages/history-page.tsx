import { ExecutionHistoryTable } from '@weft/viz';
import { api } from '../api';
import { navigate } from '../router';
import { useAsync } from './use-async';

/** Past runs, newest first; a row opens the run. */
export function HistoryPage() {
  const { data, error, loading } = useAsync(() => api.runs(100), []);
  return (
    <section className="card">
      {loading && <p className="muted">Loading…</p>}
      {error && <p className="error">{error}</p>}
      {data && <ExecutionHistoryTable runs={data} onSelectRun={(r) => navigate({ name: 'run', runId: r.runId })} />}
    </section>
  );
}
