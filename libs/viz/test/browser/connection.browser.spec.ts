import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { serveStorybook } from './storybook';

/**
 * `useRunEvents` in Chromium against a tiny API on another origin that answers 401, 404, 500, a
 * response without CORS headers, or nothing at all: the widgets show what failed (not "Waiting to
 * start") and Retry connects again. The story `Viz/ConnectionNotice/LiveStreamRefused` runs the hook
 * on the URL given as `?weftStreamUrl=`.
 */
let baseUrl: string;
let api: string;
let apiServer: Server;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let closeStorybook: () => Promise<void>;
/** While true, `/api/runs/flaky/events` answers 503. */
let flakyDown = true;

const runStarted = {
  type: 'run.started',
  runId: 'r-flaky',
  timestamp: '2026-11-26T10:00:00.000Z',
  running: 0,
  workflow: 'demo',
  maxParallel: 4,
  plan: { steps: ['a'], edges: [], criticalPath: ['a'] },
  steps: [{ id: 'a', type: 'shell', needs: [], runsOn: null }],
};

function cors(req: IncomingMessage): Record<string, string> {
  return {
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-headers': 'authorization, accept',
    vary: 'Origin',
  };
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const which = /^\/api\/runs\/([^/]+)\/events$/.exec(path)?.[1] ?? '';
  if (req.method === 'OPTIONS') {
    res.writeHead(which === 'nocors' ? 404 : 204, which === 'nocors' ? {} : cors(req)).end();
    return;
  }
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { ...cors(req), 'content-type': 'application/json' }).end(JSON.stringify(body));
  switch (which) {
    case '401':
      return json(401, { statusCode: 401, error: 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>' });
    case '404':
      return json(404, { statusCode: 404, message: 'No run r-404', error: 'Not Found' });
    case '500':
      return res.writeHead(500, { ...cors(req), 'content-type': 'text/plain' }).end('database is locked');
    case 'nocors':
      return res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`event: run.started\ndata: ${JSON.stringify(runStarted)}\n\n`);
    case 'flaky':
      if (flakyDown) return res.writeHead(503, { ...cors(req), 'content-type': 'text/plain' }).end('starting up');
      res.writeHead(200, { ...cors(req), 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      // Kept open, as a live run's stream is.
      res.write(`event: run.started\ndata: ${JSON.stringify(runStarted)}\n\n`);
      return;
    default:
      return json(404, { statusCode: 404, message: 'unknown' });
  }
}

beforeAll(async () => {
  const storybook = await serveStorybook();
  baseUrl = storybook.url;
  closeStorybook = storybook.close;
  apiServer = createServer(handle);
  await new Promise<void>((resolve) => apiServer.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;
  ({ context, close: closeBrowser } = await launchChromium());
}, 150_000);

afterAll(async () => {
  await closeBrowser?.();
  apiServer?.closeAllConnections();
  await new Promise((resolve) => apiServer?.close(resolve));
  await closeStorybook?.();
});

/** Opens the live story on `url` and returns the notice's text once it shows. */
async function open(page: Page, url: string, token?: string): Promise<string> {
  const query = `weftStreamUrl=${encodeURIComponent(url)}${token ? `&weftStreamToken=${encodeURIComponent(token)}` : ''}`;
  await page.goto(`${baseUrl}/iframe.html?id=viz-connectionnotice--live-stream-refused&viewMode=story&${query}`, { waitUntil: 'load' });
  const notice = page.locator('#storybook-root .weft-indicator-box [role="alert"]');
  await notice.waitFor({ timeout: 15_000 });
  expect(await page.getByText('Waiting to start').count()).toBe(0);
  return (await notice.textContent()) ?? '';
}

describe('useRunEvents in Chromium: connection errors', () => {
  let page: Page;
  beforeEach(async () => {
    page = await context.newPage();
  });
  afterEach(async () => {
    await page.close();
  });

  it('401: "Not authorized" with the server’s text (EventSource, then a probe with fetch)', async () => {
    const text = await open(page, `${api}/api/runs/401/events`);
    expect(text).toContain('Not authorized (HTTP 401): Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>');
  });

  it('401 on the token path (fetch with Authorization, after a CORS preflight)', async () => {
    const text = await open(page, `${api}/api/runs/401/events`, 'wrong-token');
    expect(text).toContain('Not authorized (HTTP 401): Missing or wrong bearer token');
  });

  it('404: no such run', async () => {
    expect(await open(page, `${api}/api/runs/404/events`)).toContain('No such run on this server (HTTP 404): No run r-404');
  });

  it('500: the server failed, in its words', async () => {
    expect(await open(page, `${api}/api/runs/500/events`)).toContain('The server failed (HTTP 500): database is locked');
  });

  it('a response without CORS headers: unreachable or refused origin, naming WEFT_CORS_ORIGINS', async () => {
    expect(await open(page, `${api}/api/runs/nocors/events`)).toContain(
      'The server could not be reached, or it refused this origin (CORS: WEFT_CORS_ORIGINS)',
    );
  });

  it('a server that is down: the same words', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise((resolve) => down.close(resolve));
    expect(await open(page, `http://127.0.0.1:${port}/api/runs/x/events`)).toContain('The server could not be reached');
  });

  it('Retry connects again: the notice goes and the run shows', async () => {
    flakyDown = true;
    expect(await open(page, `${api}/api/runs/flaky/events`)).toContain('The server failed (HTTP 503): starting up');
    flakyDown = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByText('No steps running', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    expect(await page.locator('[data-connection]').getAttribute('data-connection')).toBe('open');
  });
});
