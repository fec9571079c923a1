import { useEffect, useState } from 'react';
import { ExecutionHistoryTable } from '@weft/viz';
import { api } from '../api';
import { navigate } from '../router';

/** Runs asked for at a time. */
export const HISTORY_PAGE_SIZE = 100;

type Run = Awaited<ReturnType<typeof api.runsPage>>['runs'][number];

/** Past runs, newest first, a page at a time ("Older runs" asks for the next); a row opens the run. */
export function HistoryPage() {
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = (cursor: string | null) => {
    setLoading(true);
    setError(null);
    api
      .runsPage(HISTORY_PAGE_SIZE, cursor)
      .then((page) => {
        setRuns((before) => (cursor === null ? page.runs : [...(before ?? []), ...page.runs]));
        setNext(page.nextCursor);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setLoading(false));
  };
  useEffect(() => load(null), []);

  return (
    <section className="card">
      {runs && <ExecutionHistoryTable runs={runs} onSelectRun={(r) => navigate({ name: 'run', runId: r.runId })} />}
      {loading && <p className="muted">Loading…</p>}
      {error && <p className="error">{error}</p>}
      {runs && !loading && (
        <p className="muted" data-testid="history-count">
          {runs.length} {runs.length === 1 ? 'run' : 'runs'}
          {next ? ', newest first; there are older ones' : ''}{' '}
          {next && (
            <button type="button" onClick={() => load(next)}>
              Older runs
            </button>
          )}
        </p>
      )}
    </section>
  );
}
