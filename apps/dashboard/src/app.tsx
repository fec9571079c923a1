import { useState } from 'react';
import { getToken, setToken } from './api';
import { dashboardConfig, usesAuthorizationHeader } from './config';
import { href, useRoute } from './router';
import { WorkflowsPage } from './pages/workflows-page';
import { RunPage } from './pages/run-page';
import { HistoryPage } from './pages/history-page';
import { WorkersPage } from './pages/workers-page';

export function App() {
  const route = useRoute();
  const [token, setTokenState] = useState(getToken() ?? '');
  const config = dashboardConfig();
  // The token goes in `Authorization` unless the server says another header (a host's own auth).
  const tokenLabel = usesAuthorizationHeader(config) ? 'API token' : config.authHeader;
  return (
    <>
      <header>
        <span className="brand">Weft</span>
        <nav style={{ display: 'flex', gap: 16 }}>
          <a href={href({ name: 'workflows' })} aria-current={route.name === 'workflows' ? 'page' : undefined}>
            Workflows
          </a>
          <a href={href({ name: 'history' })} aria-current={route.name === 'history' ? 'page' : undefined}>
            History
          </a>
          <a href={href({ name: 'workers' })} aria-current={route.name === 'workers' ? 'page' : undefined}>
            Workers
          </a>
        </nav>
        <label className="token" title={`Sent as ${config.authHeader}: ${config.authScheme ? `${config.authScheme} ` : ''}<token>`}>
          {tokenLabel}
          <input
            type="password"
            value={token}
            placeholder="(none)"
            onChange={(e) => {
              setTokenState(e.target.value);
              setToken(e.target.value || null);
            }}
          />
        </label>
      </header>
      <main>
        {route.name === 'workflows' && <WorkflowsPage />}
        {route.name === 'history' && <HistoryPage />}
        {route.name === 'workers' && <WorkersPage />}
        {route.name === 'run' && <RunPage key={route.runId} runId={route.runId} />}
      </main>
    </>
  );
}
