import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { join } from 'node:path';
import { hostileDocuments } from '../../../libs/core/src/testing/hostile-documents.js';
import { TEST_DATABASE_KINDS, testDatabase, type TestDatabase } from '@weft/history/testing';
import { DocumentReader } from '../src/workflows/document-reader.js';
import { startApp, tempDir, waitForRun, type TestApp } from './e2e-helpers.js';
import { buildServer, call, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * Hostile input: hostile bodies do not hold the event loop, workspace containment follows links,
 * and what the API stores is checked the same way on SQLite and PostgreSQL.
 */

const json = (value: unknown) => JSON.stringify(value);

describe.each(TEST_DATABASE_KINDS)('what the API stores, on %s', (kind) => {
  let db: TestDatabase;
  let ws: ReturnType<typeof tempDir>;
  let t: TestApp;

  beforeAll(async () => {
    db = await testDatabase(kind);
    ws = tempDir();
    t = await startApp(db.options, { workspace: ws.path });
  });
  afterAll(async () => {
    await t?.close();
    await db?.dispose();
    ws?.dispose();
  });

  const post = (body: unknown) => t.post('/api/workflows').set('Content-Type', 'application/json').send(json(body));

  it('refuses NUL and control characters in names, and over-long ids, with the path of the field (400, never 500)', async () => {
    const nul = await post({ name: 'x\u0000y', steps: [{ id: 'a', type: 'shell', run: 'echo' }] }).expect(400);
    expect(nul.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'name', message: expect.stringContaining('NUL character') })]),
    );
    const newline = await post({ name: 'two\nlines', steps: [{ id: 'a', type: 'shell', run: 'echo' }] }).expect(400);
    expect(newline.body.details).toEqual([expect.objectContaining({ path: 'name', message: expect.stringContaining('without control characters') })]);
    const longId = await post({ name: 'x', steps: [{ id: 'i'.repeat(201), type: 'shell', run: 'echo' }] }).expect(400);
    expect(longId.body.details).toEqual([expect.objectContaining({ path: 'steps[0].id', message: expect.stringContaining('at most 200 characters') })]);
    const inEnv = await t
      .post('/api/workflows')
      .set('Content-Type', 'application/yaml')
      .send('name: x\nsteps:\n  - id: a\n    type: shell\n    run: echo\n    env: { A: "v\\0" }\n')
      .expect(400);
    expect(inEnv.body.details).toEqual([expect.objectContaining({ path: 'steps[0].env.A', line: 6, column: 15 })]);
    const dir = await t.post('/api/workflows?dir=a%00b').set('Content-Type', 'application/yaml').send('steps: [{ id: a, type: shell, run: echo }]').expect(400);
    expect(dir.body.details).toEqual([{ path: 'dir', message: 'must be a folder name without control characters' }]);
  });

  it('stores and runs the longest names it accepts, and keeps a run whose log and outputs hold NUL', async () => {
    const id = 'i'.repeat(200);
    const created = await post({
      name: 'n'.repeat(200),
      steps: [{ id, type: 'node', code: 'process.stdout.write("a\\u0000b\\n"); require("fs").writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ s: "x\\u0000y" }))' }],
    }).expect(201);
    const { body: started } = await t.post(`/api/workflows/${created.body.id}/runs`).expect(202);
    const report = await waitForRun(t, started.runId);
    expect(report.status).toBe('succeeded');
    expect(report.steps[id].outputs).toEqual({ s: 'x\u0000y' });
    const log = await t.get(`/api/runs/${started.runId}/steps/${id}/logs`).expect(200);
    expect(log.text).toBe('ab\n');
  });

  it('pages GET /api/workflows and GET /api/runs with limit and X-Next-Cursor (and Link), and refuses a bad cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post({ name: `page-${i}`, steps: [{ id: 'a', type: 'shell', run: `echo ${i}` }] }).expect(201)).body.id);
    const seen: string[] = [];
    let next: string | undefined = '/api/workflows?limit=2';
    while (next) {
      const page: { body: { id: string }[]; headers: Record<string, string> } = await t.get(next).expect(200);
      expect(page.body.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.map((w) => w.id));
      const cursor: string | undefined = page.headers['x-next-cursor'];
      if (cursor) expect(page.headers.link).toBe(`</api/workflows?limit=2&cursor=${cursor}>; rel="next"`);
      next = cursor ? `/api/workflows?limit=2&cursor=${cursor}` : undefined;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));

    for (const id of ids.slice(0, 2)) await t.post(`/api/workflows/${id}/runs`).expect(202);
    const first = await t.get('/api/runs?limit=1').expect(200);
    expect(first.body).toHaveLength(1);
    const second = await t.get(`/api/runs?limit=1&cursor=${first.headers['x-next-cursor']}`).expect(200);
    expect(second.body).toHaveLength(1);
    expect(second.body[0].runId).not.toBe(first.body[0].runId);

    for (const path of ['/api/workflows?cursor=nonsense', '/api/runs?cursor=nonsense']) {
      const bad = await t.get(path).expect(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ path: 'cursor' })]);
    }
  });
});

describe('workspace containment follows links', () => {
  let db: TestDatabase;
  let ws: ReturnType<typeof tempDir>;
  let outside: ReturnType<typeof tempDir>;
  let t: TestApp;

  beforeAll(async () => {
    db = await testDatabase('sqlite');
    ws = tempDir();
    outside = tempDir('weft-outside-');
    t = await startApp(db.options, { workspace: ws.path });
  });
  afterAll(async () => {
    await t?.close();
    await db?.dispose();
    ws?.dispose();
    outside?.dispose();
  });

  const EVIL = 'steps:\n  - id: evil\n    type: python\n    script: ./evil.py\n';

  it('refuses ?dir= naming a link to a folder outside the workspace', async () => {
    writeFileSync(join(outside.path, 'evil.py'), 'open("escaped.txt", "w").write("x")\n');
    symlinkSync(outside.path, join(ws.path, 'linkdir'));
    const response = await t.post('/api/workflows?dir=linkdir').set('Content-Type', 'application/yaml').send(EVIL).expect(400);
    expect(response.body.details).toEqual([{ path: 'dir', message: `must be a folder inside the workspace: 'linkdir' is a link to ${outside.path}, outside it` }]);
  });

  it('runs nothing from a folder that became a link to the outside after the workflow was stored', async () => {
    mkdirSync(join(ws.path, 'sub'));
    writeFileSync(join(ws.path, 'sub', 'evil.py'), 'print("inside")\n');
    const created = await t.post('/api/workflows?dir=sub').set('Content-Type', 'application/yaml').send(EVIL).expect(201);
    rmSync(join(ws.path, 'sub'), { recursive: true });
    symlinkSync(outside.path, join(ws.path, 'sub'));
    const { body } = await t.post(`/api/workflows/${created.body.id}/runs`).expect(202);
    const report = await waitForRun(t, body.runId);
    expect(report.steps.evil).toMatchObject({ status: 'failed', reason: 'spawn_error' });
    expect(report.steps.evil.message).toContain(`resolves to ${outside.path}, outside`);
    expect(existsSync(join(outside.path, 'escaped.txt'))).toBe(false);
  });
});

describe('hostile documents', () => {
  const MB = 1_000_000; // under the default 1 MiB body limit
  let db: TestDatabase;
  let ws: ReturnType<typeof tempDir>;
  let t: TestApp;

  beforeAll(async () => {
    db = await testDatabase('sqlite');
    ws = tempDir();
    t = await startApp(db.options, { workspace: ws.path });
  });
  afterAll(async () => {
    await t?.close();
    await db?.dispose();
    ws?.dispose();
  });

  it('reads a stored workflow once: later reads and runs use what was validated', async () => {
    const reader = t.app.get(DocumentReader);
    const read = jest.spyOn(reader, 'read');
    const created = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send('steps: [{ id: a, type: shell, run: echo }]').expect(201);
    for (let i = 0; i < 3; i++) await t.get(`/api/workflows/${created.body.id}`).expect(200);
    const { body } = await t.post(`/api/workflows/${created.body.id}/runs`).expect(202);
    await waitForRun(t, body.runId);
    expect(read).toHaveBeenCalledTimes(1);
    read.mockRestore();
  });

  describe('through the real server process', () => {
    let server: ServerProcess;
    let dir: ReturnType<typeof tempDir>;

    beforeAll(async () => {
      buildServer();
      dir = tempDir('weft-hostile-');
      mkdirSync(join(dir.path, 'ws'));
      server = await startServerProcess({ databaseFile: join(dir.path, 'weft.sqlite'), workspace: join(dir.path, 'ws'), examplesDir: '' });
    }, 240_000);
    afterAll(async () => {
      await server?.kill('SIGTERM');
      dir?.dispose();
    });

    /** Sends `body` and, while it is handled, asks for /api/health: true when a health answer came first. */
    async function healthAnswersMeanwhile(path: string, body: string, type: string): Promise<{ status: number; body: any; healthFirst: boolean }> {
      let postDone = false;
      const post = call(server.port, 'POST', path, body, type, 120_000).finally(() => (postDone = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const health = await call(server.port, 'GET', '/api/health');
      const healthFirst = !postDone && health.status === 200;
      const answer = await post;
      return { status: answer.status, body: answer.body, healthFirst };
    }

    it('keeps answering while it reads a 1 MB flat mapping (27 s of a frozen server before), and stores it', async () => {
      const flat = hostileDocuments(MB).find((d) => d.shape === 'flat mapping')!;
      const result = await healthAnswersMeanwhile('/api/workflows', flat.text, 'application/yaml');
      expect(result.status).toBe(201);
      expect(result.healthFirst).toBe(true);
      const detail = await call(server.port, 'GET', `/api/workflows/${result.body.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body.plan.steps).toEqual(['a']);
    });

    it('reports a duplicate key at the end of a 1 MB mapping with its line and column', async () => {
      const doc = hostileDocuments(MB).find((d) => d.shape === 'flat mapping, duplicate key last')!;
      const result = await healthAnswersMeanwhile('/api/workflows', doc.text, 'application/yaml');
      expect(result.status).toBe(400);
      expect(result.healthFirst).toBe(true);
      const lines = doc.text.split('\n').length - 1;
      expect(result.body.details).toEqual([{ path: '', line: lines, column: 7, message: 'invalid YAML: duplicate key "k0"; each key may appear once per mapping' }]);
    });

    it('answers a 1 MB document of thousands of errors with the first 1000 and a count, promptly', async () => {
      const doc = hostileDocuments(MB).find((d) => d.shape === 'many steps, each needing an unknown step')!;
      const result = await healthAnswersMeanwhile('/api/workflows', doc.text, 'application/yaml');
      expect(result.status).toBe(400);
      expect(result.healthFirst).toBe(true);
      expect(result.body.details).toHaveLength(1001);
      expect(result.body.details[1000].message).toMatch(/^… and \d+ more problems not listed/);
    });
  });
});
