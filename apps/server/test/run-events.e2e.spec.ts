import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HistoryStore, RunEventEntity } from '@weft/history';
import { TEST_DATABASE_KINDS, testDatabase, type TestDatabase } from '@weft/history/testing';
import { parseSse, startApp, tempDir, waitFor, waitForRun, type TestApp } from './e2e-helpers.js';
import { RunEventsClient, type ReceivedEvent } from './event-source-client.js';
import { buildServer, expectCall, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * The event log behind SSE, read by a real EventSource (the `eventsource` package): ids are the
 * events' sequence numbers, a client resumes after its last id, a finished run replays exactly
 * what was sent live (also after a restart), and a client that has everything gets 204 and stops.
 */

/** first → gate (waits for the file `gate` in the workspace) → last; the gate step retries once first. */
const gated = (gate: string) => `name: gated-${gate}
maxParallel: 2
steps:
  - id: first
    type: shell
    run: echo first
  - id: gate
    type: shell
    needs: [first]
    retries: 1
    retryDelay: 10ms
    run: |
      if [ ! -f ${gate}.tried ]; then touch ${gate}.tried; exit 1; fi
      while [ ! -f ${gate} ]; do sleep 0.02; done
      echo passed
  - id: last
    type: shell
    needs: [gate]
    run: echo last
`;

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe.each(TEST_DATABASE_KINDS)('run events over SSE on %s', (kind) => {
  let db: TestDatabase;
  let ws: ReturnType<typeof tempDir>;
  let t: TestApp;
  let base: string;
  const clients: RunEventsClient[] = [];

  beforeAll(async () => {
    db = await testDatabase(kind);
    ws = tempDir();
    t = await startApp(db.options, { workspace: ws.path, sseHeartbeatMs: 100, sseRetryMs: 50, ssePollMs: 50 });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await t?.close();
    await db?.dispose();
    ws?.dispose();
  });

  const eventSource = (url: string, options?: { lastEventId?: string }) => {
    const client = new RunEventsClient(url, options);
    clients.push(client);
    return client;
  };

  async function startGated(gate: string): Promise<string> {
    const { body } = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send(gated(gate)).expect(201);
    return (await t.post(`/api/workflows/${body.id}/runs`).send({}).expect(202)).body.runId;
  }

  const release = (gate: string) => writeFileSync(join(ws.path, gate), '');
  const stepRunning = (runId: string, stepId: string) => async () => (await t.get(`/api/runs/${runId}`).expect(200)).body.steps[stepId].status === 'running';

  it('numbers events 1, 2, 3…, resumes a closed client after its last id, and answers its reconnect after run.finished with 204', async () => {
    const runId = await startGated('go-a');
    const url = `${base}/api/runs/${runId}/events`;

    // Followed live, then disconnected mid-run (the gate holds the run).
    const first = eventSource(url);
    await waitFor('the first step to finish', () => first.events.find((event) => event.type === 'step.finished'));
    first.close();
    const seen = [...first.events];
    expect(seen.map((event) => Number(event.id))).toEqual(range(1, seen.length));

    // More is stored while nobody listens; a new EventSource resumes after the last id it had, and
    // follows the run live up to the gate's second attempt (the first one fails).
    await waitFor('the gate step to run', stepRunning(runId, 'gate'));
    const second = eventSource(`${url}?lastEventId=${seen.at(-1)!.id}`);
    const secondAttempt = (event: ReceivedEvent) => event.type === 'attempt.started' && JSON.parse(event.data).attempt === 2;
    await waitFor("the gate's second attempt", () => [...seen, ...second.events].some(secondAttempt));
    release('go-a');
    // The server ends the stream after run.finished; the EventSource reconnects with that id, gets 204 and stops.
    await waitFor('the EventSource to stop', () => second.closed);
    expect(second.errors.at(-1)).toMatchObject({ code: 204 });

    const all = [...seen, ...second.events];
    expect(all.map((event) => Number(event.id))).toEqual(range(1, all.length));
    expect(all.filter((event) => event.type === 'run.finished')).toHaveLength(1);
    expect(all.at(-1)!.type).toBe('run.finished');
    expect(all.map((event) => event.type)).toEqual([
      'run.started',
      'step.started', 'attempt.started', 'attempt.finished', 'step.finished', // first
      'step.started', 'attempt.started', 'attempt.finished', 'attempt.started', 'attempt.finished', 'step.finished', // gate, retried once
      'step.started', 'attempt.started', 'attempt.finished', 'step.finished', // last
      'run.finished',
    ]);
    const report = await waitForRun(t, runId);
    const { workflowId: _workflowId, ...stored } = report;
    expect(JSON.parse(all.at(-1)!.data).report).toEqual(stored);

    // The same run replayed later: the same ids and the same JSON text, attempts and step types included.
    const replay = eventSource(url);
    await waitFor('the replay to stop', () => replay.closed);
    expect(replay.events).toEqual(all);
    expect(replay.errors.at(-1)).toMatchObject({ code: 204 });
    expect(JSON.parse(all[0].data).steps.map((step: { type: string }) => step.type)).toEqual(['shell', 'shell', 'shell']);
    for (const event of all) expect(JSON.parse(event.data)).toMatchObject({ type: event.type, runId });
  });

  it('gives a subscriber that resumes mid-run by Last-Event-ID the stored events, then the live ones, each once', async () => {
    const runId = await startGated('go-b');
    const url = `${base}/api/runs/${runId}/events`;
    await waitFor('the gate step to run', stepRunning(runId, 'gate'));
    const resumed = eventSource(url, { lastEventId: '2' });
    await waitFor('the stored events', () => resumed.events.find((event) => event.type === 'attempt.finished'));
    release('go-b');
    await waitFor('the EventSource to stop', () => resumed.closed);
    expect(resumed.ids).toEqual(range(3, 16));
    expect(resumed.events.at(-1)!.type).toBe('run.finished');
    expect(resumed.errors.at(-1)).toMatchObject({ code: 204 });
  });

  it('answers 204 to a client that has the last event of a finished run, 400 to an id that is not one, 404 to an unknown run', async () => {
    const runId = await startGated('go-c');
    release('go-c');
    await waitForRun(t, runId);
    const path = `/api/runs/${runId}/events`;
    await t.get(path).set('Last-Event-ID', '16').expect(204);
    await t.get(`${path}?lastEventId=16`).expect(204);
    await t.get(path).set('Last-Event-ID', '99').expect(204);
    const tail = await t
      .get(path)
      .set('Last-Event-ID', '15')
      .buffer(true)
      .parse((res, callback) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => callback(null, body));
      })
      .expect(200);
    expect(tail.headers).toMatchObject({ 'content-type': expect.stringMatching(/^text\/event-stream/), 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    expect(parseSse(tail.body as string).map((message) => [message.id, message.event])).toEqual([['16', 'run.finished']]);
    // The header wins over the query parameter (an EventSource reconnecting to a ?lastEventId= URL).
    await t.get(`${path}?lastEventId=3`).set('Last-Event-ID', '16').expect(204);
    const bad = await t.get(path).set('Last-Event-ID', 'abc').expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, error: expect.stringMatching(/Last-Event-ID must be/) });
    await t.get(`${path}?lastEventId=-1`).expect(400);
    await t.get('/api/runs/00000000-0000-4000-8000-000000000000/events').expect(404);
  });

  it('sends a retry hint first and heartbeat comments on an idle stream', async () => {
    const runId = await startGated('go-d');
    await waitFor('the gate step to run', stepRunning(runId, 'gate'));
    const stream = rawStream(`${base}/api/runs/${runId}/events`);
    try {
      await waitFor('three heartbeats', () => (stream.text().match(/^: heartbeat$/gm) ?? []).length >= 3);
      expect(stream.text().startsWith('retry: 50\n\n')).toBe(true);
    } finally {
      release('go-d');
    }
    await waitFor('the stream to end after run.finished', () => stream.ended());
    expect(parseSse(stream.text()).at(-1)?.event).toBe('run.finished');
  });

  it('follows a run that another process records (sharing the database) from the log, to its end', async () => {
    const runId = randomUUID();
    const at = new Date().toISOString();
    const store = await HistoryStore.open(db.options);
    try {
      await store.recordRunStarted({
        type: 'run.started',
        runId,
        timestamp: at,
        running: 0,
        workflow: 'elsewhere',
        maxParallel: 1,
        plan: { steps: ['a'], edges: [], levels: [['a']], criticalPath: ['a'], idealSpeedup: 1 },
        steps: [{ id: 'a', type: 'shell', needs: [] }],
      });
      const follower = eventSource(`${base}/api/runs/${runId}/events`);
      await waitFor('run.started', () => follower.events.length === 1);
      await store.recordStepStarted({ type: 'step.started', runId, stepId: 'a', lane: 0, timestamp: at, running: 1 });
      await waitFor('step.started, read from the log', () => follower.events.length === 2);
      const report = { ...(await store.getReport(runId))!, status: 'cancelled' as const, finishedAt: at };
      await store.recordRunFinished({ type: 'run.finished', runId, status: 'cancelled', report, timestamp: at, running: 0 });
      await waitFor('the follower to stop', () => follower.closed);
      expect(follower.events.map((event) => [Number(event.id), event.type])).toEqual([
        [1, 'run.started'],
        [2, 'step.started'],
        [3, 'run.finished'],
      ]);
      expect(follower.errors.at(-1)).toMatchObject({ code: 204 });
    } finally {
      await store.close();
    }
  });

  it('rebuilds the events of a run recorded before the event log from its report, numbered 1…n', async () => {
    const runId = await startGated('go-e');
    release('go-e');
    await waitForRun(t, runId);
    const store = await HistoryStore.open(db.options);
    try {
      await store.dataSource.getRepository(RunEventEntity).delete({ runId });
    } finally {
      await store.close();
    }
    const legacy = eventSource(`${base}/api/runs/${runId}/events`);
    await waitFor('the replay to stop', () => legacy.closed);
    expect(legacy.events.map((event) => event.type)).toEqual([
      'run.started',
      ...['step.started', 'step.finished', 'step.started', 'step.finished', 'step.started', 'step.finished'],
      'run.finished',
    ]);
    expect(legacy.ids).toEqual(range(1, 8));
    expect(legacy.errors.at(-1)).toMatchObject({ code: 204 });
  });
});

describe('run events across a restart (real server process, SQLite file)', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ServerProcess | undefined;
  const clients: RunEventsClient[] = [];

  beforeAll(() => {
    buildServer();
    dir = tempDir('weft-event-log-');
    for (const sub of ['workspace']) mkdirSync(join(dir.path, sub));
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.kill('SIGKILL');
    dir?.dispose();
  });

  const start = () => startServerProcess({ databaseFile: join(dir.path, 'weft.sqlite'), workspace: join(dir.path, 'workspace'), examplesDir: '' });

  it('replays a finished run with the ids and the JSON it had live', async () => {
    server = await start();
    const stored = await expectCall(201, server.port, 'POST', '/api/workflows', gated('go'), 'application/yaml');
    const { runId } = await expectCall(202, server.port, 'POST', `/api/workflows/${stored.id}/runs`, {});
    const live = new RunEventsClient(`http://127.0.0.1:${server.port}/api/runs/${runId}/events`);
    clients.push(live);
    await waitFor('the first step to finish', () => live.events.find((event) => event.type === 'step.finished'), 20_000);
    writeFileSync(join(dir.path, 'workspace', 'go'), '');
    await waitFor('the live EventSource to stop', () => live.closed, 30_000);
    expect(live.ids).toEqual(range(1, 16));
    expect(live.errors.at(-1)).toMatchObject({ code: 204 });

    await server.kill('SIGTERM');
    server = await start();
    const replay = new RunEventsClient(`http://127.0.0.1:${server.port}/api/runs/${runId}/events`);
    clients.push(replay);
    await waitFor('the replay to stop', () => replay.closed, 30_000);
    expect(replay.events).toEqual(live.events);
    expect(replay.events.map((event) => event.type)).toEqual(expect.arrayContaining(['attempt.started', 'attempt.finished']));
  }, 120_000);
});

/** A GET of an event stream with node's http module, its text kept as it arrives. */
function rawStream(url: string): { text(): string; ended(): boolean } {
  let body = '';
  let ended = false;
  httpRequest(url, { headers: { accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => (ended = true));
  }).end();
  return { text: () => body, ended: () => ended };
}
