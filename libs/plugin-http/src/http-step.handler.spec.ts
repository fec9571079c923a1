import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_STEP_LIMITS, StepTypeRegistry, executeWorkflow, parseWorkflow, type StepRunContext } from '@weft/core';
import { waitFor } from '../../core/src/testing/wait-for.js';
import { HttpStepHandler, type HttpStepConfig } from './http-step.handler.js';

let server: Server;
let base: string;
const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];

function route(request: IncomingMessage, response: ServerResponse, body: string): void {
  seen.push({ method: request.method, url: request.url, headers: request.headers, body });
  const json = (status: number, value: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(value));
  };
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  if (path === '/user') return json(200, { id: 7, name: 'Ada' });
  if (path === '/echo') return json(201, { method: request.method, received: body ? JSON.parse(body) : null });
  if (path === '/missing') return json(404, { error: 'no such thing' });
  if (path === '/text') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    return void response.end('plain words');
  }
  if (path === '/big') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    return void response.end('x'.repeat(2048));
  }
  if (path === '/slow') return void setTimeout(() => json(200, {}), 2000).unref();
  json(500, {});
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => route(request, response, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function context(config: Partial<HttpStepConfig>, signal = new AbortController().signal, maxOutputBytes = 1024): StepRunContext<HttpStepConfig> & { logs: string[] } {
  const logs: string[] = [];
  return {
    runId: 'r',
    stepId: 's',
    attempt: 1,
    config: { method: 'GET', headers: {}, requestTimeout: '5s', ...config } as HttpStepConfig,
    inputs: {},
    env: {},
    workdir: '/tmp',
    signal,
    limits: { ...DEFAULT_STEP_LIMITS, maxOutputBytes },
    log: (chunk) => logs.push(chunk),
    logs,
  };
}

describe('HttpStepHandler', () => {
  const http = new HttpStepHandler();

  it('outputs the status, headers and parsed JSON body', async () => {
    const outcome = await http.run(context({ url: `${base}/user?key=secret` }));
    expect(outcome).toMatchObject({ ok: true, reason: null, outputs: { status: 200, ok: true, body: { id: 7, name: 'Ada' } } });
    expect((outcome.outputs as { headers: Record<string, string> }).headers['content-type']).toMatch(/json/);
    expect(outcome.log).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/user → 200 OK \(\d+ ms\)\n$/);
    expect(outcome.log).not.toContain('secret');
  });

  it('sends a JSON body with the method and headers given', async () => {
    const outcome = await http.run(context({ url: `${base}/echo`, method: 'POST', headers: { 'x-trace': 't1' }, body: { a: [1, 2] } }));
    expect(outcome.outputs).toMatchObject({ status: 201, body: { method: 'POST', received: { a: [1, 2] } } });
    const request = seen.find((r) => r.url === '/echo')!;
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-trace': 't1' });
  });

  it('fails on a status outside okStatus (default 2xx), keeping the outputs', async () => {
    const failed = await http.run(context({ url: `${base}/missing` }));
    expect(failed).toMatchObject({ ok: false, reason: 'error', message: expect.stringMatching(/^HTTP 404 Not Found from/), outputs: { status: 404 } });
    const accepted = await http.run(context({ url: `${base}/missing`, okStatus: [200, 404] }));
    expect(accepted.ok).toBe(true);
  });

  it('keeps a non-JSON body as text', async () => {
    expect((await http.run(context({ url: `${base}/text` }))).outputs).toMatchObject({ body: 'plain words' });
  });

  it('fails a response over the outputs cap', async () => {
    expect(await http.run(context({ url: `${base}/big` }))).toMatchObject({ ok: false, reason: 'outputs_too_large' });
  });

  it('times out after requestTimeout', async () => {
    const outcome = await http.run(context({ url: `${base}/slow`, requestTimeout: '100ms' }));
    expect(outcome).toMatchObject({ ok: false, reason: 'timeout', message: expect.stringContaining('within 100 ms') });
  });

  it('stops when the step is cancelled', async () => {
    const controller = new AbortController();
    const requests = seen.length;
    const pending = http.run(context({ url: `${base}/slow` }, controller.signal));
    // Cancelled while the server holds the request.
    await waitFor('the request to reach the server', () => seen.length > requests);
    controller.abort('cancelled');
    expect(await pending).toMatchObject({ ok: false, reason: 'cancelled' });
  });

  it('rejects URLs that are not http(s), and reports unreachable hosts', async () => {
    expect(await http.run(context({ url: 'not a url' }))).toMatchObject({ ok: false, reason: 'error', message: expect.stringContaining('absolute http') });
    expect(await http.run(context({ url: 'file:///etc/passwd' }))).toMatchObject({ ok: false, message: expect.stringContaining("'file:'") });
    const closed = await http.run(context({ url: 'http://127.0.0.1:9/' }));
    expect(closed).toMatchObject({ ok: false, reason: 'error', message: expect.stringContaining('request failed') });
  });

  it('validates its fields in a workflow and runs there with references resolved', async () => {
    const stepTypes = new StepTypeRegistry([http]);
    const bad = parseWorkflow('steps:\n  - { id: a, type: http, url: "x", method: FETCH, verb: 1 }\n', { rootDir: '/tmp', stepTypes });
    expect(bad.ok).toBe(false);
    expect(bad.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['steps[0].method', 'steps[0].verb']));

    const text = `steps:
  - id: user
    type: http
    url: ${base}/user
  - id: post
    type: http
    method: POST
    url: ${base}/echo
    body:
      name: \${steps.user.outputs.body.name}
`;
    const parsed = parseWorkflow(text, { rootDir: '/tmp', stepTypes });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const report = await executeWorkflow({ workflow: parsed.workflow, stepTypes });
    expect(report.status).toBe('succeeded');
    expect(report.steps.post.outputs).toMatchObject({ status: 201, body: { received: { name: 'Ada' } } });
  });
});
