import { connect } from 'node:net';
import { join } from 'node:path';
import { tempDir, waitFor } from './e2e-helpers.js';
import { buildServer, parseEventStream, send as sendRequest, startServerProcess, type HttpAnswer, type RawRequest, type ServerProcess } from './server-process.js';

/**
 * Same-origin defaults, the API token's route checks and the settings the server refuses to start
 * with, against the real server as a child process, with raw HTTP: the Host, Origin and
 * Content-Type headers are exactly what a browser or curl would send.
 */

const WORKFLOW = 'name: quick\nsteps:\n  - id: a\n    type: shell\n    run: "true"\n';
const PWNED = 'name: x\nsteps:\n  - id: a\n    type: shell\n    run: echo pwned\n';
const LISTED_ORIGIN = 'http://app.example.test:5173';
const TOKEN = 'weft-e2e-token-0123456789abcdef';

/** One request on a fresh connection, headers exactly as given; `Host` is `127.0.0.1:<port>` unless given, as curl sends it. */
function send(port: number, request: RawRequest): Promise<HttpAnswer> {
  return sendRequest(port, { ...request, headers: { host: `127.0.0.1:${port}`, ...request.headers } });
}

/** The status line of a raw request written to the socket as is (e.g. HTTP/1.0 without Host). */
function rawStatus(port: number, text: string): Promise<string> {
  return new Promise((resolveStatus, reject) => {
    // Write without half-closing: an HTTP/1.0 server closes the connection itself after answering.
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer within 30 s')));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolveStatus(answer.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

/** Resolves with the server's startup error, or 'listening' (and stops it) when it started. */
async function startupOutcome(dir: string, env: Record<string, string>): Promise<string> {
  try {
    const server = await startServerProcess({ databaseFile: join(dir, 'refused.sqlite'), workspace: dir, examplesDir: '', env });
    await server.kill();
    return 'listening';
  } catch (error) {
    return String((error as Error).message);
  }
}

let dir: { path: string; dispose(): void };

beforeAll(() => {
  buildServer();
  dir = tempDir('weft-same-origin-');
}, 180_000);

afterAll(() => dir?.dispose());

describe('Weft server same-origin defaults', () => {
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    server = await startServerProcess({
      databaseFile: join(dir.path, 'open.sqlite'),
      workspace: dir.path,
      examplesDir: '',
      env: {
        WEFT_ALLOWED_HOSTS: 'weft.example.test, .lan.example',
        WEFT_CORS_ORIGINS: LISTED_ORIGIN,
      },
    });
    port = server.port;
  }, 60_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
  });

  async function storeWorkflow(): Promise<string> {
    const answer = await send(port, { method: 'POST', path: '/api/workflows', headers: { 'content-type': 'application/yaml' }, body: WORKFLOW });
    expect(answer.status).toBe(201);
    return answer.body.id;
  }

  it('refuses a DNS-rebinding Host with 421 and says how to allow a name', async () => {
    for (const host of [`rebind.attacker.example:${port}`, 'rebind.attacker.example', `127.0.0.1.nip.io:${port}`, `localhost.attacker.example:${port}`]) {
      const answer = await send(port, { path: '/api/workflows', headers: { host } });
      expect(answer.status).toBe(421);
      expect(answer.body).toEqual({ statusCode: 421, error: expect.stringContaining(host) });
      expect(answer.body.error).toMatch(/WEFT_ALLOWED_HOSTS/);
    }
    const dashboard = await send(port, { path: '/', headers: { host: 'rebind.attacker.example' } });
    expect(dashboard.status).toBe(421);
    // The operator sees each refusal, and why, in the log (the child's output arrives on its own time).
    const refusalsOf = (status: number) =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"request refused"'))
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.status === status);
    const refusals = await waitFor('five 421 refusals in the log', () => refusalsOf(421).length >= 5 && refusalsOf(421));
    expect(refusals.map((entry) => [entry.method, entry.path])).toEqual([
      ...Array(4).fill(['GET', '/api/workflows']),
      ['GET', '/'],
    ]);
    expect(refusals[0].error).toContain('rebind.attacker.example');
  });

  it('answers loopback names, IP literals, WEFT_ALLOWED_HOSTS names and a request without Host', async () => {
    const hosts = [
      `127.0.0.1:${port}`,
      '127.0.0.1',
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `app.localhost:${port}`,
      `[::1]:${port}`,
      `10.1.2.3:${port}`,
      `[fd00::1]:${port}`,
      'weft.example.test',
      `Weft.Example.Test:${port}`,
      `build.lan.example:${port}`,
      'lan.example',
    ];
    for (const host of hosts) {
      const answer = await send(port, { path: '/api/health', headers: { host } });
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
    }
    expect(await rawStatus(port, 'GET /api/health HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.[01] 200/);
  });

  it('refuses a cross-site text/plain POST of a workflow and stores nothing', async () => {
    const before = (await send(port, { path: '/api/workflows' })).text;
    const crossSite = await send(port, {
      method: 'POST',
      path: '/api/workflows',
      headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
      body: PWNED,
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toEqual({ statusCode: 403, error: expect.stringContaining('http://evil.example') });
    expect(crossSite.body.error).toMatch(/WEFT_CORS_ORIGINS/);
    expect(crossSite.headers['access-control-allow-origin']).toBeUndefined();
    // The same with a type a form may send as JSON, and from a sandboxed page (Origin: null).
    for (const [origin, type] of [
      ['http://evil.example', 'application/json'],
      ['null', 'application/yaml'],
      [`http://127.0.0.1:${port + 1}`, 'application/yaml'],
    ]) {
      const answer = await send(port, { method: 'POST', path: '/api/workflows', headers: { origin, 'content-type': type }, body: PWNED });
      expect({ origin, status: answer.status }).toEqual({ origin, status: 403 });
    }
    expect((await send(port, { path: '/api/workflows' })).text).toBe(before);
  });

  it('refuses a cross-site form POST that starts a run, and starts nothing', async () => {
    const workflowId = await storeWorkflow();
    const before = (await send(port, { path: '/api/runs' })).text;
    const answer = await send(port, {
      method: 'POST',
      path: `/api/workflows/${workflowId}/runs`,
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'maxParallel=1',
    });
    expect(answer.status).toBe(403);
    for (const action of ['cancel', 'retry']) {
      const other = await send(port, { method: 'POST', path: `/api/runs/00000000-0000-4000-8000-000000000000/${action}`, headers: { origin: 'http://evil.example' } });
      expect(other.status).toBe(403);
    }
    expect((await send(port, { path: '/api/runs' })).text).toBe(before);
  });

  it('accepts same-origin POSTs (Origin = the server itself), as the dashboard sends them', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `weft.example.test:${port}`]) {
      const origin = `http://${host}`;
      const stored = await send(port, {
        method: 'POST',
        path: '/api/workflows',
        headers: { host, origin, 'content-type': 'application/yaml' },
        body: WORKFLOW,
      });
      expect({ origin, status: stored.status }).toEqual({ origin, status: 201 });
      const started = await send(port, {
        method: 'POST',
        path: `/api/workflows/${stored.body.id}/runs`,
        headers: { host, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ maxParallel: 2 }),
      });
      expect(started.status).toBe(202);
      // The dashboard's cancel and retry: POST without a body.
      const retried = await send(port, { method: 'POST', path: `/api/runs/${started.body.runId}/retry`, headers: { host, origin } });
      expect([202, 409]).toContain(retried.status);
      const cancelled = await send(port, { method: 'POST', path: `/api/runs/${started.body.runId}/cancel`, headers: { host, origin, 'content-length': '0' } });
      expect([202, 409]).toContain(cancelled.status);
    }
  });

  it('gives a WEFT_CORS_ORIGINS origin a preflight and CORS headers, the SSE stream included', async () => {
    const preflight = await send(port, {
      method: 'OPTIONS',
      path: '/api/workflows',
      headers: { origin: LISTED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': LISTED_ORIGIN,
      'access-control-allow-methods': expect.stringMatching(/POST/),
      'access-control-allow-headers': expect.stringMatching(/Authorization.*Content-Type.*Last-Event-ID/),
      'access-control-max-age': expect.stringMatching(/^\d+$/),
      vary: expect.stringMatching(/Origin/),
    });
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

    const refused = await send(port, {
      method: 'OPTIONS',
      path: '/api/workflows',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    const stored = await send(port, {
      method: 'POST',
      path: '/api/workflows',
      headers: { origin: LISTED_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cors', steps: [{ id: 'a', type: 'shell', run: 'sleep 0.2' }] }),
    });
    expect(stored.status).toBe(201);
    expect(stored.headers['access-control-allow-origin']).toBe(LISTED_ORIGIN);
    expect(stored.headers.vary).toMatch(/Origin/);
    expect(stored.headers['access-control-expose-headers']).toMatch(/X-Next-Cursor/);

    const started = await send(port, {
      method: 'POST',
      path: `/api/workflows/${stored.body.id}/runs`,
      headers: { origin: LISTED_ORIGIN, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(202);
    const events = await send(port, { path: `/api/runs/${started.body.runId}/events`, headers: { origin: LISTED_ORIGIN, accept: 'text/event-stream' } });
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    expect(events.headers['access-control-allow-origin']).toBe(LISTED_ORIGIN);
    expect(parseEventStream(events.text).at(-1)?.event).toBe('run.finished');

    const list = await send(port, { path: '/api/workflows', headers: { origin: 'http://evil.example' } });
    expect(list.status).toBe(200); // a foreign page cannot read it: no CORS header
    expect(list.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 415 to a body that is not JSON or YAML, before storing or running anything', async () => {
    const workflowId = await storeWorkflow();
    const workflowsBefore = (await send(port, { path: '/api/workflows' })).text;
    const runsBefore = (await send(port, { path: '/api/runs' })).text;
    const multipart = '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nname: x\r\n--b--\r\n';
    const cases: [string, string | undefined, string][] = [
      ['/api/workflows', 'text/plain', PWNED],
      ['/api/workflows', 'application/x-www-form-urlencoded', PWNED],
      ['/api/workflows', 'multipart/form-data; boundary=b', multipart],
      ['/api/workflows', undefined, PWNED],
      ['/api/workflows', 'image/png', 'x'],
      [`/api/workflows/${workflowId}/runs`, 'application/x-www-form-urlencoded', '{"maxParallel":1}'],
      [`/api/workflows/${workflowId}/runs`, 'text/plain', '{"maxParallel":1}'],
      [`/api/workflows/${workflowId}/runs`, 'application/yaml', 'maxParallel: 1'],
      [`/api/workflows/${workflowId}/runs`, undefined, '{"maxParallel":1}'],
      ['/api/runs/00000000-0000-4000-8000-000000000000/cancel', 'text/plain', 'x'],
      ['/api/runs/00000000-0000-4000-8000-000000000000/retry', 'application/x-www-form-urlencoded', 'a=b'],
    ];
    for (const [path, type, body] of cases) {
      const answer = await send(port, { method: 'POST', path, headers: type ? { 'content-type': type } : {}, body });
      expect({ path, type, status: answer.status }).toEqual({ path, type, status: 415 });
      expect(answer.body).toEqual({ statusCode: 415, error: expect.stringMatching(/application\/json/) });
    }
    expect((await send(port, { path: '/api/workflows' })).text).toBe(workflowsBefore);
    expect((await send(port, { path: '/api/runs' })).text).toBe(runsBefore);

    // The documented types, parameters and +json included, still work.
    for (const type of ['application/json; charset=utf-8', 'application/vnd.weft+json']) {
      const answer = await send(port, { method: 'POST', path: `/api/workflows/${workflowId}/runs`, headers: { 'content-type': type }, body: '{"maxParallel":9}' });
      expect({ type, status: answer.status }).toEqual({ type, status: 400 }); // read, and 9 is over the maximum
    }
    const yaml = await send(port, { method: 'POST', path: '/api/workflows', headers: { 'content-type': 'text/x-yaml; charset=utf-8' }, body: WORKFLOW });
    expect(yaml.status).toBe(201);
  });
});

describe('Weft server with WEFT_API_TOKEN: route checks on the canonical path', () => {
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    server = await startServerProcess({
      databaseFile: join(dir.path, 'token.sqlite'),
      workspace: dir.path,
      examplesDir: '',
      env: { WEFT_API_TOKEN: TOKEN, WEFT_BODY_LIMIT: '1MiB' },
    });
    port = server.port;
  }, 60_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
  });

  it('cannot be dodged by case, repeated slashes, percent-encoding, dot segments or an absolute URL', async () => {
    const paths = [
      '/api/docs-json',
      '/API/docs-json',
      '/Api/Docs',
      '/api/DOCS-JSON',
      '/api//docs-json',
      '//api/docs-json',
      '/api/%64ocs-json',
      '/%61pi/docs-json',
      '/api/%2564ocs-json',
      '/api/./docs',
      '/api/./docs-json',
      '/x/../api/docs-json',
      '/api/docs-json/',
      '/api/docs-yaml',
      '/API/workflows',
      `http://127.0.0.1:${port}/api/docs-json`,
      `http://127.0.0.1:${port}/API/docs-json`,
    ];
    for (const path of paths) {
      const answer = await send(port, { path });
      expect({ path, status: answer.status }).toEqual({ path, status: 401 });
      expect(answer.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('routes case-sensitively: only the documented spelling answers, with the token', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await send(port, { path: '/api/docs-json', headers: auth })).status).toBe(200);
    for (const path of ['/API/docs-json', '/Api/Docs', '/api/DOCS-JSON', '/API/workflows']) {
      const answer = await send(port, { path, headers: auth });
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
    }
  });

  it('refuses a wrong token of the same length', async () => {
    const wrong = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('f') ? 'e' : 'f'}`;
    const answer = await send(port, { path: '/api/health', headers: { authorization: `Bearer ${wrong}` } });
    expect(answer.status).toBe(401);
    expect((await send(port, { path: '/api/health', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
  it('reads WEFT_BODY_LIMIT=1MiB as one mebibyte', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/yaml' };
    const big = `name: big\nsteps:\n  - id: a\n    type: shell\n    run: echo ${'x'.repeat(600_000)}\n`;
    expect((await send(port, { method: 'POST', path: '/api/workflows', headers, body: big })).status).toBe(201);
    expect((await send(port, { method: 'POST', path: '/api/workflows', headers, body: big + big })).status).toBe(413);
  });
});

describe('Weft server settings it refuses to start with', () => {
  it('refuses a WEFT_BODY_LIMIT it cannot read, and says what it takes', async () => {
    const outcome = await startupOutcome(dir.path, { WEFT_BODY_LIMIT: '1 furlong' });
    expect(outcome).toMatch(/WEFT_BODY_LIMIT.*'1 furlong'/);
    expect(outcome).toMatch(/1mb|1MiB/);
  });

  it('refuses a token shorter than 16 characters for a non-loopback HOST, and says how to make one', async () => {
    const outcome = await startupOutcome(dir.path, { HOST: '0.0.0.0', WEFT_API_TOKEN: 'short' });
    expect(outcome).toMatch(/16 characters/);
    expect(outcome).toMatch(/openssl rand -hex 32/);
  });

  it('refuses a WEFT_CORS_ORIGINS entry that is not an origin, naming it', async () => {
    const outcome = await startupOutcome(dir.path, { WEFT_CORS_ORIGINS: 'http://ok.example, https://app.example/path' });
    expect(outcome).toMatch(/WEFT_CORS_ORIGINS.*'https:\/\/app\.example\/path'/);
  });
});
