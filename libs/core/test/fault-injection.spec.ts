/**
 * Fault injection with real processes: every fault a step can cause, run through `executeWorkflow`
 * with the real built-in step types. Each fault is checked alone (precise report) and all of them
 * together in one workflow (the engine keeps going and every independent step still finishes).
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinStepTypes } from '@weft/step-types';
import {
  executeWorkflow,
  parseWorkflow,
  StepTypeRegistry,
  type RunReport,
  type StepLimits,
  type StepReport,
  type Workflow,
} from '@weft/core';
import { isGone } from '../src/testing/processes';
import { waitFor } from '../src/testing/wait-for';

jest.setTimeout(30_000);

const stepTypes = new StepTypeRegistry(builtinStepTypes());
/** Short grace so "ignores SIGTERM" costs a fraction of a second. */
const LIMITS: Partial<StepLimits> = { killGraceMs: 300, maxLogBytes: 64 * 1024, maxOutputBytes: 256 * 1024 };
const FLOOD_BYTES = 64 * 1024 * 1024;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'weft-faults-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

type StepDoc = Record<string, unknown> & { id: string };

interface Fault {
  /** What the step does to itself. */
  readonly does: string;
  readonly step: StepDoc;
  /** What the report must say. */
  readonly expected: Partial<StepReport>;
  /** Message fragment, when the reason alone is not precise enough. */
  readonly message?: RegExp;
  /** Files (in the workflow folder) holding pids that must all be dead once the step ended. */
  readonly pidFile?: string;
  /** Extra checks on the report entry and the captured log. */
  readonly check?: (step: StepReport, log: string) => void;
}

const shell = (id: string, run: string, extra: Record<string, unknown> = {}): StepDoc => ({ id, type: 'shell', run, ...extra });
const python = (id: string, code: string, extra: Record<string, unknown> = {}): StepDoc => ({ id, type: 'python', code, ...extra });
const node = (id: string, code: string, extra: Record<string, unknown> = {}): StepDoc => ({ id, type: 'node', code, ...extra });

const FAULTS: readonly Fault[] = [
  {
    does: 'exits non-zero',
    step: shell('exit_code', 'echo "about to fail" >&2; exit 3'),
    expected: { status: 'failed', reason: 'exit_code', exitCode: 3, signal: null },
    message: /exited with code 3/,
    check: (_step, log) => expect(log).toContain('about to fail'),
  },
  {
    does: 'throws an uncaught exception (node)',
    step: node('uncaught', 'throw new Error("boom from the step")'),
    expected: { status: 'failed', reason: 'exit_code', exitCode: 1, signal: null },
    check: (_step, log) => expect(log).toContain('boom from the step'),
  },
  {
    does: 'segfaults (python reads address 0)',
    step: python('segfault', 'import ctypes\nctypes.string_at(0)'),
    expected: { status: 'failed', reason: 'signal', signal: 'SIGSEGV', exitCode: null },
    message: /killed by signal SIGSEGV/,
  },
  {
    does: 'SIGKILLs itself',
    step: node('self_kill', 'process.kill(process.pid, "SIGKILL")'),
    expected: { status: 'failed', reason: 'signal', signal: 'SIGKILL', exitCode: null },
    message: /killed by signal SIGKILL/,
  },
  {
    does: 'hangs past its timeout',
    step: shell('hang', 'sleep 30', { timeout: 400 }),
    expected: { status: 'failed', reason: 'timeout', signal: 'SIGTERM' },
    message: /timed out after 400 ms/,
  },
  {
    does: 'ignores SIGTERM (the whole group does) and needs SIGKILL after the grace period',
    step: shell('ignore_term', "trap '' TERM; echo $$ > ignore_term.pid; while :; do sleep 0.05; done", { timeout: 400 }),
    expected: { status: 'failed', reason: 'timeout', signal: 'SIGKILL' },
    pidFile: 'ignore_term.pid',
    // Lower bounds only: it cannot end before the timeout plus the grace period.
    check: (step) => expect(step.durationMs).toBeGreaterThanOrEqual(400 + 300 - 20),
  },
  {
    does: 'exits 0 leaving a background child that would outlive it',
    step: shell('orphan', 'sleep 60 & echo $! > orphan.pid; sleep 60 & echo $! >> orphan.pid; echo parent done'),
    expected: { status: 'succeeded', exitCode: 0, reason: null },
    pidFile: 'orphan.pid',
  },
  {
    does: 'hangs with children and a grandchild that ignore SIGTERM',
    step: python(
      'family',
      [
        'import os, signal, subprocess, time',
        'ignore = lambda: signal.signal(signal.SIGTERM, signal.SIG_IGN)',
        'kids = [subprocess.Popen(["sleep", "60"], preexec_fn=ignore) for _ in range(2)]',
        'pid = os.fork()',
        'if pid == 0:',
        '    ignore()',
        '    grandchild = subprocess.Popen(["sleep", "60"])',
        '    open("family.pid", "a").write(f"{os.getpid()}\\n{grandchild.pid}\\n")',
        '    time.sleep(60)',
        '    os._exit(0)',
        'open("family.pid", "a").write("".join(f"{k.pid}\\n" for k in kids) + f"{os.getpid()}\\n")',
        'time.sleep(60)',
      ].join('\n'),
      // Long enough for python to start and fork its family on a loaded machine (the pid file must be complete).
      { timeout: 4000 },
    ),
    expected: { status: 'failed', reason: 'timeout' },
    pidFile: 'family.pid',
    check: () => expect(readFileSync(join(root, 'family.pid'), 'utf8').trim().split('\n')).toHaveLength(5),
  },
  {
    does: `writes ${FLOOD_BYTES / 1024 / 1024} MiB to stdout`,
    step: shell('flood', `head -c ${FLOOD_BYTES} /dev/zero | tr '\\0' x; echo; echo flood-tail-marker`),
    expected: { status: 'succeeded', exitCode: 0 },
    check: (_step, log) => {
      expect(Buffer.byteLength(log)).toBeLessThanOrEqual(64 * 1024 + 100);
      expect(log).toMatch(/^\[weft: \d+ earlier bytes dropped\]/);
      expect(log.trimEnd().endsWith('flood-tail-marker')).toBe(true);
    },
  },
  {
    does: 'writes binary garbage to stdout and stderr',
    step: shell('garbage_log', 'head -c 200000 /dev/urandom; head -c 1000 /dev/urandom >&2'),
    expected: { status: 'succeeded', exitCode: 0 },
    check: (_step, log) => expect(typeof log).toBe('string'),
  },
  {
    does: 'writes outputs over the cap',
    step: python('huge_outputs', 'import json, os\njson.dump({"blob": "x" * 1_000_000}, open(os.environ["WEFT_OUTPUTS"], "w"))'),
    expected: { status: 'failed', reason: 'outputs_too_large', exitCode: 0 },
    message: /over the limit of 262144 bytes/,
  },
  {
    does: 'writes outputs that are not JSON',
    step: shell('not_json', 'echo "{ this is not json" > "$WEFT_OUTPUTS"'),
    expected: { status: 'failed', reason: 'invalid_outputs', exitCode: 0 },
    message: /not valid JSON/,
  },
  {
    does: 'writes a JSON array instead of an object',
    step: shell('array_outputs', 'echo "[1, 2, 3]" > "$WEFT_OUTPUTS"'),
    expected: { status: 'failed', reason: 'invalid_outputs' },
    message: /must hold one JSON object, found an array/,
  },
  {
    does: 'replaces its outputs file with a folder',
    step: shell('outputs_folder', 'rm -f "$WEFT_OUTPUTS" && mkdir "$WEFT_OUTPUTS"'),
    expected: { status: 'failed', reason: 'invalid_outputs' },
    message: /not a regular file/,
  },
  {
    does: 'replaces its outputs file with a FIFO nobody writes to',
    step: shell('outputs_fifo', 'rm -f "$WEFT_OUTPUTS" && mkfifo "$WEFT_OUTPUTS"'),
    expected: { status: 'failed', reason: 'invalid_outputs' },
    message: /not a regular file/,
  },
  {
    does: 'links its outputs file to an endless device',
    step: shell('outputs_device', 'ln -sf /dev/zero "$WEFT_OUTPUTS"'),
    expected: { status: 'failed', reason: 'invalid_outputs' },
    message: /not a regular file/,
  },
  {
    does: 'names an interpreter that does not exist',
    step: python('no_interpreter', 'print(1)', { python: './no-such-python' }),
    expected: { status: 'failed', reason: 'spawn_error', exitCode: null, signal: null },
    message: /cannot start \.\/no-such-python: no such file/,
  },
  {
    does: 'fails once, then succeeds on retry',
    step: shell('flaky', 'n=$(cat flaky.count 2>/dev/null || echo 0); n=$((n+1)); echo $n > flaky.count; [ $n -ge 2 ]', {
      retries: 2,
      retryDelay: 10,
    }),
    expected: { status: 'succeeded', attempts: 2, reason: null },
  },
  {
    does: 'fails in one foreach item of three',
    step: shell('items', '[ "$WEFT_INDEX" != 1 ] || exit 9', { foreach: ['a', 'b', 'c'] }),
    expected: { status: 'failed', reason: 'exit_code', exitCode: 9 },
    check: (step) => {
      expect(step.items!.map((item) => [item.status, item.reason, item.exitCode])).toEqual([
        ['succeeded', null, 0],
        ['failed', 'exit_code', 9],
        ['succeeded', null, 0],
      ]);
    },
  },
];

async function expectAllGone(pids: number[]): Promise<void> {
  await waitFor(`processes ${pids.join(', ')} to be gone`, () => expect(pids.filter((pid) => !isGone(pid))).toEqual([]));
}

function readPids(file: string): number[] {
  const path = join(root, file);
  if (!existsSync(path)) throw new Error(`the step did not write ${file}`);
  return readFileSync(path, 'utf8').split(/\s+/).filter(Boolean).map(Number);
}

function load(steps: StepDoc[], extra: Record<string, unknown> = {}): Workflow {
  const result = parseWorkflow(JSON.stringify({ name: 'faults', maxParallel: 8, ...extra, steps }), {
    fileName: 'faults.json',
    rootDir: root,
    stepTypes,
  });
  if (!result.ok) throw new Error(`fixture is invalid: ${JSON.stringify(result.issues, null, 2)}`);
  return result.workflow;
}

interface Observed {
  readonly report: RunReport;
  readonly logs: Record<string, string>;
  /** Largest rss growth seen while the run went on, in bytes. */
  readonly rssGrowth: number;
}

async function run(workflow: Workflow): Promise<Observed> {
  const logs: Record<string, string> = {};
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const report = await executeWorkflow({
      workflow,
      stepTypes,
      limits: LIMITS,
      lifecycle: { stepFinished: (event) => (logs[event.stepId] = event.log) },
    });
    peak = Math.max(peak, process.memoryUsage().rss);
    return { report, logs, rssGrowth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

async function expectFault(fault: Fault, observed: Observed): Promise<void> {
  const step = observed.report.steps[fault.step.id];
  expect(step).toMatchObject(fault.expected);
  expect(step.finishedAt).not.toBeNull();
  if (fault.message) expect(step.message).toMatch(fault.message);
  if (fault.expected.status === 'failed') expect(step.message).toEqual(expect.any(String));
  fault.check?.(step, observed.logs[fault.step.id] ?? '');
  if (fault.pidFile) await expectAllGone(readPids(fault.pidFile));
}

describe('fault injection: one faulty step at a time', () => {
  it.each(FAULTS.map((fault) => [fault.does, fault] as const))('reports a step that %s precisely', async (_does, fault) => {
    const observed = await run(load([fault.step]));
    await expectFault(fault, observed);
    expect(observed.report.status).toBe(fault.expected.status === 'failed' ? 'failed' : 'succeeded');
  });

  it('keeps the log and this process memory bounded while a step floods stdout', async () => {
    const flood = FAULTS.find((fault) => fault.step.id === 'flood')!;
    const observed = await run(load([flood.step]));
    await expectFault(flood, observed);
    // 64 MiB went through; holding it would grow rss by at least that much. Generous: half of it.
    expect(observed.rssGrowth).toBeLessThan(FLOOD_BYTES / 2);
  });

  it('does not wait for a process that left the group but still holds the pipes', async () => {
    const observed = await run(load([shell('escapee', 'setsid sleep 30 & echo $! > escapee.pid; echo left')]));
    const [pid] = readPids('escapee.pid');
    try {
      // setsid takes the child out of Weft's reach (see docs/SECURITY.md); the step still ends.
      expect(observed.report.steps.escapee).toMatchObject({ status: 'succeeded', exitCode: 0 });
      expect(observed.report.steps.escapee.durationMs).toBeLessThan(10_000);
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});

describe('fault injection: every fault in one workflow', () => {
  it('finishes every independent step and reports each failure precisely', async () => {
    const healthy: StepDoc[] = [
      shell('healthy_a', 'sleep 0.3; echo \'{"value": 41}\' > "$WEFT_OUTPUTS"'),
      python(
        'healthy_b',
        'import json, os\nv = json.load(open(os.environ["WEFT_INPUTS"]))["v"]\njson.dump({"value": v + 1}, open(os.environ["WEFT_OUTPUTS"], "w"))',
        { inputs: { v: '${steps.healthy_a.outputs.value}' } },
      ),
      shell('after_exit_code', 'echo must not run; exit 1', { needs: 'exit_code' }),
      shell('recover_segfault', 'echo recovering', { if: "steps.segfault.status == 'failed'" }),
      shell('after_flood', 'echo fine', { needs: ['flood', 'garbage_log'] }),
    ];
    const observed = await run(load([...FAULTS.map((fault) => fault.step), ...healthy]));
    const { report } = observed;

    for (const fault of FAULTS) await expectFault(fault, observed);
    expect(report.steps.healthy_a).toMatchObject({ status: 'succeeded', outputs: { value: 41 } });
    expect(report.steps.healthy_b).toMatchObject({ status: 'succeeded', outputs: { value: 42 } });
    expect(report.steps.after_exit_code).toMatchObject({ status: 'skipped', reason: 'upstream_failed', startedAt: null });
    expect(report.steps.recover_segfault).toMatchObject({ status: 'succeeded' });
    expect(report.steps.after_flood).toMatchObject({ status: 'succeeded' });

    expect(report.status).toBe('failed');
    expect(Object.values(report.steps).every((step) => ['succeeded', 'failed', 'skipped'].includes(step.status))).toBe(true);
    // More than 8 roots: the first 8 start before any process can end.
    expect(report.peakParallelism).toBe(8);
    expect(observed.rssGrowth).toBeLessThan(FLOOD_BYTES / 2);
  });
});
