import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineInfo } from './machine';
import { benchmarksMarkdown, keepServerLoadSection } from './markdown';
import { failed, type BenchOptions, type SectionResult } from './report.types';
import { analyzerBench } from './sections/analyzer.bench';
import { documentsBench } from './sections/documents.bench';
import { durableRunsBench } from './sections/durable-runs.bench';
import { executorOverheadBench } from './sections/executor-overhead.bench';
import { makeBench } from './sections/make.bench';
import { makespanBench } from './sections/makespan.bench';
import { processOverheadBench } from './sections/process-overhead.bench';
import { queueWorkersBench } from './sections/queue-workers.bench';
import { stepStartBench } from './sections/step-start.bench';
import { vizBundleBench } from './sections/viz-bundle.bench';

const USAGE = `Usage: npm run bench [-- options]

  (no option)     full suite; writes docs/benchmarks.md (a few minutes)
  --quick         reduced suite for CI (under a minute); exits 1 on a gross regression; writes nothing
  --write         with --quick: write docs/benchmarks.md anyway
  --only 1,4      run only these sections (1 analyzer, 2 executor, 3 processes, 4-5 makespan and policies, 6 make, 7 hostile documents,
                  8 durable runs: event-log writes on SQLite and PostgreSQL, takeover by a second server,
                  9 steps on workers: BullMQ on a private redis-server, real \`weft worker\` processes,
                  10 what @weft/viz adds to an app's bundle, 11 the cost of starting a step: weft against make on
                  400 short steps and on scientific-workflow shapes); writes nothing
  --runs N        runs per measurement (default 5, 3 with --quick)
  --no-build      do not run \`tsc -b tsconfig.build.json\` first
`;

/** Sections are numbered 1 to this. */
const SECTIONS = 11;

interface Args {
  readonly quick: boolean;
  readonly write: boolean;
  readonly only: Set<number> | null;
  readonly runs: number | null;
}

function parseArgs(argv: readonly string[]): Args | string {
  let quick = false;
  let write = false;
  let only: Set<number> | null = null;
  let runs: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--write') write = true;
    else if (arg === '--no-build') continue;
    else if (arg === '--only' || arg === '--runs') {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      if (arg === '--runs') {
        runs = Number(value);
        if (!Number.isInteger(runs) || runs < 1) return `--runs must be a positive integer, got '${value}'`;
      } else {
        only = new Set(value.split(',').map(Number));
        if ([...only].some((n) => !Number.isInteger(n) || n < 1 || n > SECTIONS)) return `--only takes section numbers 1 to ${SECTIONS}, got '${value}'`;
      }
    } else if (arg === '--help' || arg === '-h') return '';
    else return `unknown option '${arg}'`;
  }
  return { quick, write, only, runs };
}

/** Runs the suite; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args ? `bench: ${args}\n\n` : ''}${USAGE}`);
    return args ? 2 : 0;
  }
  const root = resolve(__dirname, '..', '..', '..');
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const options: BenchOptions = {
    quick: args.quick,
    runs: args.runs ?? (args.quick ? 3 : 5),
    root,
    scratch,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const machine = machineInfo();
  const started = performance.now();
  const wanted = (n: number) => !args.only || args.only.has(n);
  const sections: SectionResult[] = [];
  const section = async (title: string, run: () => Promise<SectionResult | SectionResult[]>) => {
    const t0 = performance.now();
    options.log(`bench: ${title}`);
    sections.push(...([] as SectionResult[]).concat(await run()));
    options.log(`  (${Math.round((performance.now() - t0) / 100) / 10} s)`);
  };
  try {
    options.log(`bench: ${args.quick ? 'quick' : 'full'} suite, ${options.runs} runs per figure, ${machine.cores} cores, load ${machine.loadAtStart}`);
    if (wanted(1)) await section('1. analyzer', () => analyzerBench(options));
    if (wanted(2)) await section('2. executor overhead', () => executorOverheadBench(options));
    if (wanted(3)) await section('3. process overhead', () => processOverheadBench(options));
    if (wanted(4) || wanted(5)) await section('4-5. makespan and policies', () => makespanBench(options));
    if (wanted(6)) await section('6. make', () => makeBench(options));
    if (wanted(7)) await section('7. hostile documents', () => documentsBench(options));
    if (wanted(8)) await section('8. durable runs', () => durableRunsBench(options));
    if (wanted(9)) await section('9. steps on workers', () => queueWorkersBench(options));
    if (wanted(10)) await section('10. component kit bundle', () => vizBundleBench(options));
    if (wanted(11)) await section('11. the cost of starting a step', () => stepStartBench(options));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;

  for (const s of sections) for (const g of s.goals) options.log(`goal ${g.pass === null ? '  -- ' : g.pass ? 'pass' : 'FAIL'}  ${g.goal}: ${g.measured}`);
  const regressions = sections.flatMap((s) => s.checks).filter(failed);
  for (const r of regressions) options.log(`REGRESSION  ${r.check}: ${Math.round(r.ratio * 100) / 100} (limit ${r.limit})`);

  const write = args.only === null && (!args.quick || args.write);
  if (write) {
    const command = `npm run bench${args.quick ? ' -- --quick --write' : ''}`;
    const file = join(root, 'docs', 'benchmarks.md');
    const previous = existsSync(file) ? readFileSync(file, 'utf8') : null;
    writeFileSync(file, keepServerLoadSection(benchmarksMarkdown(sections, machine, new Date(), seconds, command), previous));
    options.log(`bench: wrote ${file}`);
  }
  options.log(`bench: done in ${Math.round(seconds)} s${regressions.length ? `, ${regressions.length} gross regression(s)` : ', no gross regression'}`);
  return args.quick && regressions.length ? 1 : 0;
}
