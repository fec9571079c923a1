import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_DATABASE_KINDS, testDatabase, type TestDatabase } from '@weft/history/testing';
import { readEvents, startApp, tempDir, waitFor, waitForReport, waitForRun, type TestApp } from './e2e-helpers.js';

const PIPELINE = `name: pipeline
maxParallel: 2
steps:
  - id: fetch
    type: shell
    run: |
      echo "fetching"
      echo '{"rows": 3}' > "$WEFT_OUTPUTS"
  - id: slow
    type: shell
    run: sleep 0.3; echo slow done
  - id: report
    type: shell
    needs: [slow]
    inputs:
      rows: \${steps.fetch.outputs.rows}
    run: echo "rows=$INPUT_ROWS"
`;

// `flaky` fails until the file `flag` exists in the workflow folder; `after` depends on it.
const FLAKY = `name: flaky
steps:
  - id: fetch
    type: shell
    run: |
      echo '{"token": "abc"}' > "$WEFT_OUTPUTS"
  - id: flaky
    type: shell
    inputs:
      token: \${steps.fetch.outputs.token}
    run: |
      test -f flag || { echo "no flag yet" >&2; exit 3; }
  - id: after
    type: shell
    needs: [flaky]
    run: echo after
`;

const SLEEPER = `name: sleeper
steps:
  - id: nap
    type: shell
    run: echo napping; sleep 30
  - id: next
    type: shell
    needs: [nap]
    run: echo never
`;

describe.each(TEST_DATABASE_KINDS)('Weft server on %s', (kind) => {
  let db: TestDatabase;
  let ws: ReturnType<typeof tempDir>;
  let t: TestApp;

  beforeAll(async () => {
    db = await testDatabase(kind);
    ws = tempDir();
    mkdirSync(join(ws.path, 'sub'));
    process.env.WEFT_TEST_SECRET = 'do-not-leak';
    t = await startApp(db.options, { workspace: ws.path });
  });

  afterAll(async () => {
    await t?.close();
    await db?.dispose();
    ws?.dispose();
  });

  async function submit(text: string, type = 'application/yaml'): Promise<string> {
    const response = await t.post('/api/workflows').set('Content-Type', type).send(text).expect(201);
    return response.body.id;
  }

  async function startRun(workflowId: string, body: object = {}): Promise<string> {
    const response = await t.post(`/api/workflows/${workflowId}/runs`).send(body).expect(202);
    return response.body.runId;
  }

  it('answers health with a database check', async () => {
    const { body } = await t.get('/api/health').expect(200);
    expect(body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('lists the built-in step types with their schemas', async () => {
    const { body } = await t.get('/api/step-types').expect(200);
    expect(body.map((type: { name: string }) => type.name)).toEqual(['node', 'python', 'shell']);
    const shell = body.find((type: { name: string }) => type.name === 'shell');
    expect(shell.schema).toMatchObject({ type: 'object', properties: { run: { type: 'string' } } });
    expect(shell.codeFields).toEqual(['run']);
  });

  it('stores a workflow and returns its plan; lists and shows it', async () => {
    const response = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send(PIPELINE).expect(201);
    expect(response.body).toMatchObject({
      name: 'pipeline',
      plan: { steps: ['fetch', 'slow', 'report'], edges: expect.arrayContaining([['fetch', 'report'], ['slow', 'report']]) },
    });
    const id = response.body.id;
    const list = await t.get('/api/workflows').expect(200);
    expect(list.body.map((w: { id: string }) => w.id)).toContain(id);
    const detail = await t.get(`/api/workflows/${id}`).expect(200);
    expect(detail.body).toMatchObject({ id, name: 'pipeline', format: 'yaml', definition: PIPELINE, plan: { steps: ['fetch', 'slow', 'report'] } });
  });

  it('accepts a JSON workflow', async () => {
    const json = JSON.stringify({ name: 'json-one', steps: [{ id: 'a', type: 'shell', run: 'true' }] });
    const response = await t.post('/api/workflows').set('Content-Type', 'application/json').send(json).expect(201);
    expect(response.body.name).toBe('json-one');
  });

  it('runs a workflow: SSE in order with running counts, report, history and logs', async () => {
    const workflowId = await submit(PIPELINE);
    const runId = await startRun(workflowId);

    const events = await readEvents(t, runId);
    expect(events.status).toBe(200);
    expect(events.contentType).toMatch(/text\/event-stream/);
    const types = events.messages.map((m) => m.event);
    expect(types[0]).toBe('run.started');
    expect(types.at(-1)).toBe('run.finished');
    expect(types.filter((type) => type === 'step.started')).toHaveLength(3);
    expect(types.filter((type) => type === 'step.finished')).toHaveLength(3);
    for (const message of events.messages) {
      expect(message.data.type).toBe(message.event);
      expect(message.data.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(typeof message.data.running).toBe('number');
      expect(message.data.log).toBeUndefined();
    }
    // fetch and slow, the two roots, both start before either can end: maxParallel 2 is reached.
    const started = events.messages.filter((m) => m.event === 'step.started').map((m) => m.data.running);
    expect(Math.max(...started)).toBe(2);
    const finished = events.messages.at(-1)!.data;
    expect(finished.status).toBe('succeeded');

    const report = await waitForRun(t, runId);
    expect(report).toMatchObject({ runId, workflow: 'pipeline', status: 'succeeded', maxParallel: 2, retryOf: null });
    expect(report.steps.fetch).toMatchObject({ status: 'succeeded', exitCode: 0, attempts: 1, outputs: { rows: 3 }, reused: false });
    expect(report.steps.slow.durationMs).toBeGreaterThanOrEqual(300);
    // sequentialMs / makespanMs to 2 decimals; sequentialMs is itself rounded to the ms.
    expect(Math.abs(report.speedup - report.sequentialMs / report.makespanMs)).toBeLessThanOrEqual(0.005 + 0.5 / report.makespanMs);
    expect(report.peakParallelism).toBe(2);
    expect(report).toEqual({ ...finished.report, workflowId });

    const history = await t.get(`/api/runs?workflowId=${workflowId}`).expect(200);
    expect(history.body[0]).toMatchObject({ runId, status: 'succeeded', workflowId, workflow: 'pipeline' });

    const log = await t.get(`/api/runs/${runId}/steps/report/logs`).expect(200);
    expect(log.headers['content-type']).toMatch(/text\/plain/);
    expect(log.text).toContain('rows=3');

    // A late subscriber gets the whole run, then the stream ends.
    const late = await readEvents(t, runId);
    expect(late.messages.map((m) => m.event)).toEqual(types);
  });

  it('honours maxParallel from the request and lists history newest first with a limit', async () => {
    const workflowId = await submit(PIPELINE);
    const first = await startRun(workflowId, { maxParallel: 1 });
    const report = await waitForRun(t, first);
    expect(report.maxParallel).toBe(1);
    expect(report.peakParallelism).toBe(1);
    const second = await startRun(workflowId);
    await waitForRun(t, second);
    const { body } = await t.get(`/api/runs?workflowId=${workflowId}&limit=1`).expect(200);
    expect(body.map((run: { runId: string }) => run.runId)).toEqual([second]);
  });

  it('never lets a step see the server environment', async () => {
    const workflowId = await submit(`name: env
steps:
  - id: look
    type: shell
    run: test -z "$WEFT_TEST_SECRET$DATABASE_URL" || exit 9
`);
    const report = await waitForRun(t, await startRun(workflowId));
    expect(report.steps.look).toMatchObject({ status: 'succeeded', exitCode: 0 });
  });

  it('cancels a running run', async () => {
    const runId = await startRun(await submit(SLEEPER));
    await waitForReport(t, runId, (report) => report.steps.nap.status === 'running');
    // The live log of a running step.
    await waitFor('the live log of nap', async () => (await t.get(`/api/runs/${runId}/steps/nap/logs`).expect(200)).text.includes('napping'));
    await t.post(`/api/runs/${runId}/cancel`).expect(202, { runId, status: 'cancelling' });
    const report = await waitForRun(t, runId);
    expect(report.status).toBe('cancelled');
    expect(report.steps.nap.status).toMatch(/cancelled|failed/);
    expect(report.steps.next.status).not.toBe('succeeded');
    const again = await t.post(`/api/runs/${runId}/cancel`).expect(202);
    expect(again.body).toEqual({ runId, status: 'cancelled' });
  });

  it('retries from failure: reuses the steps that succeeded and runs the rest', async () => {
    const workflowId = await submit(FLAKY);
    const failedRun = await startRun(workflowId);
    const failed = await waitForRun(t, failedRun);
    expect(failed.status).toBe('failed');
    expect(failed.steps.flaky).toMatchObject({ status: 'failed', exitCode: 3, reason: 'exit_code' });
    expect(failed.steps.after).toMatchObject({ status: 'skipped', reason: 'upstream_failed' });
    expect((await t.get(`/api/runs/${failedRun}/steps/flaky/logs`).expect(200)).text).toContain('no flag yet');

    writeFileSync(join(ws.path, 'flag'), '');
    const retried = await t.post(`/api/runs/${failedRun}/retry`).expect(202);
    const report = await waitForRun(t, retried.body.runId);
    expect(report).toMatchObject({ status: 'succeeded', retryOf: failedRun });
    expect(report.steps.fetch).toMatchObject({ status: 'succeeded', reused: true, outputs: { token: 'abc' } });
    expect(report.steps.flaky).toMatchObject({ status: 'succeeded', reused: false });
    expect(report.steps.after).toMatchObject({ status: 'succeeded', reused: false });
  });

  it('starts exactly one run for ten concurrent retries of a failed run, names it to the others, and refuses to retry a success', async () => {
    const failedRun = await startRun(await submit(SLEEPER.replace('echo napping; sleep 30', 'echo napping; sleep 1; exit 4')));
    expect((await waitForRun(t, failedRun)).status).toBe('failed');
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.post(`/api/runs/${failedRun}/retry`)));
    const started = answers.filter((answer) => answer.status === 202);
    expect(started).toHaveLength(1);
    const retryId = started[0].body.runId;
    for (const answer of answers.filter((a) => a.status !== 202)) {
      expect(answer.status).toBe(409);
      expect(answer.body.error).toContain(`already being retried by run '${retryId}'`);
    }
    const runs = await t.get(`/api/runs?limit=500`).expect(200);
    expect(runs.body.filter((run: { retryOf: string | null }) => run.retryOf === failedRun)).toHaveLength(1);
    await waitForRun(t, retryId);

    const succeeded = await startRun(await submit(PIPELINE));
    expect((await waitForRun(t, succeeded)).status).toBe('succeeded');
    const refused = await t.post(`/api/runs/${succeeded}/retry`).expect(409);
    expect(refused.body.error).toMatch(/succeeded: there is nothing to retry/);
  });

  it('refuses to retry a run that is still running', async () => {
    const runId = await startRun(await submit(SLEEPER));
    const response = await t.post(`/api/runs/${runId}/retry`).expect(409);
    expect(response.body.error).toMatch(/still running/);
    await t.post(`/api/runs/${runId}/cancel`).expect(202);
    await waitForRun(t, runId);
  });

  describe('bad input is a 4xx, never a 500', () => {
    it('an invalid workflow: 400 with path, line and message for every issue', async () => {
      const response = await t
        .post('/api/workflows')
        .set('Content-Type', 'application/yaml')
        .send('name: bad\nsteps:\n  - id: a\n    type: nope\n    run: echo\n  - id: b\n    type: shell\n    run: echo\n    timeout: soon\n')
        .expect(400);
      expect(response.body.error).toMatch(/invalid/);
      expect(response.body.details).toEqual([
        expect.objectContaining({ path: 'steps[0].type', line: 4, message: expect.stringContaining("unknown step type 'nope'") }),
        expect.objectContaining({ path: 'steps[1].timeout', line: 9, message: 'expected a duration like "30s", "2m" or milliseconds, got "soon"' }),
      ]);
    });

    it('a YAML syntax error, a cycle and an empty body', async () => {
      const syntax = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send('steps: [\n').expect(400);
      expect(syntax.body.details[0]).toHaveProperty('line');
      const cycle = await t
        .post('/api/workflows')
        .set('Content-Type', 'application/yaml')
        .send('steps:\n  - { id: a, type: shell, run: "true", needs: b }\n  - { id: b, type: shell, run: "true", needs: a }\n')
        .expect(400);
      expect(JSON.stringify(cycle.body.details)).toMatch(/cycle: a → b → a|cycle: b → a → b/);
      const empty = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send('').expect(400);
      expect(empty.body.details).toEqual([{ path: '', message: 'the body is empty; send a workflow as YAML or JSON' }]);
    });

    it('malformed JSON, a wrong content type and a body over the limit', async () => {
      const json = await t.post('/api/workflows').set('Content-Type', 'application/json').send('{"steps": [').expect(400);
      expect(json.body.statusCode).toBe(400);
      await t.post('/api/workflows').set('Content-Type', 'image/png').send(Buffer.from('x')).expect(415);
      const big = `name: big\nsteps:\n  - id: a\n    type: shell\n    run: echo ${'x'.repeat(70_000)}\n`;
      await t.post('/api/workflows').set('Content-Type', 'application/yaml').send(big).expect(413);
    });

    it('JSON that is not an object, a body that does not decode with its Content-Encoding, and unknown query parameters', async () => {
      const nothing = await t.post('/api/workflows').set('Content-Type', 'application/json').send('null').expect(400);
      expect(nothing.body.error).toBe('The request body must be a JSON object, got null');
      const number = await t.post('/api/workflows').set('Content-Type', 'application/json').send('42').expect(400);
      expect(number.body.details).toEqual([{ path: '', message: 'expected a JSON object, got a number' }]);
      const gzip = await t.post('/api/workflows').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{"steps":[]}').expect(400);
      expect(gzip.body.error).toMatch(/^The request body does not decode with its Content-Encoding: /);
      expect(gzip.body.details[0].message).toContain('send it compressed, or without Content-Encoding');

      const arrayDir = await t.post('/api/workflows?dir[]=sub').set('Content-Type', 'application/yaml').send('steps:\n  - { id: a, type: shell, run: "true" }\n').expect(400);
      expect(arrayDir.body.details).toEqual([{ path: 'dir[]', message: "unknown query parameter 'dir[]'; this route takes dir" }]);
      const workflowId = await submit(PIPELINE);
      const runId = await startRun(workflowId);
      await waitForRun(t, runId);
      const events = await t.get(`/api/runs/${runId}/events?lastEventId[a]=3`).expect(400);
      expect(events.body.error).toBe('Unknown query parameter: lastEventId[a]');
    });

    it('a body that is not UTF-8 text and a name that is half a surrogate pair, never stored changed', async () => {
      const bytes = Buffer.concat([Buffer.from('steps:\n  - { id: a, type: shell, run: "echo caf'), Buffer.from([0xe9]), Buffer.from('" }\n')]);
      const latin1 = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send(bytes).expect(400);
      expect(latin1.body).toMatchObject({
        error: 'The request body is not UTF-8 text (1 error)',
        details: [{ path: '', line: 2, column: 41, message: 'not UTF-8 text: the byte 0xE9 here is not valid UTF-8; save the file as UTF-8' }],
      });
      const lone = await t.post('/api/workflows').set('Content-Type', 'application/json').send('{"name":"x\\ud800y","steps":[{"id":"a","type":"shell","run":"true"}]}').expect(400);
      expect(lone.body.details).toEqual([expect.objectContaining({ path: 'name', message: expect.stringMatching(/^contains a lone surrogate/) })]);
    });

    it("answers the event stream's errors as JSON, as the OpenAPI document says", async () => {
      const missing = await t.get('/api/runs/00000000-0000-4000-8000-000000000000/events').expect(404);
      expect(missing.headers['content-type']).toMatch(/^application\/json/);
      const { body: doc } = await t.get('/api/docs-json').expect(200);
      for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: object }> }>>)) {
        for (const [method, operation] of Object.entries(methods)) {
          for (const [status, response] of Object.entries(operation.responses)) {
            if (Number(status) >= 400) expect([`${method} ${path} ${status}`, Object.keys(response.content ?? {})]).toEqual([`${method} ${path} ${status}`, ['application/json']]);
          }
        }
      }
    });

    it('scripts outside the workspace and a dir outside it', async () => {
      const escape = await t
        .post('/api/workflows')
        .set('Content-Type', 'application/yaml')
        .send('steps:\n  - id: a\n    type: python\n    script: ../../etc/passwd.py\n')
        .expect(400);
      expect(escape.body.details[0].path).toBe('steps[0].script');
      await t.post('/api/workflows?dir=../..').set('Content-Type', 'application/yaml').send('steps: []').expect(400);
      await t.post('/api/workflows?dir=missing').set('Content-Type', 'application/yaml').send('steps: []').expect(400);
      await t
        .post('/api/workflows?dir=sub')
        .set('Content-Type', 'application/yaml')
        .send('steps:\n  - { id: a, type: shell, run: "true" }\n')
        .expect(201);
    });

    it('unknown ids are 404s', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      await t.get(`/api/workflows/${missing}`).expect(404);
      await t.get('/api/workflows/not-a-uuid').expect(404);
      await t.post(`/api/workflows/${missing}/runs`).send({}).expect(404);
      await t.get(`/api/runs/${missing}`).expect(404);
      await t.get('/api/runs/nope').expect(404);
      await t.get(`/api/runs/${missing}/events`).expect(404);
      await t.get(`/api/runs/${missing}/steps/a/logs`).expect(404);
      await t.post(`/api/runs/${missing}/cancel`).expect(404);
      await t.post(`/api/runs/${missing}/retry`).expect(404);
      const runId = await startRun(await submit(PIPELINE));
      await waitForRun(t, runId);
      const step = await t.get(`/api/runs/${runId}/steps/nope/logs`).expect(404);
      expect(step.body.error).toMatch(/no step 'nope'/);
    });

    it('takes ids in upper case (UUIDs are case-insensitive)', async () => {
      const workflowId = await submit(PIPELINE);
      const runId = await startRun(workflowId);
      await waitForRun(t, runId);
      expect((await t.get(`/api/workflows/${workflowId.toUpperCase()}`).expect(200)).body.id).toBe(workflowId);
      expect((await t.get(`/api/runs/${runId.toUpperCase()}`).expect(200)).body.runId).toBe(runId);
      const events = await t.get(`/api/runs/${runId.toUpperCase()}/events`).expect(200);
      expect(events.text).toContain('event: run.finished');
    });

    it('bad run options and bad history queries are 400s', async () => {
      const workflowId = await submit(PIPELINE);
      const response = await t.post(`/api/workflows/${workflowId}/runs`).send({ maxParallel: 99 }).expect(400);
      expect(response.body.details[0].path).toBe('maxParallel');
      await t.post(`/api/workflows/${workflowId}/runs`).send({ extra: true }).expect(400);
      await t.get('/api/runs?limit=abc').expect(400);
      await t.get('/api/runs?limit=0').expect(400);
      await t.get('/api/runs?workflowId=nope').expect(400);
    });
  });

  it('serves the OpenAPI document', async () => {
    const { body } = await t.get('/api/docs-json').expect(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/workflows', '/api/workflows/{id}/runs', '/api/runs/{runId}/events', '/api/runs/{runId}/retry']),
    );
  });

  it('caps step processes across concurrent runs (WEFT_MAX_PROCESSES)', async () => {
    const capped = await startApp(db.options, { workspace: ws.path, maxProcesses: 1 });
    try {
      const text = `name: pair\nsteps:\n  - { id: x, type: shell, run: "sleep 0.2" }\n  - { id: y, type: shell, run: "sleep 0.2" }\n`;
      const { body } = await capped.post('/api/workflows').set('Content-Type', 'application/yaml').send(text).expect(201);
      const runs = await Promise.all([0, 1].map(async () => (await capped.post(`/api/workflows/${body.id}/runs`).send({}).expect(202)).body.runId));
      const reports = await Promise.all(runs.map((runId: string) => waitForRun(capped, runId)));
      const spans = reports.flatMap((report) =>
        Object.values(report.steps as Record<string, { startedAt: string; finishedAt: string }>).map((step) => [Date.parse(step.startedAt), Date.parse(step.finishedAt)]),
      );
      spans.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1] - 5);
      expect(reports.every((report) => report.status === 'succeeded')).toBe(true);
    } finally {
      await capped.close();
    }
  });
});

describe('Weft server across a restart (SQLite file)', () => {
  it('keeps finished runs, replays their events, and with resume off marks runs left running as interrupted', async () => {
    const ws = tempDir();
    const db = await testDatabase('sqlite');
    try {
      const first = await startApp(db.options, { workspace: ws.path });
      const { body } = await first.post('/api/workflows').set('Content-Type', 'application/yaml').send(FLAKY).expect(201);
      const done = (await first.post(`/api/workflows/${body.id}/runs`).send({}).expect(202)).body.runId;
      const before = await waitForRun(first, done);
      // A run that will be left `running`, as if the process died.
      const sleeper = (await first.post('/api/workflows').set('Content-Type', 'application/yaml').send(SLEEPER).expect(201)).body.id;
      const orphan = (await first.post(`/api/workflows/${sleeper}/runs`).send({}).expect(202)).body.runId;
      await waitForReport(first, orphan, (report) => report.steps.nap.status === 'running');
      const { HistoryStore } = await import('@weft/history');
      const store = await HistoryStore.open(db.options);
      // Close the app without letting it record the run's end: copy the row state, then restore it.
      const stateBefore = await store.getReport(orphan);
      await first.close();
      // …and its lease ran out (its owner is gone).
      await store.dataSource.query(`UPDATE weft_runs SET status = 'running', finished_at = NULL, lease_until = 0 WHERE id = ?`, [orphan]);
      await store.dataSource.query(`UPDATE weft_step_runs SET status = 'running' WHERE run_id = ? AND step_id = 'nap'`, [orphan]);
      await store.close();
      expect(stateBefore?.status).toBe('running');

      // Resuming is off: a run whose server was lost is closed `interrupted` (ownership.e2e.spec.ts resumes it).
      const second = await startApp(db.options, { workspace: ws.path, resume: false });
      try {
        expect((await second.get(`/api/runs/${done}`).expect(200)).body).toEqual(before);
        const history = await second.get('/api/runs').expect(200);
        expect(history.body.map((run: { runId: string }) => run.runId)).toEqual(expect.arrayContaining([done, orphan]));

        const replay = await readEvents(second, done);
        const types = replay.messages.map((m) => m.event);
        expect(types[0]).toBe('run.started');
        expect(types.at(-1)).toBe('run.finished');
        // The replay carries the stored plan, so a late viewer draws the edges.
        expect(body.plan.edges).toEqual([
          ['fetch', 'flaky'],
          ['flaky', 'after'],
        ]);
        expect(replay.messages[0].data.plan.edges).toEqual(body.plan.edges);
        const { workflowId, ...report } = before;
        expect(workflowId).toBe(body.id);
        expect(replay.messages.at(-1)!.data.report).toEqual(report);

        const interrupted = await second.get(`/api/runs/${orphan}`).expect(200);
        expect(interrupted.body.status).toBe('interrupted');
        expect(interrupted.body.steps.nap.status).toBe('cancelled');
        const retry = await second.post(`/api/runs/${orphan}/retry`).expect(202);
        await second.post(`/api/runs/${retry.body.runId}/cancel`).expect(202);
        expect((await waitForRun(second, retry.body.runId)).retryOf).toBe(orphan);
      } finally {
        await second.close();
      }
    } finally {
      await db.dispose();
      ws.dispose();
    }
  });
});

describe('Weft server with WEFT_API_TOKEN', () => {
  it('requires the bearer token on every /api route, SSE and docs included', async () => {
    const ws = tempDir();
    const db = await testDatabase('sqlite');
    const t = await startApp(db.options, { workspace: ws.path, apiToken: 's3cret' });
    try {
      const anonymous = (await import('supertest')).default(t.http);
      for (const path of ['/api/health', '/api/step-types', '/api/workflows', '/api/runs', '/api/docs', '/api/docs-json']) {
        const response = await anonymous.get(path).expect(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
      }
      await anonymous.get('/api/health').set('Authorization', 'Bearer wrong').expect(401);
      await anonymous.post('/api/workflows').set('Content-Type', 'application/yaml').send('steps: []').expect(401);
      await t.get('/api/health').expect(200);
      await t.get('/api/docs-json').expect(200);
      const { body } = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send(PIPELINE).expect(201);
      const runId = (await t.post(`/api/workflows/${body.id}/runs`).send({}).expect(202)).body.runId;
      await anonymous.get(`/api/runs/${runId}/events`).expect(401);
      const events = await readEvents(t, runId);
      expect(events.messages.at(-1)?.event).toBe('run.finished');
    } finally {
      await t.close();
      await db.dispose();
      ws.dispose();
    }
  });
});

describe('Weft server examples', () => {
  it('stores the workflows of the examples folder at startup, once', async () => {
    const ws = tempDir();
    const db = await testDatabase('sqlite');
    mkdirSync(join(ws.path, 'hello'));
    writeFileSync(join(ws.path, 'hello', 'workflow.yaml'), 'name: hello\nsteps:\n  - { id: a, type: shell, run: "echo hi" }\n');
    writeFileSync(join(ws.path, 'broken.yaml'), 'steps: nope\n');
    try {
      for (let i = 0; i < 2; i++) {
        const t = await startApp(db.options, { workspace: ws.path, examplesDir: ws.path });
        const { body } = await t.get('/api/workflows').expect(200);
        expect(body.map((w: { name: string }) => w.name)).toEqual(['hello']);
        expect(body[0].sourcePath).toBe(join(ws.path, 'hello', 'workflow.yaml'));
        await t.close();
      }
      expect(existsSync(join(ws.path, 'hello', 'workflow.yaml'))).toBe(true);
    } finally {
      await db.dispose();
      ws.dispose();
    }
  });
});
