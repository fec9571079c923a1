import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { DEFAULT_STEP_LIMITS, type StepRunContext, type StepTypeHandler } from '@weft/core';
import { builtinStepTypes } from '@weft/step-types';
import { rotate } from '../measure';
import type { BenchOptions, GoalResult, RegressionCheck, SectionResult } from '../report.types';
import { median, round } from '../stats';

/** A step type, the config that makes it run a do-nothing program, and that program's bare argv. */
interface Case {
  readonly type: string;
  readonly config: Record<string, unknown>;
  readonly command: string;
  readonly args: readonly string[];
}

const CASES: readonly Case[] = [
  // What ShellStepType, PythonStepType and NodeStepType spawn for these configs (their run() methods).
  { type: 'shell', config: { run: 'true', shell: 'sh' }, command: 'sh', args: ['-c', 'true', 'bench'] },
  { type: 'python', config: { code: 'pass', python: 'python3' }, command: 'python3', args: ['-u', '-c', 'pass'] },
  { type: 'node', config: { code: '0' }, command: process.execPath, args: ['-e', '0', '--'] },
];

/** The variables a step process gets from its parent (docs/step-types.md); the bare spawn gets the same. */
const STEP_ENV: Record<string, string> = Object.fromEntries(
  ['PATH', 'HOME', 'LANG'].filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]!]),
);

/**
 * The least a runner can do: spawn the program in its own process group with the same environment,
 * stdin from /dev/null, stdout and stderr piped (a step's log), and wait for `close`.
 */
function bareSpawn(command: string, args: readonly string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, [...args], { cwd, env: STEP_ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${command} exited ${code}`))));
  });
}

async function stepRun(handler: StepTypeHandler<any>, config: Record<string, unknown>, cwd: string): Promise<number> {
  const context: StepRunContext<any> = {
    runId: 'bench',
    stepId: 'bench',
    attempt: 1,
    config,
    inputs: {},
    env: {},
    workdir: cwd,
    signal: new AbortController().signal,
    limits: DEFAULT_STEP_LIMITS,
    log: () => undefined,
  };
  const start = performance.now();
  const outcome = await handler.run(context);
  const ms = performance.now() - start;
  if (!outcome.ok) throw new Error(`${handler.name} step failed: ${outcome.message ?? outcome.reason}`);
  return ms;
}

/**
 * Section 3: one attempt of each built-in step type running a do-nothing program, against a bare
 * `spawn` of the same argv, interleaved run by run.
 */
export async function processOverheadBench(options: BenchOptions): Promise<SectionResult> {
  const handlers = new Map(builtinStepTypes().map((t) => [t.name, t]));
  const runs = options.quick ? Math.max(options.runs, 8) : Math.max(options.runs, 20);
  const rows: (string | number)[][] = [];
  const goals: GoalResult[] = [];
  const checks: RegressionCheck[] = [];
  for (const c of CASES) {
    const handler = handlers.get(c.type)!;
    const bare: number[] = [];
    const step: number[] = [];
    const paired: number[] = [];
    await bareSpawn(c.command, c.args, options.scratch); // warm the page cache
    await stepRun(handler, c.config, options.scratch);
    for (let run = 0; run < runs; run++) {
      const pair: Record<string, number> = {};
      for (const which of rotate(['bare', 'step'], run)) {
        pair[which] = which === 'bare' ? await bareSpawn(c.command, c.args, options.scratch) : await stepRun(handler, c.config, options.scratch);
      }
      bare.push(pair.bare);
      step.push(pair.step);
      paired.push(pair.step / pair.bare);
    }
    const ratio = median(step) / median(bare);
    options.log(`  ${c.type}: bare ${round(median(bare))} ms, step ${round(median(step))} ms, ratio ${round(ratio)}`);
    rows.push([c.type, `\`${[c.command === process.execPath ? 'node' : c.command, ...c.args].join(' ')}\``, round(median(bare)), round(median(step)), round(median(step) - median(bare)), round(ratio), round(median(paired))]);
    goals.push({ goal: `${c.type} step / bare spawn ≤ 1.1`, measured: `${round(ratio)} ×`, pass: ratio <= 1.1 });
    checks.push({ check: `${c.type} step / bare spawn`, ratio, limit: c.type === 'shell' ? 3 : 2 });
  }
  return {
    title: '3. Process overhead per step type',
    method:
      `Each built-in step type's \`run()\` (inputs file, which is also the step's stdin, spawn in its own process group, log capture, ` +
      `group kill after exit, outputs read, clean-up) on a program that does nothing, against a bare \`spawn\` of the same argv in its ` +
      `own process group with the same environment (PATH, HOME, LANG only), stdin from /dev/null and stdout/stderr piped, waiting for \`close\`. ${runs} runs each, the two interleaved and alternating which goes first; ratio = ` +
      'median step / median bare (the per-pair median ratio is shown too).',
    tables: [
      {
        headers: ['step type', 'program', 'bare spawn (ms)', 'step run (ms)', 'overhead (ms)', 'ratio', 'median paired ratio'],
        rows,
      },
    ],
    goals,
    checks,
  };
}
