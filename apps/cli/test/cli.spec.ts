import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MAX_PARALLEL_LIMIT, type RunReport } from '@weft/core';
import { HistoryStore } from '@weft/history';
import { isGone } from '../../../libs/core/src/testing/processes';
import { waitFor } from '../../../libs/core/src/testing/wait-for';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/cli/bin/weft.js');
const example = (name: string) => join(ROOT, 'examples', name, 'workflow.yaml');

/** Where these tests' runs remember step durations (never the user's own cache). */
const CACHE = mkdtempSync(join(tmpdir(), 'weft-cli-cache-'));

function weft(...args: string[]) {
  const env = { ...process.env, NO_COLOR: '1', WEFT_CACHE_DIR: CACHE };
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function workflowFile(text: string, name = 'workflow.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-cli-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('weft run', () => {
  it('runs the seed demo in parallel and prints only the report with --json', () => {
    const { code, stdout, stderr } = weft('run', example('report'), '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as RunReport;
    expect(report).toMatchObject({ workflow: 'report', status: 'succeeded', maxParallel: 4, peakParallelism: 3 });
    expect(Object.keys(report.steps)).toEqual(['fetch_user_data', 'fetch_product_data', 'fetch_inventory_data', 'generate_report']);
    for (const key of ['runId', 'startedAt', 'finishedAt', 'makespanMs', 'sequentialMs', 'speedup', 'idealSpeedup']) {
      expect(report).toHaveProperty(key);
    }
    expect(report.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Four 2 s steps, three at once: about 8 s of work in about 4 s.
    expect(report.speedup).toBeGreaterThan(1.6);
    expect(report.makespanMs).toBeLessThan(report.sequentialMs * 0.65);
    const step = report.steps.generate_report;
    expect(step).toMatchObject({ status: 'succeeded', exitCode: 0, attempts: 1, reason: null });
    expect(step.outputs).toMatchObject({ users: 3, products: 3, outOfStock: ['B-200'] });
    // generate_report starts only after all three fetches finished.
    const lastFetch = Math.max(...['fetch_user_data', 'fetch_product_data', 'fetch_inventory_data'].map((id) => Date.parse(report.steps[id].finishedAt!)));
    expect(Date.parse(step.startedAt!)).toBeGreaterThanOrEqual(lastFetch);
    expect(stderr).toContain('3 steps running in parallel');
  }, 30_000);

  it('runs with --max-parallel 1 one step at a time', () => {
    const { code, stdout } = weft('run', example('isolation'), '--json', '--max-parallel', '1');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as RunReport;
    expect(report.peakParallelism).toBe(1);
    expect(report.maxParallel).toBe(1);
  }, 30_000);

  it('isolates a failure, exits 1 and names the failed step, its reason and its log', () => {
    const { code, stdout } = weft('run', example('isolation'));
    expect(code).toBe(1);
    expect(stdout).toContain('isolation failed');
    expect(stdout).toMatch(/flaky_api\s+✖ failed.*exit_code: exited with code 7/);
    expect(stdout).toContain('HTTP 503 from upstream');
    expect(stdout).toMatch(/enrich\s+↷ skipped.*upstream_failed/);
    expect(stdout).toMatch(/aggregate\s+✔ succeeded/);
  }, 30_000);

  it('fans out a foreach step and gathers the items in order', () => {
    const { code, stdout } = weft('run', example('fanout'), '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as RunReport;
    expect(report.steps.measure.items).toHaveLength(6);
    expect((report.steps.measure.outputs as { region: string }[]).map((o) => o.region)).toEqual([
      'eu-west',
      'eu-north',
      'us-east',
      'us-west',
      'ap-south',
      'ap-east',
    ]);
    expect(report.peakParallelism).toBe(4);
    // measure.py's simulated latency is 20 + (sum of the region's character codes) % 80: 94 ms for eu-west.
    expect(report.steps.summarize.outputs).toEqual({ regions: 6, slowest: 'eu-west' });
  }, 30_000);

  it('runs the recovery branch when the primary fails', () => {
    const { code, stdout } = weft('run', example('recovery'), '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as RunReport;
    expect(report.steps.fetch_primary).toMatchObject({ status: 'failed', attempts: 2, exitCode: 3 });
    expect(report.steps.use_primary).toMatchObject({ status: 'skipped', reason: 'condition_false' });
    expect(report.steps.fetch_fallback.status).toBe('succeeded');
    expect(report.steps.publish.status).toBe('succeeded');
  }, 30_000);

  it('exits 130 and writes the report when interrupted', async () => {
    const file = workflowFile('steps:\n  - id: slow\n    type: shell\n    run: sleep 30\n  - id: after\n    type: shell\n    needs: slow\n    run: echo never\n');
    const child = spawn(process.execPath, [BIN, 'run', file, '--json'], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (String(chunk).includes('slow started')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(130);
    expect(stderr).toContain('cancelling');
    const report = JSON.parse(stdout) as RunReport;
    expect(report.status).toBe('cancelled');
    expect(report.steps.slow).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    expect(report.steps.after.status).toBe('cancelled');
  }, 30_000);

  /** Starts `weft run FILE --json` and resolves its pids file once every step in it wrote its pid. */
  function runInBackground(text: string, steps: number) {
    const dir = mkdtempSync(join(tmpdir(), 'weft-cli-'));
    const pids = join(dir, 'pids');
    const file = join(dir, 'workflow.yaml');
    writeFileSync(file, `env: { PIDS: ${JSON.stringify(pids)} }\n${text}`);
    const child = spawn(process.execPath, [BIN, 'run', file, '--json'], { cwd: dir, env: { ...process.env, WEFT_CACHE_DIR: CACHE } });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk) => (out.stdout += chunk));
    child.stderr.on('data', (chunk) => (out.stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on('close', done));
    const started = waitFor('every step to write its pid', () => existsSync(pids) && readFileSync(pids, 'utf8').trim().split('\n').length === steps, { timeoutMs: 20_000 });
    const stepPids = () => readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    return { child, out, exited, started, stepPids };
  }

  it('cancels on SIGHUP (the terminal closed) as on Ctrl-C, leaving no step behind', async () => {
    const run = runInBackground('steps:\n  - id: a\n    type: shell\n    run: echo $$ >> "$PIDS"; sleep 30\n  - id: b\n    type: shell\n    run: echo $$ >> "$PIDS"; sleep 30\n', 2);
    await run.started;
    run.child.kill('SIGHUP');
    expect(await run.exited).toBe(130);
    expect((JSON.parse(run.out.stdout) as RunReport).status).toBe('cancelled');
    await waitFor('the steps to be gone', () => run.stepPids().every(isGone));
  }, 30_000);

  it('leaves no step running when weft itself is killed (SIGKILL): they die with its process starter', async () => {
    const run = runInBackground('steps:\n  - id: a\n    type: shell\n    run: echo $$ >> "$PIDS"; sleep 30\n  - id: b\n    type: python\n    code: |\n      import os, time\n      open(os.environ["PIDS"], "a").write(f"{os.getpid()}\\n")\n      time.sleep(30)\n', 2);
    await run.started;
    run.child.kill('SIGKILL');
    await run.exited;
    await waitFor('the steps to be gone', () => run.stepPids().every(isGone), { timeoutMs: 5000 });
  }, 30_000);

  it('kills steps that ignore SIGTERM at a second Ctrl-C, instead of leaving them running', async () => {
    const run = runInBackground(`steps:\n  - id: stubborn\n    type: shell\n    run: |\n      trap '' TERM INT\n      echo $$ >> "$PIDS"\n      sleep 30\n`, 1);
    await run.started;
    run.child.kill('SIGINT');
    await waitFor('weft to say it is cancelling', () => run.out.stderr.includes('cancelling'));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.out.stderr).toContain('weft: killed 1 running step (SIGKILL)');
    // Well before the 5 s grace period would have ended.
    await waitFor('the step to be gone', () => run.stepPids().every(isGone), { timeoutMs: 3000 });
  }, 30_000);

  it('cancels the run and its steps when no one reads its progress any more (weft run … 2>&1 | head)', async () => {
    const run = runInBackground('steps:\n  - id: a\n    type: shell\n    run: echo $$ >> "$PIDS"; sleep 30\n  - id: tick\n    type: shell\n    run: sleep 1\n', 1);
    await run.started;
    // The reader quits: the progress line of tick's end meets a closed pipe (EPIPE).
    run.child.stderr.destroy();
    await waitFor('the steps to be gone', () => run.stepPids().every(isGone), { timeoutMs: 15_000 });
    expect(await run.exited).toBe(130);
    const report = JSON.parse(run.out.stdout) as RunReport;
    expect(report.steps.a).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
  }, 30_000);

  it('rejects a bad --max-parallel and unknown options with exit 2 and the usage', () => {
    const tooMany = String(MAX_PARALLEL_LIMIT + 1);
    for (const [args, message] of [
      [['--max-parallel', tooMany], `--max-parallel must be an integer from 1 to ${MAX_PARALLEL_LIMIT}, got '${tooMany}'`],
      [['--max-parallel', 'x'], `--max-parallel must be an integer from 1 to ${MAX_PARALLEL_LIMIT}, got 'x'`],
      ...['0x2', '1e0', ' 2', '2.0'].map((value) => [['--max-parallel', value], `--max-parallel must be an integer from 1 to ${MAX_PARALLEL_LIMIT}, got '${value}'`] as const),
      [['--frobnicate'], "unknown option '--frobnicate'; options: --max-parallel, --json, --db, --retry, --verbose, --no-estimates, --plugin"],
    ] as const) {
      const { code, stderr } = weft('run', example('report'), ...args);
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toBe(`weft: ${message}`);
      // The usage states the same limit.
      expect(stderr).toContain(`--max-parallel N         steps running at once, 1..${MAX_PARALLEL_LIMIT} `);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect(weft('run').stderr).toContain("'weft run' needs a workflow file");
    expect(weft('run', example('report'), '--retry', 'abc').stderr).toContain('--retry needs --db');
  });
});

describe('weft run: remembered durations', () => {
  const twoSteps = () =>
    workflowFile(
      [
        'name: order',
        'maxParallel: 1',
        'steps:',
        '  - { id: quick, type: shell, run: "sleep 0.05" }',
        '  - { id: slow, type: shell, run: "sleep 0.5" }',
        '',
      ].join('\n'),
    );
  const order = (report: RunReport) =>
    Object.entries(report.steps)
      .sort(([, a], [, b]) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!))
      .map(([id]) => id);
  const samples = (file: string) => {
    const cached = readdirSync(join(CACHE, 'durations')).map(
      (name) => JSON.parse(readFileSync(join(CACHE, 'durations', name), 'utf8')) as { workflow: string; steps: Record<string, number[]> },
    );
    const entry = cached.find((e) => e.workflow === file);
    return Object.entries(entry?.steps ?? {}).map(([id, list]) => [id, list.length]);
  };

  it('puts the longest step first from the second run on, unless told not to, and says so', () => {
    const file = twoSteps();
    // First run: equal weights, declaration order, and the summary says nothing of estimates.
    const first = weft('run', file);
    expect(first.stdout).toMatch(/order succeeded/);
    expect(first.stdout).not.toContain('durations of earlier runs');
    // It remembered the durations: the slow step now goes first, and the summary says why.
    expect(order(JSON.parse(weft('run', file, '--json').stdout))).toEqual(['slow', 'quick']);
    const third = weft('run', file);
    expect(third.stdout).toContain(`ordered by the durations of earlier runs (2 of 2 steps known, from ${CACHE}); --no-estimates for equal weights`);
    const cold = weft('run', file, '--no-estimates');
    expect(cold.stdout).not.toContain('durations of earlier runs');
    expect(order(JSON.parse(weft('run', file, '--json', '--no-estimates').stdout))).toEqual(['quick', 'slow']);
    // Every run recorded both steps, the --no-estimates ones too.
    expect(samples(file)).toEqual([
      ['quick', 5],
      ['slow', 5],
    ]);
  }, 30_000);

  it('records durations on a --no-estimates run, for the next run to use', () => {
    const file = twoSteps();
    expect(order(JSON.parse(weft('run', file, '--json', '--no-estimates').stdout))).toEqual(['quick', 'slow']);
    expect(samples(file)).toEqual([
      ['quick', 1],
      ['slow', 1],
    ]);
    expect(order(JSON.parse(weft('run', file, '--json').stdout))).toEqual(['slow', 'quick']);
  }, 30_000);
});

describe('weft run: kept readings and the process starter', () => {
  const readings = () => {
    const root = join(CACHE, 'readings');
    return readdirSync(root).flatMap((ns) => readdirSync(join(root, ns)).map((name) => join(root, ns, name)));
  };

  it('keeps the reading of a YAML file for the next run of the same text, and reads a damaged or edited one afresh', () => {
    const text = `name: kept-${Date.now()}\nsteps:\n  - { id: hello, type: shell, run: "echo hello > out.txt" }\n`;
    const file = workflowFile(text);
    const key = createHash('sha256').update(text).digest('hex');
    expect(weft('run', file, '--json').code).toBe(0);
    const kept = readings().filter((path) => path.endsWith(`${key}.bin`));
    expect(kept).toHaveLength(1);

    const second = weft('run', file, '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).steps.hello.status).toBe('succeeded');

    writeFileSync(kept[0]!, 'not a reading');
    const damaged = weft('run', file, '--json');
    expect(damaged.code).toBe(0);
    expect(readFileSync(kept[0]!)).not.toEqual(Buffer.from('not a reading'));

    writeFileSync(file, text.replace('echo hello', 'echo edited'));
    expect(weft('run', file, '--json').code).toBe(0);
    expect(readFileSync(join(dirname(file), 'out.txt'), 'utf8')).toBe('edited\n');
  }, 30_000);

  it('starts steps from a process starter that is gone when weft exits', () => {
    const file = workflowFile('steps:\n  - { id: parent, type: shell, run: "echo $PPID > ppid" }\n');
    const env = { ...process.env, NO_COLOR: '1', WEFT_CACHE_DIR: CACHE };
    const result = spawnSync(process.execPath, [BIN, 'run', file, '--json'], { cwd: ROOT, encoding: 'utf8', env });
    expect(result.status).toBe(0);
    const starter = Number(readFileSync(join(dirname(file), 'ppid'), 'utf8'));
    // The step's parent was the starter, not weft; and the starter exited with weft.
    expect(starter).toBeGreaterThan(1);
    expect(starter).not.toBe(result.pid);
    expect(() => process.kill(starter, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  }, 30_000);
});

describe('weft run --db --retry', () => {
  it('lets several runs share one new database file at once: every run is kept, none fails on a locked file', async () => {
    const steps = Array.from({ length: 12 }, (_, i) => `  - { id: s${i}, type: shell, run: "sleep 0.02" }`).join('\n');
    const file = workflowFile(`name: shared\nsteps:\n${steps}\n`);
    const db = join(dirname(file), 'history.sqlite');
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => {
        const child = spawn(process.execPath, [BIN, 'run', file, '--db', db, '--json'], { cwd: dirname(file), env: { ...process.env, WEFT_CACHE_DIR: CACHE } });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        return new Promise<{ code: number | null; stderr: string }>((done) => child.on('close', (code) => done({ code, stderr })));
      }),
    );
    for (const run of runs) expect(run).toEqual({ code: 0, stderr: expect.not.stringMatching(/locked|already exists|internal error/) });
    const history = await HistoryStore.open({ url: `sqlite:${db}` });
    try {
      expect((await history.listRuns({ limit: 10 })).map((run) => run.status)).toEqual(Array(6).fill('succeeded'));
    } finally {
      await history.close();
    }
  }, 60_000);

  it('keeps the run in a history file and retries it from the failure, reusing what succeeded', () => {
    const file = workflowFile(
      [
        'name: flaky',
        'steps:',
        '  - id: expensive',
        '    type: shell',
        '    run: |',
        '      echo ran >> runs.txt',
        '      echo \'{"n": 42}\' > "$WEFT_OUTPUTS"',
        '  - id: fragile',
        '    type: shell',
        '    inputs: { n: "${steps.expensive.outputs.n}" }',
        '    run: test -f fixed && echo "got $INPUT_N"',
        '  - id: independent',
        '    type: shell',
        '    run: echo fine',
        '',
      ].join('\n'),
    );
    const dir = dirname(file);
    const db = join(dir, 'history', 'weft.sqlite');
    const first = weft('run', file, '--json', '--db', db);
    expect(first.code).toBe(1);
    const failed = JSON.parse(first.stdout) as RunReport;
    expect(failed.steps.fragile.status).toBe('failed');

    writeFileSync(join(dir, 'fixed'), '');
    const second = weft('run', file, '--json', '--db', db, '--retry', failed.runId);
    expect(second.code).toBe(0);
    const retried = JSON.parse(second.stdout) as RunReport;
    expect(retried.retryOf).toBe(failed.runId);
    expect(retried.steps.expensive).toMatchObject({ status: 'succeeded', reused: true, outputs: { n: 42 } });
    expect(retried.steps.fragile).toMatchObject({ status: 'succeeded', reused: false });
    expect(readFileSync(join(dir, 'runs.txt'), 'utf8')).toBe('ran\n');

    const summary = weft('run', file, '--db', db, '--retry', retried.runId);
    expect(summary.stdout).toContain(`(retry of ${retried.runId}, 3 steps reused)`);
  }, 60_000);

  it('says which runs the database holds when the run to retry is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-cli-'));
    const { code, stderr } = weft('run', example('report'), '--db', join(dir, 'h.sqlite'), '--retry', 'nope');
    expect(code).toBe(2);
    expect(stderr).toContain('run nope is not in');
    expect(stderr).toContain('it holds no runs yet');
  }, 30_000);
});

describe('weft validate', () => {
  it('prints ok for every example', () => {
    for (const name of ['report', 'fanout', 'recovery', 'isolation']) {
      expect(weft('validate', example(name))).toMatchObject({ code: 0, stdout: 'ok\n' });
    }
  });

  it('prints every error with its place and exits 2, without a stack trace', () => {
    const file = workflowFile(
      ['maxParallel: 12', 'steps:', '  - id: a', '    type: shell', '    run: echo ${steps.b.outputs}', '    needs: b', '  - id: b', '    type: shell', '    run: echo hi', '    needs: a', '    timeout: soon', ''].join('\n'),
    );
    const { code, stderr } = weft('validate', file);
    expect(code).toBe(2);
    expect(stderr).toContain('maxParallel');
    expect(stderr).toMatch(/:1:\d+/);
    expect(stderr).toContain('steps[1].timeout');
    expect(stderr).toContain('cycle: a → b → a');
    expect(stderr).toContain('WEFT_INPUTS');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('says when the file is missing', () => {
    const { code, stderr } = weft('validate', 'nope.yaml');
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read nope.yaml');
  });
});

describe('weft plan', () => {
  it('prints the analysis as JSON: steps, edges, levels, critical path and ideal speedup', () => {
    const { code, stdout } = weft('plan', example('report'), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      steps: ['fetch_user_data', 'fetch_product_data', 'fetch_inventory_data', 'generate_report'],
      edges: [
        ['fetch_user_data', 'generate_report'],
        ['fetch_product_data', 'generate_report'],
        ['fetch_inventory_data', 'generate_report'],
      ],
      levels: [['fetch_user_data', 'fetch_product_data', 'fetch_inventory_data'], ['generate_report']],
      criticalPath: ['fetch_user_data', 'generate_report'],
      idealSpeedup: 2,
    });
  });

  it('prints levels and the critical path for people', () => {
    const { stdout } = weft('plan', example('fanout'));
    expect(stdout).toContain('critical path: list_regions → measure → summarize');
    expect(stdout).toContain('level 0: list_regions');
  });
});

describe('weft --plugin', () => {
  /** The `upper` step type, written as a plugin author would: `z` from the host's @weft/core (a peer dependency). */
  const UPPER_ESM = [
    "import { z } from '@weft/core';",
    'await Promise.resolve(); // top-level await: only import() loads this',
    'export const stepTypes = [{',
    "  name: 'upper',",
    "  description: 'uppercases text (ESM)',",
    '  configSchema: z.strictObject({ text: z.string() }),',
    '  async run(context) {',
    "    context.log('uppering\\n');",
    '    return { ok: true, outputs: { y: context.config.text.toUpperCase(), flavour: "esm" } };',
    '  },',
    '}];',
    '',
  ].join('\n');
  const UPPER_CJS = [
    "const { z } = require('@weft/core');",
    'module.exports = {',
    '  stepTypes: () => [{',
    "    name: 'upper',",
    "    description: 'uppercases text (CommonJS)',",
    '    configSchema: z.strictObject({ text: z.string() }),',
    '    run: async (context) => ({ ok: true, outputs: { y: context.config.text.toUpperCase(), flavour: "cjs" } }),',
    '  }],',
    '};',
    '',
  ].join('\n');
  const WORKFLOW = [
    'steps:',
    '  - id: x',
    '    type: upper',
    '    text: hello ${steps.seed.outputs.who}',
    '  - id: seed',
    '    type: shell',
    '    run: printf \'{"who":"ada"}\' > "$WEFT_OUTPUTS"',
    '  - id: show',
    '    type: shell',
    '    inputs: { y: "${steps.x.outputs.y}" }',
    '    run: printf \'{"seen":"%s"}\' "$INPUT_Y" > "$WEFT_OUTPUTS"',
    '',
  ].join('\n');

  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-cli-plugin-'));
    mkdirSync(join(dir, 'node_modules/@weft'), { recursive: true });
    symlinkSync(join(ROOT, 'libs/core'), join(dir, 'node_modules/@weft/core'));
    writeFileSync(join(dir, 'upper.mjs'), UPPER_ESM);
    writeFileSync(join(dir, 'upper.cjs'), UPPER_CJS);
    writeFileSync(join(dir, 'workflow.yaml'), WORKFLOW);
    writeFileSync(join(dir, 'bad.yaml'), 'steps:\n  - id: x\n    type: upper\n    text: 5\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs weft asynchronously (a test may serve HTTP meanwhile) in `cwd`. */
  function weftIn(cwd: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', WEFT_CACHE_DIR: CACHE } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
  }

  it.each([
    ['an ES module', './upper.mjs', 'esm'],
    ['a CommonJS module', './upper.cjs', 'cjs'],
  ])('runs a step type from %s next to shell steps that depend on it', async (_kind, spec, flavour) => {
    const { code, stdout, stderr } = await weftIn(dir, 'run', 'workflow.yaml', '--plugin', spec, '--json');
    expect(stderr).toContain('✔ x succeeded');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as RunReport;
    expect(report.status).toBe('succeeded');
    expect(report.steps.x).toMatchObject({ status: 'succeeded', outputs: { y: 'HELLO ADA', flavour } });
    expect(report.steps.show.outputs).toEqual({ seen: 'HELLO ADA' });
    expect(Date.parse(report.steps.show.startedAt!)).toBeGreaterThanOrEqual(Date.parse(report.steps.x.finishedAt!));
  }, 30_000);

  it('validates and plans with the plugin, its schema errors reported with their place', async () => {
    expect(await weftIn(dir, 'validate', 'workflow.yaml', '--plugin', './upper.mjs')).toMatchObject({ code: 0, stdout: 'ok\n' });
    const plan = await weftIn(dir, 'plan', join(dir, 'workflow.yaml'), '--json', `--plugin=${join(dir, 'upper.cjs')}`);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ edges: [['seed', 'x'], ['x', 'show']], criticalPath: ['seed', 'x', 'show'] });
    const bad = await weftIn(dir, 'validate', 'bad.yaml', '--plugin', './upper.cjs');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:4:11 steps[0].text: expected string, got 5');
    // Without the plugin the type is unknown.
    const without = await weftIn(dir, 'validate', 'workflow.yaml');
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/steps\[0\]\.type: unknown step type 'upper'; registered types: node, python, shell/);
  }, 30_000);

  it('loads the @weft/plugin-http package by name and calls a local server with it', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ name: 'Ada' }));
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const file = workflowFile(
        [
          'steps:',
          '  - id: user',
          '    type: http',
          `    url: http://127.0.0.1:${(server.address() as AddressInfo).port}/users/7`,
          '  - id: greet',
          '    type: shell',
          '    inputs: { name: "${steps.user.outputs.body.name}" }',
          '    run: test "$INPUT_NAME" = Ada',
          '',
        ].join('\n'),
      );
      const { code, stdout } = await weftIn(ROOT, 'run', file, '--plugin', '@weft/plugin-http', '--json');
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as RunReport;
      expect(report.steps.user.outputs).toMatchObject({ status: 200, body: { name: 'Ada' } });
      expect(report.steps.greet.status).toBe('succeeded');
    } finally {
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    }
  }, 30_000);
});

describe('weft', () => {
  it('prints the usage on help and refuses an unknown command', () => {
    expect(weft('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('weft run FILE') });
    expect(weft()).toMatchObject({ code: 2 });
    expect(weft('frob')).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frob'") });
    expect(weft('--version').stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
