import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../../libs/viz/test/browser/chromium';
import { serveStatic } from '../../../libs/viz/test/browser/static-server';
import { createFreshProject, filesUnder, freePort, lockedVersion, REPO, runOk, tarballsOf, type FreshProject } from './fresh-project';

/**
 * @weft/viz as a stranger embeds it: its tarball (and @weft/core's, which it depends on) installed
 * with React, Vite and TypeScript into a fresh Vite app outside the repository; the app renders
 * every widget from a report and from a live run. It is type-checked with `strict` and
 * `skipLibCheck: false` (and a wrong prop must fail), built with `vite build`, served on 127.0.0.1,
 * and opened in Chromium against the real Weft server on another port (another origin), allowed by
 * WEFT_CORS_ORIGINS and guarded by WEFT_API_TOKEN: the page posts a workflow, starts a run and
 * follows it with useRunEvents, sending a header of its own besides the token (so the preflight
 * must allow it).
 */

const TOKEN = 'viz-e2e-token-0123456789';
const ARTIFACTS = join(REPO, 'test-artifacts/pack-e2e');
const SERVER_MAIN = join(REPO, 'apps/server/dist/main.js');

/** Two shell steps of about a second at once, then one that needs both. */
const WORKFLOW = [
  'name: viz-e2e',
  'steps:',
  '  - { id: left, type: shell, run: sleep 1 }',
  '  - { id: right, type: shell, run: sleep 1 }',
  '  - { id: join, type: shell, needs: [left, right], run: echo joined }',
  '',
].join('\n');

const REPORT_KEYS = ['runId', 'workflow', 'status', 'maxParallel', 'startedAt', 'finishedAt', 'makespanMs', 'sequentialMs', 'speedup', 'idealSpeedup', 'peakParallelism', 'criticalPath', 'retryOf', 'steps'];
const STEP_KEYS = ['status', 'startedAt', 'finishedAt', 'durationMs', 'exitCode', 'signal', 'attempts', 'outputs', 'reason', 'message', 'lane', 'reused', 'worker', 'items'];
const PLAN_KEYS = ['steps', 'edges', 'levels', 'criticalPath', 'idealSpeedup'];

function pick(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in object).map((key) => [key, object[key]]));
}

/** The app: every widget from the report fixture (src/fixture.ts), and from a live run on the server named in ?server=. */
const MAIN_TSX = `import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  ExecutionGraph,
  ExecutionHistoryTable,
  ParallelismIndicator,
  ParallelTimeline,
  SpeedupDashboard,
  WeftTheme,
  WorkerList,
  useRunEvents,
  type ExecutionGraphProps,
  type HistoryRun,
  type WorkerInfo,
  type WorkflowPlan,
} from '@weft/viz';
import { plan, report } from './fixture';

const params = new URLSearchParams(location.search);
const server = params.get('server') ?? '';
const token = params.get('token') ?? undefined;
// A header of the embedder's own besides the token (a host guard's key, a tracing id): the server's
// CORS preflight must allow it, or Chromium refuses every call.
const auth: Record<string, string> = { ...(token ? { Authorization: \`Bearer \${token}\` } : {}), 'X-Embedder-Trace': 'viz-e2e' };

const WORKFLOW = ${JSON.stringify(WORKFLOW)};

async function api<T>(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<T> {
  const res = await fetch(\`\${server}\${path}\`, { ...init, headers: { ...auth, ...init.headers } });
  if (!res.ok) throw new Error(\`\${init.method ?? 'GET'} \${path}: HTTP \${res.status} \${await res.text()}\`);
  return (await res.json()) as T;
}

const graphProps: ExecutionGraphProps = { report, plan };

function FromReport() {
  return (
    <section id="report">
      <h2>From a report</h2>
      <ExecutionGraph {...graphProps} />
      <ParallelTimeline report={report} plan={plan} />
      <ParallelismIndicator report={report} />
      <SpeedupDashboard report={report} />
      <ExecutionHistoryTable runs={[report]} />
      <WorkerList workers={[]} />
    </section>
  );
}

function Live() {
  const [started, setStarted] = useState<{ runId: string; plan: WorkflowPlan } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [runs, setRuns] = useState<HistoryRun[]>([]);
  const [workers, setWorkers] = useState<WorkerInfo[]>([]);
  useEffect(() => {
    (async () => {
      const workflow = await api<{ id: string; plan: WorkflowPlan }>('/api/workflows', {
        method: 'POST',
        headers: { 'Content-Type': 'application/yaml' },
        body: WORKFLOW,
      });
      const { runId } = await api<{ runId: string }>(\`/api/workflows/\${workflow.id}/runs\`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      setStarted({ runId, plan: workflow.plan });
    })().catch((error: unknown) => setFailure(String(error)));
  }, []);
  const live = useRunEvents(started ? \`\${server}/api/runs/\${started.runId}/events\` : null, { token, headers: { 'X-Embedder-Trace': 'viz-e2e' } });
  const finished = live.state.status !== 'pending' && live.state.status !== 'running';
  useEffect(() => {
    if (!finished) return;
    api<HistoryRun[]>('/api/runs').then(setRuns, (error: unknown) => setFailure(String(error)));
    api<{ workers: WorkerInfo[] }>('/api/workers').then((body) => setWorkers(body.workers), (error: unknown) => setFailure(String(error)));
  }, [finished]);
  return (
    <section id="live">
      <h2>Live</h2>
      <p data-testid="live-status">{live.state.status}</p>
      <p data-testid="live-connection">{live.connection}{live.error ? \`: \${live.error}\` : ''}</p>
      {failure && <p data-testid="live-failure">{failure}</p>}
      <ExecutionGraph state={live.state} plan={started?.plan} />
      <ParallelTimeline state={live.state} />
      <ParallelismIndicator state={live.state} />
      <SpeedupDashboard state={live.state} />
      <ExecutionHistoryTable runs={runs} />
      <WorkerList workers={workers} />
    </section>
  );
}

createRoot(document.getElementById('root')!).render(
  <WeftTheme theme="light">
    <FromReport />
    <Live />
  </WeftTheme>,
);
`;

/** Props a type-checked embedder must be stopped at, one per line (line numbers checked below). */
const WRONG_PROPS_TSX = `import { ExecutionGraph, SpeedupDashboard, WorkerList } from '@weft/viz';

export const a = <ExecutionGraph report={{ nonsense: true }} />;
export const b = <SpeedupDashboard state="running" />;
export const c = <WorkerList workers={[{ id: 7 }]} />;
export const d = <ExecutionGraph colour="red" />;
`;

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Weft viz in a fresh Vite app</title></head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`;

/** What Vite's react-ts template has, with skipLibCheck turned off. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    moduleResolution: 'bundler',
    types: ['vite/client'],
    jsx: 'react-jsx',
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    isolatedModules: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
  },
  include: ['src'],
  exclude: ['src/wrong-props.tsx'],
};


interface WeftServer {
  readonly base: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `node apps/server/dist/main.js` of the repository on a free port, allowing `corsOrigin`, with the token. */
async function startWeftServer(dir: string, corsOrigin: string): Promise<WeftServer> {
  const port = await freePort();
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: workspace,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      LANG: process.env.LANG ?? 'C.UTF-8',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'weft.db')}`,
      WEFT_WORKSPACE: workspace,
      WEFT_EXAMPLES_DIR: '',
      WEFT_CORS_ORIGINS: corsOrigin,
      WEFT_API_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
    },
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  const server: WeftServer = {
    base,
    child,
    output: () => output,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Weft server exited ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/api/health`, { headers: { Authorization: `Bearer ${TOKEN}` } })).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the Weft server did not answer /api/health within 60 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function api(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<any> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, ...init.headers } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Runs the workflow on the server (from Node, same origin) and returns its finished report and plan: the app's fixture. */
async function finishedReport(base: string): Promise<{ report: Record<string, unknown>; plan: Record<string, unknown> }> {
  const workflow = await api(base, '/api/workflows', { method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: WORKFLOW });
  const { runId } = await api(base, `/api/workflows/${workflow.id}/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const report = await api(base, `/api/runs/${runId}`);
    if (report.status !== 'running') return { report, plan: workflow.plan };
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end: ${JSON.stringify(report)}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('@weft/viz in a fresh Vite app, from its tarball, against a Weft server on another origin', () => {
  let project: FreshProject;
  let tmp: string;
  let app: { url: string; server: Server };
  let weft: WeftServer;

  beforeAll(async () => {
    if (!existsSync(SERVER_MAIN)) throw new Error(`no ${SERVER_MAIN}: the global setup builds the repository`);
    const dep = (name: string) => `${name}@${lockedVersion(name)}`;
    project = await createFreshProject(
      'viz',
      tarballsOf('@weft/viz', '@weft/core'),
      ['react', 'react-dom', 'vite', '@vitejs/plugin-react', 'typescript', '@types/react', '@types/react-dom'].map(dep),
      { packageJson: { type: 'module', private: true } },
    );
    tmp = mkdtempSync(join(realpathSync(tmpdir()), 'weft-pack-e2e-viz-server-'));
    // The app's origin first: the server is started allowing exactly it.
    app = await serveStatic(join(project.dir, 'dist'));
    weft = await startWeftServer(tmp, app.url);
  }, 12 * 60_000);

  afterAll(async () => {
    await weft?.stop();
    await new Promise((done) => app?.server.close(done));
    project?.remove();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('installs @weft/viz with @weft/core as its dependency, without an engine warning, with no build-info files', () => {
    expect(project.install.output).not.toMatch(/EBADENGINE/);
    const viz = JSON.parse(readFileSync(join(project.dir, 'node_modules/@weft/viz/package.json'), 'utf8'));
    expect(viz.dependencies['@weft/core']).toBe(viz.version);
    expect(viz.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' });
    expect(viz.peerDependencies).toMatchObject({ react: '^19.0.0', 'react-dom': '^19.0.0' });
    const core = JSON.parse(readFileSync(join(project.dir, 'node_modules/@weft/core/package.json'), 'utf8'));
    expect(core.version).toBe(viz.version);
    expect(filesUnder(join(project.dir, 'node_modules/@weft/viz')).filter((file) => file.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('type-checks the app with strict and skipLibCheck false; wrong props are type errors', async () => {
    const { report, plan } = await finishedReport(weft.base);
    expect(report.status).toBe('succeeded');
    mkdirSync(join(project.dir, 'src'), { recursive: true });
    const steps = Object.fromEntries(Object.entries(report.steps as Record<string, Record<string, unknown>>).map(([id, step]) => [id, pick(step, STEP_KEYS)]));
    project.write(
      'src/fixture.ts',
      [
        "import type { RunReport, WorkflowPlan } from '@weft/viz';",
        '',
        '/** A finished run of the workflow the live part runs, as GET /api/runs/:id returned it. */',
        `export const report: RunReport = ${JSON.stringify({ ...pick(report, REPORT_KEYS), steps }, null, 2)};`,
        '',
        `export const plan: WorkflowPlan = ${JSON.stringify(pick(plan, PLAN_KEYS), null, 2)};`,
        '',
      ].join('\n'),
    );
    project.write('src/main.tsx', MAIN_TSX);
    project.write('src/wrong-props.tsx', WRONG_PROPS_TSX);
    project.write('index.html', INDEX_HTML);
    project.write('vite.config.js', "import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n\nexport default defineConfig({ plugins: [react()] });\n");
    project.write('tsconfig.json', `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    project.write('tsconfig.wrong.json', `${JSON.stringify({ extends: './tsconfig.json', include: ['src/wrong-props.tsx'], exclude: [] }, null, 2)}\n`);

    // The project's own tsc, run by node (no npx: npm beside the other tests' installs is one more thing that can fail).
    const tsc = join(project.dir, 'node_modules/typescript/bin/tsc');
    // --pretty false: under Nx (FORCE_COLOR) tsc would print its coloured, multi-line format.
    const ok = await project.run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { timeoutMs: 3 * 60_000 });
    expect({ code: ok.code, output: ok.output }).toEqual({ code: 0, output: '' });

    const wrong = await project.run(process.execPath, [tsc, '-p', 'tsconfig.wrong.json', '--pretty', 'false'], { timeoutMs: 3 * 60_000 });
    expect(wrong.code).not.toBe(0);
    // Each of lines 3 to 6 of wrong-props.tsx is an error, and nothing else is.
    const lines = [...wrong.output.matchAll(/^src\/wrong-props\.tsx\((\d+),\d+\): error TS\d+/gm)].map((match) => Number(match[1]));
    // (the output comes with the lines, so a failure shows what tsc said)
    expect({ lines: [...new Set(lines)].sort(), output: wrong.output }).toEqual({ lines: [3, 4, 5, 6], output: wrong.output });
    expect(wrong.output).toMatch(/nonsense/);
    expect(wrong.output.split('\n').filter((line) => /error TS/.test(line) && !line.startsWith('src/wrong-props.tsx'))).toEqual([]);
  }, 8 * 60_000);

  it('builds with vite build', async () => {
    await runOk(process.execPath, [join(project.dir, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: project.dir, timeoutMs: 4 * 60_000 });
    expect(existsSync(join(project.dir, 'dist/index.html'))).toBe(true);
  }, 5 * 60_000);

  it('renders every widget from the report and from a live run on another origin in Chromium, without console errors', async () => {
    const problems: string[] = [];
    const serverRequests: string[] = [];
    const browser = await launchChromium({ onBlockedRequest: (url) => problems.push(`blocked request ${url}`) });
    let page: Page | undefined;
    try {
      page = await browser.context.newPage();
      page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('request', (request) => request.url().startsWith(weft.base) && serverRequests.push(`${request.method()} ${new URL(request.url()).pathname}`));
      await page.goto(`${app.url}/?server=${encodeURIComponent(weft.base)}&token=${encodeURIComponent(TOKEN)}`);

      const widgets = ['.weft-graph', '.weft-timeline', '.weft-indicator', '.weft-speedup', '.weft-history', '.weft-workers'];
      // From the report: every widget, the three steps succeeded, the speedup figure.
      for (const widget of widgets) await page.locator(`#report ${widget}`).first().waitFor({ timeout: 15_000 });
      expect(await page.locator('#report .weft-graph [data-step][data-status="succeeded"]').count()).toBe(3);
      await expect(page.locator('#report [data-testid="weft-speedup-headline"]').textContent()).resolves.toMatch(/faster|x/);

      // Live: the two sleeps run at once, then the run succeeds and every widget shows it.
      await page
        .waitForFunction(() => document.querySelectorAll('#live .weft-graph [data-step][data-status="running"]').length === 2, null, { timeout: 30_000 })
        .catch(async (error: unknown) => {
          throw new Error(`the live graph never showed 2 running steps (${await page!.locator('#live').innerText()}):\n${problems.join('\n')}\n${weft.output()}`, { cause: error });
        });
      await page.locator('#live [data-testid="live-status"]', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => document.querySelectorAll('#live .weft-graph [data-step][data-status="succeeded"]').length === 3, null, { timeout: 10_000 });
      for (const widget of widgets) await page.locator(`#live ${widget}`).first().waitFor({ timeout: 10_000 });
      // The history table lists the live run (GET /api/runs across origins), after the fixture's run.
      await page.waitForFunction(() => document.querySelectorAll('#live .weft-history tbody tr[data-run-id]').length >= 2, null, { timeout: 10_000 });
      await expect(page.locator('#live [data-testid="live-failure"]').count()).resolves.toBe(0);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'viz-vite-app.png'), fullPage: true });
      expect(serverRequests).toEqual(expect.arrayContaining(['POST /api/workflows', expect.stringMatching(/^GET \/api\/runs\/[^/]+\/events$/)]));
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 3 * 60_000);
});
