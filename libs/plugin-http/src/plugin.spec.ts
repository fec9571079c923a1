import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pluginStepTypes, WorkflowValidationError } from '@weft/core';
import { runStepType } from '@weft/core/testing';
import * as plugin from './index.js';
import { HttpStepHandler } from './http-step.handler.js';

const SRC = dirname(fileURLToPath(import.meta.url));

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const status = path === '/missing' ? 404 : 200;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path, method: request.method, received: body ? JSON.parse(body) : null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('@weft/plugin-http: the plugin entry', () => {
  it('exports stepTypes, the http handler, as every Weft host reads a plugin', async () => {
    const stepTypes = await pluginStepTypes(plugin, '@weft/plugin-http');
    expect(stepTypes).toHaveLength(1);
    expect(stepTypes[0]).toBeInstanceOf(HttpStepHandler);
    expect(stepTypes[0].name).toBe('http');
    expect(plugin.httpConfigSchema).toBeDefined();
  });

  it('needs no Nest: nothing the main entry reaches imports @nestjs or @weft/nest', () => {
    const seen = new Set<string>();
    const bare: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, specifier] of readFileSync(join(SRC, file), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)) {
        if (specifier.startsWith('./')) visit(specifier.slice(2).replace(/\.js$/, '.ts'));
        else bare.push(specifier);
      }
    };
    visit('index.ts');
    expect([...seen].sort()).toEqual(['http-step.handler.ts', 'index.ts']);
    expect(bare.filter((specifier) => /^@nestjs\/|^@weft\/nest$|^reflect-metadata$/.test(specifier))).toEqual([]);
  });
});

describe('the http step type through runStepType (@weft/core/testing)', () => {
  const [http] = plugin.stepTypes as HttpStepHandler[];

  it('runs a GET and a POST with a body built from an upstream step, as in a workflow', async () => {
    const get = await runStepType(http, { url: `${base}/users/7` });
    expect(get).toMatchObject({ ok: true, outputs: { status: 200, body: { path: '/users/7', method: 'GET' } } });
    expect(get.log).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/users\/7 → 200 OK \(\d+ ms\)\n$/);
    const post = await runStepType(
      http,
      { method: 'POST', url: `${base}/hooks`, body: { name: '${steps.user.outputs.name}' } },
      { upstream: { user: { name: 'Ada' } } },
    );
    expect(post.outputs).toMatchObject({ status: 200, body: { method: 'POST', received: { name: 'Ada' } } });
  });

  it('fails the step on a status outside okStatus, and retries it', async () => {
    const missing = await runStepType(http, { url: `${base}/missing`, retries: 1, retryDelay: 1 });
    expect(missing).toMatchObject({ ok: false, report: { reason: 'error', attempts: 2, message: expect.stringMatching(/^HTTP 404 Not Found from /) } });
    expect((await runStepType(http, { url: `${base}/missing`, okStatus: [404] })).ok).toBe(true);
  });

  it('rejects a step its schema refuses, with the path of the field', async () => {
    const error = await runStepType(http, { url: `${base}/x`, method: 'FETCH', timeoutMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const messages = (error as WorkflowValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^steps\[0\]\.method: /),
      expect.stringMatching(/^steps\[0\]\.timeoutMs: unknown field 'timeoutMs' for a step of type 'http'/),
    ]);
  });
});
