import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../../libs/viz/test/browser/chromium';
import { createFreshProject, freePort, freshEnv, lockedVersion, REPO, runOk, tarballsOf, type FreshProject } from './fresh-project';

/**
 * docs/embedding.md as a stranger follows it, with the packed packages only: its plugin package is
 * built, tested and packed from its own folder; its Nest host app (forRootAsync with ConfigService,
 * the plugin, @weft/plugin-http's Nest module, its own guard and controller, a route prefix) is
 * compiled with `tsc --strict` and `skipLibCheck: false`, started, and runs a workflow that mixes
 * the plugin's steps with shell steps in parallel; the dashboard under the prefix is checked in
 * Chromium; then the same host with a second copy of @weft/nest, the CLI and `weft-server` with
 * WEFT_PLUGINS.
 */

const DOC = join(REPO, 'docs/embedding.md');
const KEY = 'host-key-0123456789';
const ARTIFACTS = join(REPO, 'test-artifacts/pack-e2e');

/** The code blocks of the doc that name a file (```ts file=host/src/main.ts): path → text. */
function docFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of readFileSync(DOC, 'utf8').matchAll(/```\w+ file=(\S+)\n([\s\S]*?)```/g)) files.set(match[1], match[2]);
  return files;
}

function writeDocFiles(project: FreshProject, prefix: string, files: Map<string, string>, except: readonly string[] = []): void {
  for (const [path, text] of files) {
    if (!path.startsWith(`${prefix}/`) || except.includes(path)) continue;
    const target = join(project.dir, path.slice(prefix.length + 1));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}

interface Started {
  readonly child: ChildProcess;
  readonly base: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `command` in the project and waits until `readyPath` answers 200 (with the key). */
async function start(project: FreshProject, command: string, args: string[], env: NodeJS.ProcessEnv, readyPath: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(command, args, { cwd: project.dir, env: freshEnv({ ...env, PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  const started: Started = {
    child,
    base,
    output: () => output,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${base}${readyPath}`, { headers: { 'X-Api-Key': KEY } });
      if (res.ok) return started;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await started.stop();
      throw new Error(`${command} did not answer ${readyPath} within 60 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function finishedRun(base: string, runId: string): Promise<any> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { status, body } = await json(`${base}/weft/api/runs/${runId}`, { headers: { 'X-Api-Key': KEY } });
    if (status === 200 && body.status !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end: ${JSON.stringify(body)}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

const typeNames = (types: { name: string }[]) => types.map((type) => type.name);

describe('docs/embedding.md with the packed packages, outside the repository', () => {
  const files = docFiles();
  let plugin: FreshProject;
  let pluginTarball: string;
  let host: FreshProject;

  beforeAll(async () => {
    // Part 2: the plugin, from its own folder.
    plugin = await createFreshProject(
      'plugin',
      tarballsOf('@weft/core'),
      [`typescript@${lockedVersion('typescript')}`, `@types/node@${lockedVersion('@types/node')}`],
      { packageJson: JSON.parse(files.get('plugin/package.json')!) as Record<string, unknown>, npmArgs: ['--save-dev'] },
    );
    writeDocFiles(plugin, 'plugin', files, ['plugin/package.json']);
    await runOk('npm', ['run', 'build'], { cwd: plugin.dir });
    await runOk('npm', ['test'], { cwd: plugin.dir });
    await runOk('npm', ['pack', '--silent'], { cwd: plugin.dir });
    pluginTarball = join(plugin.dir, readdirSync(plugin.dir).find((name) => name.endsWith('.tgz'))!);

    // Part 1: the host, with the packages of the doc's `npm install` line.
    const nest = (name: string) => `${name}@${lockedVersion(name)}`;
    host = await createFreshProject(
      'host',
      [...tarballsOf('@weft/server', '@weft/core', '@weft/step-types', '@weft/history', '@weft/queue', '@weft/nest', '@weft/plugin-http', '@weft/cli'), pluginTarball],
      [
        nest('@nestjs/common'),
        nest('@nestjs/core'),
        nest('@nestjs/platform-express'),
        '@nestjs/config@12.0.1',
        nest('reflect-metadata'),
        nest('rxjs'),
        nest('typescript'),
        nest('@types/node'),
      ],
      { packageJson: JSON.parse(files.get('host/package.json')!) as Record<string, unknown> },
    );
    writeDocFiles(host, 'host', files, ['host/package.json']);
  }, 12 * 60_000);

  afterAll(() => {
    plugin?.remove();
    host?.remove();
  });

  it('tests and packs the plugin from its own folder', () => {
    expect(pluginTarball).toMatch(/weft-plugin-upper-1\.0\.0\.tgz$/);
  });

  it('installs without EBADENGINE and compiles the host with --strict and skipLibCheck false', async () => {
    expect(host.install.output).not.toMatch(/EBADENGINE/);
    const tsconfig = JSON.parse(readFileSync(join(host.dir, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false });
    await runOk('npx', ['tsc', '-p', '.'], { cwd: host.dir });
    expect(existsSync(join(host.dir, 'dist/main.js'))).toBe(true);
  }, 5 * 60_000);

  it('starts the host: plugin and shell steps in parallel, its guard, its controller, the dashboard under the prefix in Chromium', async () => {
    const app = await start(host, process.execPath, ['dist/main.js'], { API_KEY: KEY, WEFT_WORKSPACE: host.dir }, '/weft/api/health');
    try {
      expect((await json(`${app.base}/weft/api/step-types`)).status).toBe(401);
      const types = await json(`${app.base}/weft/api/step-types`, { headers: { 'X-Api-Key': KEY } });
      expect(typeNames(types.body)).toEqual(['http', 'node', 'python', 'shell', 'upper']);

      // The host's own controller starts a run through Weft's exported services.
      const started = await json(`${app.base}/releases`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ version: '1.2' }) });
      expect(started.status).toBe(201);
      const report = await finishedRun(app.base, started.body.runId);
      expect(report.status).toBe('succeeded');
      expect(report.peakParallelism).toBe(3); // notes (the plugin), build and test at once
      expect(report.steps.notes.outputs).toEqual({ text: 'RELEASE 1.2' });
      const log = await fetch(`${app.base}/weft/api/runs/${started.body.runId}/steps/announce/logs`, { headers: { 'X-Api-Key': KEY } });
      expect(await log.text()).toContain('RELEASE 1.2');

      // The OpenAPI document: Weft's routes only, under the prefix, behind the guard.
      expect((await json(`${app.base}/weft/api/docs-json`)).status).toBe(401);
      const document = await json(`${app.base}/weft/api/docs-json`, { headers: { 'X-Api-Key': KEY } });
      const paths = Object.keys(document.body.paths);
      expect(paths).toContain('/weft/api/runs/{runId}/events');
      expect(paths.filter((path) => !path.startsWith('/weft/api/'))).toEqual([]);

      await checkDashboard(app.base, started.body.runId);
    } finally {
      await app.stop();
    }
  }, 3 * 60_000);

  it('still registers @weft/plugin-http when it has its own copy of @weft/nest', async () => {
    const shared = join(host.dir, 'node_modules/@weft/nest');
    const pluginHttp = join(host.dir, 'node_modules/@weft/plugin-http');
    const copy = join(pluginHttp, 'node_modules/@weft/nest');
    cpSync(shared, copy, { recursive: true });
    expect(createRequire(join(pluginHttp, 'package.json')).resolve('@weft/nest')).toBe(join(copy, 'dist/index.js'));
    const app = await start(host, process.execPath, ['dist/main.js'], { API_KEY: KEY, WEFT_WORKSPACE: host.dir }, '/weft/api/health');
    try {
      const types = await json(`${app.base}/weft/api/step-types`, { headers: { 'X-Api-Key': KEY } });
      expect(typeNames(types.body)).toEqual(['http', 'node', 'python', 'shell', 'upper']);
    } finally {
      await app.stop();
    }
  }, 2 * 60_000);

  it('runs the plugin from the CLI and from weft-server with WEFT_PLUGINS', async () => {
    host.write(
      'release.yaml',
      ['name: release', 'steps:', '  - { id: notes, type: upper, text: from the cli }', '  - id: say', '    type: shell', '    inputs: { notes: "${steps.notes.outputs.text}" }', '    run: echo "$INPUT_NOTES"', ''].join('\n'),
    );
    const unknown = await host.run('npx', ['weft', 'validate', 'release.yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/unknown step type 'upper'/);
    const valid = await runOk('npx', ['weft', 'validate', 'release.yaml', '--plugin', 'weft-plugin-upper'], { cwd: host.dir });
    expect(valid.stdout.trim()).toBe('ok');
    const ran = await runOk('npx', ['weft', 'run', 'release.yaml', '--plugin', 'weft-plugin-upper', '--plugin', '@weft/plugin-http', '--json'], { cwd: host.dir });
    const report = JSON.parse(ran.stdout);
    expect(report).toMatchObject({ status: 'succeeded', steps: { notes: { outputs: { text: 'FROM THE CLI' } } } });

    // The bin itself (what `npx weft-server` runs), so that stopping it stops the server.
    const server = await start(host, join(host.dir, 'node_modules/.bin/weft-server'), [], { WEFT_PLUGINS: 'weft-plugin-upper,@weft/plugin-http', WEFT_EXAMPLES_DIR: '' }, '/api/health');
    try {
      const types = await json(`${server.base}/api/step-types`);
      expect(typeNames(types.body)).toEqual(['http', 'node', 'python', 'shell', 'upper']);
      const page = await fetch(`${server.base}/`);
      expect(await page.text()).toContain('name="weft-config"'); // the dashboard inside @weft/server
    } finally {
      await server.stop();
    }
  }, 3 * 60_000);
});

/** The dashboard at /weft/: the key typed in its box goes as X-Api-Key to /weft/api/…, and the run shows. */
async function checkDashboard(base: string, runId: string): Promise<void> {
  const problems: string[] = [];
  const apiRequests: { url: string; key: string | undefined }[] = [];
  const browser = await launchChromium({ onBlockedRequest: (url) => problems.push(`blocked request ${url}`) });
  let page: Page | undefined;
  try {
    page = await browser.context.newPage();
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.includes('/api/')) apiRequests.push({ url: new URL(request.url()).pathname, key: request.headers()['x-api-key'] });
    });
    await page.goto(`${base}/weft`);
    expect(new URL(page.url()).pathname).toBe('/weft/');
    // Let the refused (401) requests of the page without the key end first, so none of their
    // console errors arrives after the count starts over below.
    await page.waitForLoadState('networkidle');
    await page.locator('label.token', { hasText: 'X-Api-Key' }).locator('input').fill(KEY);
    // Before the key was typed the page's first requests were refused (401): count from here.
    apiRequests.length = 0;
    problems.length = 0;
    await page.goto(`${base}/weft/#/runs/${runId}`);
    await page.reload();
    await page.locator('[data-testid="run-status"]', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('.weft-graph [data-step][data-status="succeeded"]').length === 4, null, { timeout: 15_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'embedded-dashboard.png'), fullPage: true });
    expect(apiRequests.length).toBeGreaterThan(0);
    expect(apiRequests.filter((request) => !request.url.startsWith('/weft/api/') || request.key !== KEY)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
}
