import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../../../libs/core/src/testing/wait-for';
import { launchChromium } from '../../../libs/viz/test/browser/chromium';

/**
 * End to end against the real server: builds the server and the dashboard, starts
 * `node apps/server/dist/main.js` on a free port with a temporary SQLite file, opens the dashboard
 * in Debian's headless Chromium, runs the seed demo (`report`: 3 fetches of ~2 s in parallel, then
 * generate_report) and checks what a user sees: 3 pulsing nodes and "3 steps running in parallel",
 * then about "2.0x faster", then the run in the history page, whose graph keeps its edges, and a
 * step's log.
 * Screenshots go to test-artifacts/dashboard/. Any console error or page error fails the test.
 */
const repo = join(__dirname, '../../..');
const artifacts = join(repo, 'test-artifacts/dashboard');

let tmp: string;
let server: ChildProcess | undefined;
let serverOutput = '';
let baseUrl: string;
let context: BrowserContext | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
let page: Page;
const problems: string[] = [];

/** Runs a build step at the repo root; throws with its output when it fails. */
function build(what: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${command} ${args.join(' ')}):\n${result.stdout ?? ''}\n${result.stderr ?? ''}${result.error ?? ''}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const exited = new AbortController();
  const onExit = () => exited.abort();
  server?.once('exit', onExit);
  if (server?.exitCode !== null) onExit();
  try {
    await waitFor(
      'the server to be healthy',
      async () => {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      },
      { timeoutMs, intervalMs: 150, signal: exited.signal },
    );
  } catch (error) {
    const what = exited.signal.aborted ? `the server exited with ${server?.exitCode}` : (error as Error).message;
    throw new Error(`${what}:\n${serverOutput}`, { cause: error });
  } finally {
    server?.off('exit', onExit);
  }
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  // Both builds are incremental or quick (a few seconds), so the test always checks fresh code.
  build('building the server (tsc -b tsconfig.build.json)', join(repo, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json']);
  build('building the dashboard (vite build)', process.execPath, [
    join(repo, 'node_modules/vite/bin/vite.js'),
    'build',
    '--logLevel',
    'warn',
    join(repo, 'apps/dashboard'),
  ]);

  tmp = mkdtempSync(join(tmpdir(), 'weft-dashboard-e2e-'));
  mkdirSync(artifacts, { recursive: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${join(tmp, 'weft.sqlite')}`,
    LOG_LEVEL: 'warn',
  };
  delete env.WEFT_API_TOKEN;
  delete env.WEFT_WORKSPACE;
  delete env.WEFT_EXAMPLES_DIR;
  delete env.WEFT_DASHBOARD_DIR;
  server = spawn(process.execPath, ['apps/server/dist/main.js'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    serverOutput = (serverOutput + chunk.toString('utf8')).slice(-20_000);
  };
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);
  baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(`${baseUrl}/api/health`, 20_000);

  // Nothing leaves the machine: every request that is not to the server is aborted, and fails the test.
  const browser = await launchChromium({ onBlockedRequest: (url) => problems.push(`request outside 127.0.0.1: ${url}`) });
  context = browser.context;
  closeBrowser = browser.close;
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
}, 60_000);

afterAll(async () => {
  await closeBrowser?.().catch(() => undefined);
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server!.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

afterEach(() => {
  // A console error or an uncaught page error anywhere in the flow fails the test.
  expect(problems).toEqual([]);
});

test('runs the seed demo live: 3 steps at once, about 2.0x faster, then in history with its graph', async () => {
  await page.goto(`${baseUrl}/`);
  const row = page.locator('tr[data-workflow="report"]');
  await row.waitFor({ timeout: 10_000 });
  // The list shows the plan of each workflow: 4 steps, ideal 2.0x.
  await page.waitForFunction(() => document.querySelector('tr[data-workflow="report"] td:nth-child(2)')?.textContent === '4', null, {
    timeout: 5_000,
  });
  await shot('1-workflows');

  await row.getByRole('button', { name: 'Run report' }).click();
  await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/, { timeout: 10_000 });
  const runId = decodeURIComponent(new URL(page.url()).hash.replace('#/runs/', ''));

  // Mid-run: the three fetches run together, each pulsing, and the indicator says so.
  const mid = await page.waitForFunction(
    () => {
      const running = [...document.querySelectorAll('.weft-graph [data-step][data-status="running"]')];
      const pulsing = running.filter((node) => {
        const pulse = node.querySelector('[data-pulse]');
        return pulse !== null && getComputedStyle(pulse).animationName === 'weft-pulse';
      });
      const headline = document.querySelector('[data-testid="weft-indicator-headline"]')?.textContent ?? '';
      return pulsing.length >= 3 && headline === '3 steps running in parallel'
        ? { pulsing: pulsing.map((n) => n.getAttribute('data-step')), headline }
        : false;
    },
    null,
    { timeout: 15_000, polling: 50 },
  );
  const seen = (await mid.jsonValue()) as { pulsing: string[]; headline: string };
  expect(seen.pulsing.sort()).toEqual(['fetch_inventory_data', 'fetch_product_data', 'fetch_user_data']);
  expect(seen.headline).toBe('3 steps running in parallel');
  // The live graph has the plan's edges: each fetch → generate_report.
  expect(await page.locator('.weft-graph .weft-graph-edge').count()).toBe(3);
  await shot('2-run-live');

  // Finished: about 2.0x faster.
  await page.locator('[data-testid="run-status"]', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
  const headline = page.locator('[data-testid="weft-speedup-headline"]');
  await page.waitForFunction(() => /^\d+(\.\d+)?x faster$/.test(document.querySelector('[data-testid="weft-speedup-headline"]')?.textContent ?? ''));
  const speedupText = (await headline.textContent()) ?? '';
  const speedup = Number(/(\d+(?:\.\d+)?)x faster/.exec(speedupText)?.[1]);
  expect(speedup).toBeGreaterThanOrEqual(1.7);
  expect(speedup).toBeLessThanOrEqual(2.3);
  expect(await page.locator('.weft-graph [data-step][data-status="succeeded"]').count()).toBe(4);
  expect(await page.locator('.weft-graph .weft-graph-edge').count()).toBe(3);
  await shot('3-run-finished');

  // History: the run is listed, succeeded, with its speedup and peak parallelism.
  await page.getByRole('link', { name: 'History' }).click();
  const historyRow = page.locator(`tr[data-run-id="${runId}"]`);
  await historyRow.waitFor({ timeout: 10_000 });
  const cells = await historyRow.locator('td').allTextContents();
  expect(cells[1]).toBe('report');
  expect(cells[2]).toBe('succeeded');
  expect(Number(/(\d+(?:\.\d+)?)x/.exec(cells[4] ?? '')?.[1])).toBeCloseTo(speedup, 1);
  expect(cells[5]).toMatch(/^3\b/);
  await shot('4-history');

  // Opened from history, the finished run still draws its graph with the dependency edges, and
  // never flickers back to "running" while its event stream replays.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { runStatuses: string[] }).runStatuses = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="run-status"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // Hold the report back, so the replayed event stream arrives first (the race a slow server makes).
  const reportUrl = new RegExp(`/api/runs/${runId}$`);
  await page.route(reportUrl, async (route) => {
    await new Promise((r) => setTimeout(r, 700));
    await route.fallback().catch(() => undefined); // on to the context's route; ignored once unrouted
  });
  await historyRow.click();
  await page.waitForURL(new RegExp(`#/runs/${runId}$`));
  await page.locator('[data-testid="run-status"]', { hasText: 'succeeded' }).waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => document.querySelectorAll('.weft-graph .weft-graph-edge').length === 3, null, { timeout: 10_000 });
  expect(await page.locator('.weft-graph [data-step][data-status="succeeded"]').count()).toBe(4);
  await page.waitForFunction(() => /^\d+(\.\d+)?x faster$/.test(document.querySelector('[data-testid="weft-speedup-headline"]')?.textContent ?? ''));
  await shot('5-history-run');
  await page.waitForTimeout(500);
  const statuses = await page.evaluate(() => (window as unknown as { runStatuses: string[] }).runStatuses);
  expect(statuses).not.toContain('running');
  expect(statuses.at(-1)).toBe('succeeded');
  await page.unrouteAll({ behavior: 'wait' });

  // The step log viewer: a click on a node shows what the step printed.
  await page.locator('.weft-graph [data-step="generate_report"]').click();
  const log = page.locator('[data-testid="step-log"]');
  await page.waitForFunction(() => /report:/.test(document.querySelector('[data-testid="step-log"]')?.textContent ?? ''), null, {
    timeout: 10_000,
  });
  expect(await log.textContent()).toContain("'products'");
  await shot('6-step-log');
});

test("runs a workflow with its own maxParallel unless another is chosen", async () => {
  const text = 'name: pair\nmaxParallel: 2\nsteps:\n  - { id: a, type: shell, run: "true" }\n  - { id: b, type: shell, run: "true" }\n';
  const created = await fetch(`${baseUrl}/api/workflows`, { method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: text });
  expect(created.status).toBe(201);
  const runWith = async (choice: string | null): Promise<number> => {
    await page.goto(`${baseUrl}/`);
    const row = page.locator('tr[data-workflow="pair"]');
    await row.waitFor({ timeout: 10_000 });
    if (choice !== null) await row.getByLabel('maxParallel for pair').selectOption(choice);
    await row.getByRole('button', { name: 'Run pair' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/, { timeout: 10_000 });
    const runId = decodeURIComponent(new URL(page.url()).hash.replace('#/runs/', ''));
    return ((await (await fetch(`${baseUrl}/api/runs/${runId}`)).json()) as { maxParallel: number }).maxParallel;
  };
  expect(await runWith(null)).toBe(2);
  expect(await runWith('3')).toBe(3);
});
