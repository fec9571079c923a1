import { render, screen } from '@testing-library/react';
import { api, runEventsUrl, setToken, tokenHeaders } from './api';
import { App } from './app';
import { resetDashboardConfig } from './config';

/** A fetch answering `[]` as JSON, keeping what it was asked. */
function fakeFetch() {
  return jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: true,
    status: 200,
    headers: new Headers({ 'content-type': 'application/json' }),
    json: async () => [],
    text: async () => '[]',
  }));
}

/** Sets the page's `<meta name="weft-config">` as the server writes it. */
function serveConfig(config: object | null): void {
  document.head.innerHTML = config ? `<meta name="weft-config" content="${JSON.stringify(config).replace(/"/g, '&#34;')}">` : '';
  resetDashboardConfig();
}

describe('the API client', () => {
  let fetchMock: ReturnType<typeof fakeFetch>;
  beforeEach(() => {
    fetchMock = fakeFetch();
    globalThis.fetch = fetchMock as unknown as typeof fetch;
  });
  afterEach(() => {
    setToken(null);
    serveConfig(null);
  });

  const sent = () => {
    const [url, init] = fetchMock.mock.calls[fetchMock.mock.calls.length - 1]!;
    return { url, headers: new Headers(init?.headers), credentials: init?.credentials };
  };

  it('asks relative URLs, which follow the mount point of the page', async () => {
    await api.workflows();
    expect(sent().url).toBe('api/workflows');
    await api.run('r 1');
    expect(sent().url).toBe('api/runs/r%201');
    await api.cancel('r1');
    expect(sent().url).toBe('api/runs/r1/cancel');
    expect(runEventsUrl('r1')).toBe('api/runs/r1/events');
    // Against a page at /weft/#/runs/r1, the hash plays no part.
    expect(new URL(runEventsUrl('r1'), 'http://127.0.0.1:3000/weft/#/runs/r1').pathname).toBe('/weft/api/runs/r1/events');
    expect(new URL('api/workflows', 'http://127.0.0.1:3000/#/history').pathname).toBe('/api/workflows');
  });

  it('sends no token header without a token, and keeps the same-origin cookies (fetch default)', async () => {
    await api.workflows();
    expect([...sent().headers.keys()]).toEqual([]);
    expect(sent().credentials).toBeUndefined();
  });

  it('sends the token as a bearer Authorization header by default', async () => {
    serveConfig({});
    setToken('s3cret');
    await api.workflows();
    expect(sent().headers.get('authorization')).toBe('Bearer s3cret');
    expect(tokenHeaders()).toEqual({ Authorization: 'Bearer s3cret' });
  });

  it("sends the token in the server's header, without a scheme when it says none", async () => {
    serveConfig({ authHeader: 'X-Api-Key', authScheme: null });
    setToken('k1');
    await api.createWorkflow('name: x');
    expect(sent().headers.get('x-api-key')).toBe('k1');
    expect(sent().headers.get('authorization')).toBeNull();
    expect(sent().headers.get('content-type')).toBe('application/yaml');
    expect(tokenHeaders()).toEqual({ 'X-Api-Key': 'k1' });
  });
});

describe('the token box', () => {
  beforeEach(() => {
    globalThis.fetch = fakeFetch() as unknown as typeof fetch;
  });
  afterEach(() => serveConfig(null));

  it('is labelled API token for the Authorization header', async () => {
    serveConfig({ authHeader: 'Authorization', authScheme: 'Bearer' });
    render(<App />);
    expect(screen.getByLabelText('API token')).toBeTruthy();
    await screen.findByText('No workflows yet: add one below.');
  });

  it("is labelled with the header's name for another header", async () => {
    serveConfig({ authHeader: 'X-Api-Key', authScheme: null });
    render(<App />);
    expect(screen.getByLabelText('X-Api-Key')).toBeTruthy();
    expect(screen.queryByLabelText('API token')).toBeNull();
    await screen.findByText('No workflows yet: add one below.');
  });
});
