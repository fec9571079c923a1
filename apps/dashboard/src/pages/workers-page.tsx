import { WorkerList } from '@weft/viz';
import { api, WORKERS_POLL_MS } from '../api';
import { usePolling } from './use-polling';

/** The workers steps are sent to, refreshed every 5 s; or how to get some when the server runs steps itself. */
export function WorkersPage() {
  const { data, error } = usePolling(() => api.workers(), WORKERS_POLL_MS);
  return (
    <section className="card" aria-labelledby="workers-title">
      <h2 id="workers-title">Workers</h2>
      {!data && !error && <p className="muted">Loading…</p>}
      {error && <p className="error">{error}</p>}
      {data?.dispatcher === 'local' && (
        <p className="notice" data-testid="local-dispatcher">
          Steps run on this server. Start workers with <code>weft worker --queue redis://…</code> and set{' '}
          <code>WEFT_QUEUE_URL</code> on the server to spread them over machines.
        </p>
      )}
      {data?.dispatcher === 'queue' && <WorkerList workers={data.workers} caption="Connected workers" />}
    </section>
  );
}
