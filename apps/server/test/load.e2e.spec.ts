import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../libs/core/src/testing/wait-for.js';
import { tempDir } from './e2e-helpers.js';
import {
  REPO_ROOT,
  buildServer,
  expectCall,
  killRecordedGroups,
  startServerProcess,
  subscribeEvents,
  type ServerProcess,
} from './server-process.js';

/**
 * Load, on the real server as a child process with a server-wide cap of 4 step processes:
 * 50 runs submitted at once, and 100 SSE subscribers on one run.
 *
 * With WEFT_WRITE_LOAD_FIGURES=1 the figures replace the "Load (server)" section at the end of
 * docs/benchmarks.md (everything after MARKER; `npm run bench` keeps that part when it rewrites the file).
 */

const MAX_PROCESSES = 4;
const RUNS = 50;
const SUBSCRIBERS = 100;
const MARKER = '<!-- server load: written by apps/server/test/load.e2e.spec.ts -->';

// Each step appends `start`/`end` lines (nanosecond timestamp, run, step) to spans.log, in the
// workspace. Small appends to one file are atomic, so the file's order is the order of the writes.
const SPAN = (work: string) => `|
      echo "start $(date +%s%N) $WEFT_RUN_ID $WEFT_STEP_ID" >> spans.log
      ${work}
      echo "end $(date +%s%N) $WEFT_RUN_ID $WEFT_STEP_ID" >> spans.log`;

const LOAD_WORKFLOW = `name: load
maxParallel: 4
steps:
  - id: a
    type: shell
    run: ${SPAN(`sleep 0.05; echo '{"n": 1}' > "$WEFT_OUTPUTS"`)}
  - id: b
    type: shell
    inputs:
      n: \${steps.a.outputs.n}
    run: ${SPAN('sleep 0.05; echo "b got $INPUT_N"')}
  - id: c
    type: shell
    needs: [a]
    run: ${SPAN('sleep 0.05')}
`;

// `gate` holds the run until the file `go` exists, so every subscriber attaches while it runs.
const FANOUT_WORKFLOW = `name: fanout
steps:
  - id: gate
    type: shell
    run: |
      echo $$ >> pids.txt
      while [ ! -f go ]; do sleep 0.05; done
  - { id: x, type: shell, needs: [gate], run: echo x }
  - { id: y, type: shell, needs: [gate], run: echo y }
  - { id: z, type: shell, needs: [gate], run: echo z }
  - { id: join, type: shell, needs: [x, y, z], run: echo joined }
`;

interface Span {
  readonly kind: 'start' | 'end';
  readonly ns: bigint;
  readonly runId: string;
  readonly stepId: string;
}

describe('Weft server under load (real process, WEFT_MAX_PROCESSES=4)', () => {
  let dir: ReturnType<typeof tempDir>;
  let workspace: string;
  let server: ServerProcess | undefined;
  const figures: Record<string, string | number> = {};

  beforeAll(async () => {
    buildServer();
    dir = tempDir('weft-load-');
    workspace = join(dir.path, 'workspace');
    mkdirSync(workspace);
    mkdirSync(join(dir.path, 'examples'));
    server = await startServerProcess({
      databaseFile: join(dir.path, 'weft.sqlite'),
      workspace,
      examplesDir: join(dir.path, 'examples'),
      env: { WEFT_MAX_PROCESSES: String(MAX_PROCESSES) },
    });
  }, 180_000);

  afterAll(async () => {
    if (workspace) writeFileSync(join(workspace, 'go'), '');
    await server?.kill('SIGKILL');
    if (workspace) killRecordedGroups(join(workspace, 'pids.txt'));
    dir?.dispose();
    if (Object.keys(figures).length) console.log(`server load figures: ${JSON.stringify(figures)}`);
    if (process.env.WEFT_WRITE_LOAD_FIGURES === '1' && figures.runs && figures.subscribers) writeFigures(figures);
  });

  it(`completes ${RUNS} runs submitted at once, loses none, keeps history consistent and the process cap`, async () => {
    const port = server!.port;
    const { id: workflowId } = await expectCall(201, port, 'POST', '/api/workflows', LOAD_WORKFLOW, 'application/yaml');

    const t0 = performance.now();
    const runIds: string[] = await Promise.all(
      Array.from({ length: RUNS }, async () => (await expectCall(202, port, 'POST', `/api/workflows/${workflowId}/runs`, {})).runId),
    );
    const submittedMs = performance.now() - t0;
    expect(new Set(runIds).size).toBe(RUNS);

    // Wait until the history shows no run of the workflow still running.
    const listed = await waitFor(
      `the ${RUNS} runs to end`,
      async () => {
        const runs: Array<{ runId: string; status: string }> = await expectCall(200, port, 'GET', `/api/runs?workflowId=${workflowId}&limit=500`);
        if (runs.length !== RUNS || runs.some((run) => run.status === 'running')) throw new Error(`statuses: ${JSON.stringify(runs.map((run) => run.status))}`);
        return runs;
      },
      { timeoutMs: 45_000, intervalMs: 100 },
    );
    const wallMs = performance.now() - t0;

    // None lost: the history lists exactly the submitted runs, all succeeded.
    expect(listed.map((run) => run.runId).sort()).toEqual([...runIds].sort());
    expect(listed.filter((run) => run.status !== 'succeeded')).toEqual([]);

    // Each report is final and consistent.
    const reports = await Promise.all(runIds.map((runId) => expectCall(200, port, 'GET', `/api/runs/${runId}`)));
    for (const report of reports) {
      expect(report).toMatchObject({ status: 'succeeded', workflow: 'load', retryOf: null });
      expect(report.finishedAt).toEqual(expect.any(String));
      expect(Object.keys(report.steps).sort()).toEqual(['a', 'b', 'c']);
      for (const step of Object.values(report.steps) as any[]) {
        expect(step).toMatchObject({ status: 'succeeded', exitCode: 0, attempts: 1, reused: false });
        expect(step.finishedAt).toEqual(expect.any(String));
      }
      expect(report.steps.a.outputs).toEqual({ n: 1 });
      expect(report.peakParallelism).toBeLessThanOrEqual(MAX_PROCESSES);
    }

    // The steps' own start/end lines: each step ran exactly once, after its dependency, and never
    // more than MAX_PROCESSES at once (counted in the order the lines were written).
    const spans = parseSpans(readFileSync(join(workspace, 'spans.log'), 'utf8'));
    expect(spans).toHaveLength(RUNS * 3 * 2);
    const seen = new Map<string, Span[]>();
    let running = 0;
    let maxConcurrency = 0;
    for (const span of spans) {
      const key = `${span.runId}/${span.stepId}`;
      seen.set(key, [...(seen.get(key) ?? []), span]);
      running += span.kind === 'start' ? 1 : -1;
      maxConcurrency = Math.max(maxConcurrency, running);
    }
    expect(running).toBe(0);
    expect(seen.size).toBe(RUNS * 3);
    for (const [key, pair] of seen) {
      expect([key, pair.map((span) => span.kind)]).toEqual([key, ['start', 'end']]);
      expect(pair[0].ns <= pair[1].ns).toBe(true);
    }
    for (const runId of runIds) {
      const aEnd = spans.findIndex((span) => span.runId === runId && span.stepId === 'a' && span.kind === 'end');
      for (const stepId of ['b', 'c']) {
        expect(spans.findIndex((span) => span.runId === runId && span.stepId === stepId && span.kind === 'start')).toBeGreaterThan(aEnd);
      }
    }
    expect(maxConcurrency).toBeLessThanOrEqual(MAX_PROCESSES);
    // Where the wall time went: the steps' own time (their start/end lines), and the window from the
    // first step's start to the last one's end (no submission, no polling).
    let stepsNs = 0n;
    for (const [start, end] of seen.values()) stepsNs += end!.ns - start!.ns;
    const windowNs = spans.at(-1)!.ns - spans[0]!.ns;
    // Every start but the first MAX_PROCESSES waited for a slot: it follows an earlier end.
    const handOffs = handOffGapsMs(spans);
    expect(handOffs).toHaveLength(RUNS * 3 - MAX_PROCESSES);

    // Nothing went wrong on the server's side either (it logs at warn: any log line is a warning or an error).
    expect(server!.output().split('\n').filter((line) => /"level":\s*(40|50|60)/.test(line))).toEqual([]);

    Object.assign(figures, {
      runs: RUNS,
      stepProcesses: RUNS * 3,
      submittedMs: Math.round(submittedMs),
      wallMs: Math.round(wallMs),
      windowMs: Math.round(Number(windowNs) / 1e6),
      stepMs: Number(stepsNs) / 1e6 / (RUNS * 3),
      handOffP50Ms: percentile(handOffs, 0.5),
      handOffP90Ms: percentile(handOffs, 0.9),
      maxConcurrency,
    });
  }, 60_000);

  it(`streams the same full event sequence to ${SUBSCRIBERS} SSE subscribers of one run`, async () => {
    const port = server!.port;
    const { id: workflowId } = await expectCall(201, port, 'POST', '/api/workflows', FANOUT_WORKFLOW, 'application/yaml');
    const { runId } = await expectCall(202, port, 'POST', `/api/workflows/${workflowId}/runs`, {});

    const t0 = performance.now();
    const subscribers = Array.from({ length: SUBSCRIBERS }, () => subscribeEvents(port, runId, 45_000));
    // Every subscriber attached (received what happened so far) while the gate still holds the run.
    await Promise.all(subscribers.map((subscriber) => subscriber.attached));
    const attachedMs = performance.now() - t0;
    expect((await expectCall(200, port, 'GET', `/api/runs/${runId}`)).status).toBe('running');

    const t1 = performance.now();
    writeFileSync(join(workspace, 'go'), '');
    const streams = await Promise.all(subscribers.map((subscriber) => subscriber.done));
    const fanOutMs = performance.now() - t1;

    const [first] = streams;
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/text\/event-stream/);
    const types = first.messages.map((message) => message.event);
    expect(types[0]).toBe('run.started');
    expect(types.at(-1)).toBe('run.finished');
    expect(types.filter((type) => type === 'step.started')).toHaveLength(5);
    expect(types.filter((type) => type === 'step.finished')).toHaveLength(5);
    expect(first.messages.map((message) => message.id)).toEqual(first.messages.map((_, i) => String(i + 1)));
    expect(first.messages.at(-1)!.data).toMatchObject({ status: 'succeeded', runId });
    // Same events, same order, same content, for every subscriber.
    for (const stream of streams) {
      expect(stream.status).toBe(200);
      expect(stream.messages).toEqual(first.messages);
    }
    const report = await expectCall(200, port, 'GET', `/api/runs/${runId}`);
    // The live report is the stored one (GET may add the stored workflow's id).
    expect({ ...first.messages.at(-1)!.data.report, workflowId: undefined }).toEqual({ ...report, workflowId: undefined });
    // Delivery lag: from the server's run.finished timestamp to the last subscriber's end of stream.
    const finishedAt = Date.parse(first.messages.at(-1)!.data.timestamp);
    const lagMs = Math.max(...streams.map((stream) => stream.endedAt)) - finishedAt;

    expect(server!.output().split('\n').filter((line) => /"level":\s*(40|50|60)/.test(line))).toEqual([]);

    Object.assign(figures, {
      subscribers: SUBSCRIBERS,
      eventsPerSubscriber: first.messages.length,
      attachedMs: Math.round(attachedMs),
      fanOutMs: Math.round(fanOutMs),
      lagMs: Math.max(0, Math.round(lagMs)),
    });
  }, 60_000);
});

function parseSpans(text: string): Span[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [kind, ns, runId, stepId] = line.split(' ');
      if ((kind !== 'start' && kind !== 'end') || !/^\d+$/.test(ns) || !runId || !stepId) throw new Error(`bad span line: ${line}`);
      return { kind, ns: BigInt(ns), runId, stepId };
    });
}

/**
 * A slot's hand-offs, in ms: for each step that started once every slot had been taken, the time from
 * the earliest end line not yet followed (a slot freed) to its start line. Lines in the order written.
 */
function handOffGapsMs(spans: readonly Span[]): number[] {
  const freed: bigint[] = [];
  const gaps: number[] = [];
  let started = 0;
  for (const span of spans) {
    if (span.kind === 'end') freed.push(span.ns);
    else if (++started > MAX_PROCESSES) gaps.push(Number(span.ns - freed.shift()!) / 1e6);
  }
  return gaps;
}

/** The value at fraction `p` (0..1) of the sorted values, nearest rank. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Replaces everything after MARKER at the end of docs/benchmarks.md with these figures. */
function writeFigures(f: Record<string, string | number>): void {
  const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const at = existing.indexOf(MARKER);
  const head = (at < 0 ? existing : existing.slice(0, at)).trimEnd();
  const section = [
    MARKER,
    '## Load (server)',
    '',
    `Measured by \`apps/server/test/load.e2e.spec.ts\` on ${new Date().toISOString().slice(0, 10)} (${cpus().length} cores, Node ${process.version}); ` +
      'rerun with `WEFT_WRITE_LOAD_FIGURES=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/load.e2e.spec.ts` in apps/server. ' +
      `The real server runs as a child process on a SQLite file with \`WEFT_MAX_PROCESSES=${MAX_PROCESSES}\`; ` +
      'requests and subscribers use fresh connections to 127.0.0.1. The wall time includes the test\'s polling of the history ' +
      '(every 100 ms), so it is an upper bound; `npm run bench` keeps this section.',
    '',
    '| figure | value |',
    '| --- | ---: |',
    `| runs submitted at once (3 shell steps each, \`sleep 0.05\`) | ${f.runs} |`,
    `| step processes | ${f.stepProcesses} |`,
    `| time until all ${f.runs} submissions were answered \`202\` | ${f.submittedMs} ms |`,
    `| wall time, first submission to the last run finished in the history | ${(Number(f.wallMs) / 1000).toFixed(2)} s |`,
    `| lower bound from the sleeps alone (${f.stepProcesses} × 0.05 s / ${MAX_PROCESSES}) | ${((Number(f.stepProcesses) * 0.05) / MAX_PROCESSES).toFixed(2)} s |`,
    `| first step's start → last step's end (the steps' own lines: no submission, no polling) | ${(Number(f.windowMs) / 1000).toFixed(2)} s |`,
    `| a step's own time, start line → end line, mean (its \`sleep 0.05\` and \`date\` processes) | ${Number(f.stepMs).toFixed(1)} ms |`,
    `| lower bound from the steps' own time (${f.stepProcesses} × that / ${MAX_PROCESSES}) | ${((Number(f.stepProcesses) * Number(f.stepMs)) / MAX_PROCESSES / 1000).toFixed(2)} s |`,
    `| a slot's hand-off, a step's end line → the next start line, median / 90th percentile (weft's hand-off, then \`sh\` starting and running \`date\`) | ${Number(f.handOffP50Ms).toFixed(1)} / ${Number(f.handOffP90Ms).toFixed(1)} ms |`,
    `| runs lost / not succeeded | 0 / 0 |`,
    `| most step processes at once, from the steps' own start/end lines (cap ${MAX_PROCESSES}) | ${f.maxConcurrency} |`,
    `| SSE subscribers on one run (\`GET /api/runs/:id/events\`, node's http module) | ${f.subscribers} |`,
    `| time until all ${f.subscribers} were attached (first event received) | ${f.attachedMs} ms |`,
    `| run released → all ${f.subscribers} streams ended with \`run.finished\` (the run's last 4 steps included) | ${f.fanOutMs} ms |`,
    `| fan-out lag: the run's \`run.finished\` timestamp → the last of the ${f.subscribers} streams ended | ${f.lagMs} ms |`,
    `| events per subscriber, identical and in the same order for all | ${f.eventsPerSubscriber} |`,
    '',
  ].join('\n');
  writeFileSync(file, `${head}\n\n${section}`);
}
