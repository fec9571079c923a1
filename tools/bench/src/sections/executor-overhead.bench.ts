import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchDag, BenchStep } from '../bench-dag.types';
import { spawnTimed } from '../measure';
import { criticalPathFirst, fifoQueue, type SchedulingPolicy } from '../policies';
import { randomDag } from '../random-dag';
import type { BenchOptions, GoalResult, RegressionCheck, SectionResult } from '../report.types';
import { SleepStepType } from '../sleep.step-type';
import { median, quantile, round, thousands } from '../stats';

/** `width` independent chains of `length` 0 ms steps: a slot is always free, so every gap is overhead. */
export function parallelChains(width: number, length: number): BenchDag {
  const steps: BenchStep[] = [];
  for (let c = 0; c < width; c++) {
    for (let i = 0; i < length; i++) steps.push({ id: `k${c}_${i}`, needs: i > 0 ? [`k${c}_${i - 1}`] : [], units: 0 });
  }
  return { name: `chains-${width}x${length}`, description: `${width} chains of ${length} steps`, maxParallel: width, steps };
}

/** Dependency finish → dependent start, in ms, for every step with dependencies. */
function gaps(dag: BenchDag, stepType: SleepStepType): number[] {
  const out: number[] = [];
  for (const step of dag.steps) {
    if (!step.needs.length) continue;
    const start = stepType.timings.get(step.id)!.startedAt;
    const ready = Math.max(...step.needs.map((need) => stepType.timings.get(need)!.finishedAt!));
    out.push(start - ready);
  }
  return out;
}

interface GapFigures {
  readonly p50: number;
  readonly p99: number;
  readonly wallMs: number;
}

async function measureGaps(policy: SchedulingPolicy, dag: BenchDag, runs: number): Promise<GapFigures> {
  const p50: number[] = [];
  const p99: number[] = [];
  const wall: number[] = [];
  const stepType = new SleepStepType();
  for (let run = 0; run <= runs; run++) {
    stepType.reset();
    const start = performance.now();
    await policy.run(dag, stepType, 0);
    const ms = performance.now() - start;
    if (run === 0) continue; // warm-up
    const sample = gaps(dag, stepType);
    p50.push(quantile(sample, 0.5));
    p99.push(quantile(sample, 0.99));
    wall.push(ms);
  }
  return { p50: median(p50), p99: median(p99), wallMs: median(wall) };
}

interface ChildFigures {
  readonly steps: number;
  readonly wallMs: number;
  /** The same DAG through a bare FIFO loop in the same child, after the executor's run. */
  readonly fifoWallMs: number;
  readonly maxRssBytes: number;
  readonly baselineRssBytes: number;
  readonly heapUsedBytes: number;
  readonly status: string;
}

const mb = (bytes: number): number => round(bytes / 1024 / 1024);

/**
 * Section 2: the executor's own overhead with an in-memory step type (no processes): the gap between
 * a dependency's end and its dependent's start, and a 10,000-step run in a child process for its
 * wall time and peak RSS.
 */
export async function executorOverheadBench(options: BenchOptions): Promise<SectionResult> {
  const chains = parallelChains(4, options.quick ? 250 : 1_000);
  const executor = await measureGaps(criticalPathFirst, chains, options.runs);
  const baseline = await measureGaps(fifoQueue, chains, options.runs);
  options.log(`  gaps: executor p50 ${round(executor.p50 * 1000)} µs, p99 ${round(executor.p99 * 1000)} µs; FIFO baseline p50 ${round(baseline.p50 * 1000)} µs`);

  const size = 10_000;
  const big = randomDag({ steps: size, seed: 42, maxParallel: 8 });
  const dagFile = join(options.scratch, `random-${size}.json`);
  writeFileSync(dagFile, JSON.stringify(big));
  const child = join(__dirname, '..', 'children', 'executor-run.child.cjs');
  const results: ChildFigures[] = [];
  for (let run = 0; run < options.runs; run++) {
    const result = await spawnTimed(process.execPath, [child, dagFile], { cwd: options.root });
    if (result.code !== 0) throw new Error(`the ${size}-step child run failed (exit ${result.code}): ${result.stderr}`);
    results.push(JSON.parse(result.stdout) as ChildFigures);
  }
  if (results.some((r) => r.status !== 'succeeded' || r.steps !== size)) throw new Error(`the ${size}-step run did not succeed: ${JSON.stringify(results[0])}`);
  const wallMs = median(results.map((r) => r.wallMs));
  const fifoWall = median(results.map((r) => r.fifoWallMs));
  const rss = median(results.map((r) => r.maxRssBytes));
  const baseRss = median(results.map((r) => r.baselineRssBytes));
  const heap = median(results.map((r) => r.heapUsedBytes));
  options.log(`  ${thousands(size)}-step run: ${round(wallMs)} ms, peak RSS ${mb(rss)} MB`);

  const goals: GoalResult[] = [
    { goal: 'finish → start gap p50 < 2 ms', measured: `${round(executor.p50 * 1000)} µs`, pass: executor.p50 < 2 },
    { goal: 'finish → start gap p99 < 10 ms', measured: `${round(executor.p99 * 1000)} µs`, pass: executor.p99 < 10 },
    { goal: '10,000-step run peak RSS < 200 MB', measured: `${mb(rss)} MB`, pass: rss < 200 * 1024 * 1024 },
  ];
  const checks: RegressionCheck[] = [
    { check: `${thousands(size)}-step run wall time, executor / bare FIFO loop (same process, same DAG)`, ratio: wallMs / fifoWall, limit: 40 },
  ];
  return {
    title: '2. Executor overhead (in-memory steps, no processes)',
    method:
      'The bench\'s `sleep` step type records `performance.now()` when the executor calls `run()` and when the attempt ' +
      `resolves; the gap is dependent start − last dependency end. Gaps are taken on 4 chains of ${thousands(chains.steps.length / 4)} 0 ms steps ` +
      '(maxParallel 4, so a slot is always free and every gap is overhead), per-run p50/p99, median over runs. The bare FIFO ' +
      'loop of section 5 runs the same chains as a floor. The 10,000-step run (random DAG, maxParallel 8, 0 ms steps) runs in ' +
      'a child process per run that loads `@weft/core` from dist: wall time of `executeWorkflow`, and peak RSS (`maxRSS`).',
    tables: [
      {
        caption: 'Finish → start gap',
        headers: ['scheduler', 'p50 (µs)', 'p99 (µs)', `wall time for ${thousands(chains.steps.length)} steps (ms)`, 'per step (µs)'],
        rows: [
          ['Weft ParallelExecutor', round(executor.p50 * 1000), round(executor.p99 * 1000), round(executor.wallMs), round((executor.wallMs * 1000) / chains.steps.length)],
          ['bare FIFO loop (floor)', round(baseline.p50 * 1000), round(baseline.p99 * 1000), round(baseline.wallMs), round((baseline.wallMs * 1000) / chains.steps.length)],
        ],
      },
      {
        caption: `${thousands(size)}-step run in a child process`,
        headers: ['wall time (ms)', 'per step (µs)', 'bare FIFO loop, same DAG (ms)', 'peak RSS (MB)', 'RSS before the run (MB)', 'heap used at the end (MB)'],
        rows: [[round(wallMs), round((wallMs * 1000) / size), round(fifoWall), mb(rss), mb(baseRss), mb(heap)]],
      },
    ],
    goals,
    checks,
  };
}
