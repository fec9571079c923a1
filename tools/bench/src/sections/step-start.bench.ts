import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchDag } from '../bench-dag.types';
import { makespanBounds } from '../lower-bound';
import { rotate } from '../measure';
import type { BenchOptions, GoalResult, RegressionCheck, SectionResult } from '../report.types';
import { scienceDags } from '../science-dags';
import { median, round } from '../stats';
import { makefile, shellSleepFields, workflowYaml } from '../workflow-text';

/** A whole process's wall time and the CPU time it and every process it waited for used. */
export interface CpuTimed {
  readonly ms: number;
  /** User + system CPU of the program and its waited-for descendants, in ms. */
  readonly cpuMs: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The children's CPU time in a `/proc/PID/stat` line (fields 16 and 17, cutime and cstime, in
 * clock ticks), in ms. The command name (field 2) may hold spaces: fields are counted after its `)`.
 */
export function childrenCpuMs(statLine: string, ticksPerSecond: number): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state): cutime is field 16, cstime field 17.
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) throw new Error(`not a /proc/PID/stat line: ${statLine.slice(0, 200)}`);
  return ((cutime + cstime) * 1000) / ticksPerSecond;
}

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    ticks = Number(out.stdout?.trim()) || 100;
  }
  return ticks;
}

/**
 * Runs a program under a small `sh` that waits for it and then reads its own `/proc/PID/stat`:
 * the program's CPU time with that of everything it waited for (a make's recipes, weft's steps),
 * without the shell's own. Wall time from spawn to close, as `spawnTimed` measures it.
 */
export function spawnWithCpu(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<CpuTimed> {
  const script = '"$@"; s=$?; read -r l < /proc/$$/stat; printf "%s\\n" "$l" >&3; exit $s';
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('sh', ['-c', script, 'sh', command, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stat = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (stat += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - start;
      try {
        resolve({ ms, cpuMs: childrenCpuMs(stat, clockTicks()), code, stdout, stderr });
      } catch (error) {
        reject(new Error(`${command} exited ${code}: ${(error as Error).message}\n${stderr.slice(-2000)}`));
      }
    });
  });
}

/** Where a V8 CPU profile's sampled time went, in ms. */
export interface ProfileSplit {
  readonly totalMs: number;
  readonly idleMs: number;
  /** Self time of `ChildProcess.spawn`: the fork (and exec set-up) of the Node process. */
  readonly spawnMs: number;
  readonly gcMs: number;
  /** Everything else on the main thread: parsing, scheduling, events, logs, files, the report. */
  readonly otherMs: number;
}

/** Splits a `.cpuprofile` (from `node --cpu-prof`) by self time: idle, spawn, GC, the rest. */
export function splitProfile(profile: {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}): ProfileSplit {
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let total = 0;
  let idle = 0;
  let spawnSelf = 0;
  let gc = 0;
  profile.samples.forEach((id, i) => {
    const us = Math.max(0, profile.timeDeltas[i] ?? 0);
    total += us;
    const name = names.get(id);
    if (name === '(idle)') idle += us;
    else if (name === 'ChildProcess.spawn') spawnSelf += us;
    else if (name === '(garbage collector)') gc += us;
  });
  const ms = (us: number) => us / 1000;
  return { totalMs: ms(total), idleMs: ms(idle), spawnMs: ms(spawnSelf), gcMs: ms(gc), otherMs: ms(total - idle - spawnSelf - gc) };
}

/** `count` independent steps of `ms` each. */
export function independentSleeps(count: number, ms: number, maxParallel = 4): BenchDag {
  return {
    name: `${count}-sleeps-${ms}ms`,
    description: `${count} independent \`sleep ${ms / 1000}\` steps`,
    maxParallel,
    steps: Array.from({ length: count }, (_, i) => ({ id: `s${i}`, needs: [], units: ms })),
  };
}

/** A process that keeps one core busy until killed. */
function startHog(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

async function stopHog(hog: ChildProcess): Promise<void> {
  if (hog.exitCode !== null || hog.signalCode !== null) return;
  await new Promise<void>((done) => {
    hog.once('exit', () => done());
    hog.kill('SIGKILL');
  });
}

/** The geometric mean. */
export function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/**
 * The contestants: weft as it is (steps from the process starter), weft forking itself for each
 * step (`WEFT_PROCESS_STARTER=off`, as before the starter), make, and `node -e 0` (Node's own
 * start and exit: the fixed cost of any program written for Node).
 */
const TOOLS = ['weft', 'forked', 'make', 'node'] as const;
type Tool = (typeof TOOLS)[number];

interface Contest {
  readonly runs: Record<Tool, CpuTimed[]>;
  /** weft / make of each round. */
  readonly ratios: number[];
  /** Of each weft run: its wall time outside the run itself (start-up before it, report and exit after), in ms. */
  readonly outsideMs: number[];
}

/**
 * Splits weft's wall time on many short steps: what it spends outside the run (wall − the report's
 * makespan: Node's start, reading and planning, the report, exit), and what each slot cycle (one
 * step's start to the next's in the same slot) costs beyond make's. `floor` is weft / make when
 * weft's steps cost what make's do, so only the time outside the run is left between them.
 */
export function splitStepStart(fig: { weftMs: number; outsideMs: number; makeMs: number; nodeMs: number; cycles: number }) {
  const perCycleMs = (fig.weftMs - fig.outsideMs - fig.makeMs) / fig.cycles;
  return {
    perCycleMs,
    floor: (fig.makeMs + fig.outsideMs) / fig.makeMs,
    nodeFloor: (fig.makeMs + fig.nodeMs) / fig.makeMs,
  };
}

/**
 * Section 11: what starting a step costs, weft against make on the same DAGs, interleaved run by
 * run: many 10 ms steps (alone and beside a CPU hog), and scientific-workflow shapes of 100-500
 * steps with long-tailed durations, where weft's second run uses the durations it remembered.
 */
export async function stepStartBench(options: BenchOptions): Promise<SectionResult> {
  const title = '11. The cost of starting a step';
  const make = spawnSync('make', ['--version'], { encoding: 'utf8' });
  if (make.status !== 0) {
    return {
      title,
      method: 'Skipped: `make` is not installed (`apt-get install make`).',
      tables: [],
      goals: [{ goal: 'weft / make ≤ 1.05 on 400 × sleep 0.01', measured: 'not measured (no make)', pass: null }],
      checks: [],
    };
  }
  const cli = join(options.root, 'apps', 'cli', 'bin', 'weft.js');
  const { NODE_EXTRA_CA_CERTS: _ignored, ...inherited } = process.env;
  const cacheRoot = join(options.scratch, 'step-start-cache');

  const runWeft = async (file: string, cache: string, starter: 'auto' | 'off' = 'auto'): Promise<CpuTimed> => {
    const result = await spawnWithCpu(process.execPath, [cli, 'run', file, '--json'], {
      cwd: options.scratch,
      env: { ...inherited, WEFT_CACHE_DIR: cache, WEFT_PROCESS_STARTER: starter },
    });
    if (result.code !== 0) throw new Error(`weft run ${file} exited ${result.code}: ${result.stderr.slice(-2000)}`);
    return result;
  };
  const runMake = async (file: string, dag: BenchDag): Promise<CpuTimed> => {
    const result = await spawnWithCpu('make', ['-s', '-r', '-R', `-j${dag.maxParallel}`, '-f', file], { cwd: options.scratch });
    if (result.code !== 0) throw new Error(`make ${dag.name} exited ${result.code}: ${result.stderr.slice(-2000)}`);
    return result;
  };
  const runNode = async (): Promise<CpuTimed> => {
    const result = await spawnWithCpu(process.execPath, ['-e', '0'], { cwd: options.scratch, env: inherited });
    if (result.code !== 0) throw new Error(`node -e 0 exited ${result.code}: ${result.stderr.slice(-2000)}`);
    return result;
  };
  const files = (dag: BenchDag) => {
    const workflow = join(options.scratch, `${dag.name}.workflow.yaml`);
    const mk = join(options.scratch, `${dag.name}.mk`);
    writeFileSync(workflow, workflowYaml(dag, shellSleepFields(1)));
    writeFileSync(mk, makefile(dag, 1));
    return { workflow, mk };
  };

  // 1. Many short steps: 400 × sleep 0.01 at 4 wide, quiet and beside a CPU hog.
  const sleeps = independentSleeps(400, 10);
  const sleepFiles = files(sleeps);
  const contest = async (hog: boolean): Promise<Contest> => {
    const result: Contest = { runs: { weft: [], forked: [], make: [], node: [] }, ratios: [], outsideMs: [] };
    const busy = hog ? startHog() : null;
    try {
      for (let run = 0; run < options.runs; run++) {
        const round: Partial<Record<Tool, CpuTimed>> = {};
        for (const tool of rotate(TOOLS, run)) {
          round[tool] =
            tool === 'make'
              ? await runMake(sleepFiles.mk, sleeps)
              : tool === 'node'
                ? await runNode()
                : await runWeft(sleepFiles.workflow, join(cacheRoot, 'sleeps'), tool === 'weft' ? 'auto' : 'off');
        }
        for (const tool of TOOLS) result.runs[tool].push(round[tool]!);
        result.ratios.push(round.weft!.ms / round.make!.ms);
        result.outsideMs.push(round.weft!.ms - (JSON.parse(round.weft!.stdout) as { makespanMs: number }).makespanMs);
      }
    } finally {
      if (busy) await stopHog(busy);
    }
    return result;
  };
  const quiet = await contest(false);
  const hogged = await contest(true);
  const idealMs = (sleeps.steps.length * 10) / sleeps.maxParallel;
  const sleepRows = (
    [
      ['quiet', quiet],
      ['one core kept busy by a CPU hog', hogged],
    ] as const
  ).map(([name, c]) => {
    const ms = (tool: Tool) => median(c.runs[tool].map((r) => r.ms));
    const cpu = (tool: Tool) => median(c.runs[tool].map((r) => r.cpuMs)) / sleeps.steps.length;
    const [weftMs, forkedMs, makeMs, nodeMs] = [ms('weft'), ms('forked'), ms('make'), ms('node')];
    const [weftCpu, forkedCpu, makeCpu] = [cpu('weft'), cpu('forked'), cpu('make')];
    const outsideMs = median(c.outsideMs);
    const cycles = sleeps.steps.length / sleeps.maxParallel;
    const { perCycleMs, floor, nodeFloor } = splitStepStart({ weftMs, outsideMs, makeMs, nodeMs, cycles });
    options.log(
      `  400 × sleep 0.01, ${name}: make ${Math.round(makeMs)} ms, weft ${Math.round(weftMs)} ms (${Math.round(outsideMs)} outside the run), ` +
        `forking itself ${Math.round(forkedMs)} ms, node -e 0 ${Math.round(nodeMs)} ms (CPU per step ${round(makeCpu)} / ${round(weftCpu)} / ${round(forkedCpu)} ms)`,
    );
    return { name, weftMs, forkedMs, makeMs, nodeMs, outsideMs, perCycleMs, floor, nodeFloor, ratio: weftMs / makeMs, paired: median(c.ratios), weftCpu, forkedCpu, makeCpu };
  });

  // Where weft's main thread spends its time per step: one run of each mode under the V8 profiler.
  const profile = async (starter: 'auto' | 'off') => {
    const profileDir = join(options.scratch, `step-start-profile-${starter}`);
    rmSync(profileDir, { recursive: true, force: true });
    const profiled = await spawnWithCpu(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, cli, 'run', sleepFiles.workflow, '--json'], {
      cwd: options.scratch,
      env: { ...inherited, WEFT_CACHE_DIR: join(cacheRoot, 'sleeps'), WEFT_PROCESS_STARTER: starter },
    });
    if (profiled.code !== 0) throw new Error(`weft run --cpu-prof exited ${profiled.code}: ${profiled.stderr.slice(-2000)}`);
    const [profileFile] = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    return splitProfile(JSON.parse(readFileSync(join(profileDir, profileFile!), 'utf8')));
  };
  const split = await profile('auto');
  const forkedSplit = await profile('off');
  const perStep = (ms: number) => round(ms / sleeps.steps.length);
  for (const [name, s] of [['starter', split], ['forking itself', forkedSplit]] as const) {
    options.log(`  main thread per step (${name}): spawn ${perStep(s.spawnMs)} ms, GC ${perStep(s.gcMs)} ms, the rest ${perStep(s.otherMs)} ms`);
  }

  // 2. Scientific-workflow shapes: weft's first run (equal weights) records durations, its second uses them.
  const dags = scienceDags().filter((d) => !options.quick || d.steps.length < 150);
  const rounds = options.quick ? 1 : Math.min(options.runs, 3);
  const scienceRows = [];
  for (const dag of dags) {
    const f = files(dag);
    const cold: number[] = [];
    const warm: number[] = [];
    const makeMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const cache = join(cacheRoot, `${dag.name}-${r}`);
      rmSync(cache, { recursive: true, force: true });
      mkdirSync(cache, { recursive: true });
      cold.push((await runWeft(f.workflow, cache)).ms);
      for (const tool of rotate(['weft', 'make'] as const, r)) {
        if (tool === 'weft') warm.push((await runWeft(f.workflow, cache)).ms);
        else makeMs.push((await runMake(f.mk, dag)).ms);
      }
    }
    const row = {
      dag,
      boundMs: makespanBounds(dag).tight,
      makeMs: median(makeMs),
      coldMs: median(cold),
      warmMs: median(warm),
    };
    scienceRows.push(row);
    options.log(`  ${dag.name}: make ${Math.round(row.makeMs)} ms, weft ${Math.round(row.coldMs)} ms first run, ${Math.round(row.warmMs)} ms second`);
  }
  const warmRatios = scienceRows.map((r) => r.warmMs / r.makeMs);
  const geo = geometricMean(warmRatios);
  const worst = scienceRows.reduce((a, b) => (b.warmMs / b.makeMs > a.warmMs / a.makeMs ? b : a));
  const [q, h] = sleepRows as [(typeof sleepRows)[0], (typeof sleepRows)[0]];

  const goals: GoalResult[] = [
    { goal: '400 × sleep 0.01 at 4 wide: weft / make ≤ 1.05 (wall)', measured: `${round(q.ratio)} × (${Math.round(q.weftMs)} / ${Math.round(q.makeMs)} ms)`, pass: q.ratio <= 1.05 },
    {
      goal: "400 × sleep 0.01: weft's CPU per step ≤ 1.5 × make's",
      measured: `${round(q.weftCpu / q.makeCpu)} × (${round(q.weftCpu)} / ${round(q.makeCpu)} ms)`,
      pass: q.weftCpu <= 1.5 * q.makeCpu,
    },
    { goal: '400 × sleep 0.01 beside a CPU hog: weft / make ≤ 1.15 (wall)', measured: `${round(h.ratio)} × (${Math.round(h.weftMs)} / ${Math.round(h.makeMs)} ms)`, pass: h.ratio <= 1.15 },
    {
      goal: 'scientific shapes, second run: weft / make geometric mean ≤ 1.0',
      measured: `${round(geo)} × over ${scienceRows.length} workflows`,
      pass: options.quick ? null : geo <= 1,
    },
    {
      goal: 'scientific shapes, second run: every workflow weft / make ≤ 1.05',
      measured: `worst ${round(worst.warmMs / worst.makeMs)} × (${worst.dag.name})`,
      pass: options.quick ? null : warmRatios.every((r) => r <= 1.05),
    },
  ];
  const checks: RegressionCheck[] = [
    { check: '400 × sleep 0.01: weft / make wall time', ratio: q.ratio, limit: 2.5 },
    ...scienceRows.map((r) => ({ check: `${r.dag.name}: weft (second run) / make wall time`, ratio: r.warmMs / r.makeMs, limit: 1.6 })),
  ];
  return {
    title,
    method:
      '`node apps/cli/bin/weft.js run FILE --json` (shell steps running `sleep`) against `make -s -r -R -j4` on a Makefile whose recipes run the ' +
      'same `sleep`, whole-process wall time (spawn → close), the two interleaved and alternating which goes first. CPU is the user + system time of ' +
      'the tool and every process it waited for (its steps), read from `/proc` after it ends. First 400 independent `sleep 0.01` steps at 4 wide ' +
      `(ideal ${idealMs} ms), median of ${options.runs} runs, then the same with the other core kept busy by a CPU hog. Then generated scientific-workflow ` +
      'shapes (tools/bench/src/science-dags.ts: Montage-like mosaics, 1000Genomes-like analyses, Epigenomics-like sequencing; fan-out / fan-in, ' +
      'log-normal durations from 10 ms to 2 s per kind of task): for each, a fresh duration cache, weft\'s first run (equal weights), then make and ' +
      `weft's second run (the durations it remembered), median of ${rounds} round(s).`,
    tables: [
      {
        headers: [
          '400 × sleep 0.01',
          'make (ms)',
          'weft (ms)',
          'weft / make',
          'median paired ratio',
          'weft forking itself (ms)',
          'make CPU per step (ms)',
          'weft CPU per step (ms)',
          'weft forking itself, CPU per step (ms)',
        ],
        rows: sleepRows.map((r) => [r.name, round(r.makeMs), round(r.weftMs), round(r.ratio), round(r.paired), round(r.forkedMs), round(r.makeCpu), round(r.weftCpu), round(r.forkedCpu)]),
      },
      {
        caption:
          "Where weft's extra wall time on the 400 steps goes (medians of the same runs): the time outside the run itself (its wall time less " +
          "the report's makespan: Node's start, reading and planning the file, the report, exit) and, over the " +
          `${sleeps.steps.length / sleeps.maxParallel} slot cycles (${sleeps.maxParallel} slots × ${sleeps.steps.length / sleeps.maxParallel} ` +
          "steps each), what each cycle costs beyond make's. weft / make cannot go below the first floor while the time outside the run stays, " +
          'nor any program written for Node below the second (`node -e 0` to start and exit):',
        headers: [
          '400 × sleep 0.01',
          'weft − make (ms)',
          'outside the run (ms)',
          'per slot cycle beyond make (ms)',
          'node -e 0 (ms)',
          'floor: (make + outside the run) / make',
          'floor for Node: (make + node -e 0) / make',
        ],
        rows: sleepRows.map((r) => [r.name, round(r.weftMs - r.makeMs), round(r.outsideMs), round(r.perCycleMs), round(r.nodeMs), round(r.floor), round(r.nodeFloor)]),
      },
      {
        caption:
          `Where weft's main thread spent its time in one run of the 400 steps (\`node --cpu-prof\`), per step, with the process starter ` +
          '(as weft runs) and forking itself for each step (`WEFT_PROCESS_STARTER=off`, how every step started before):',
        headers: ['steps started by', 'sampled (ms)', 'spawn', 'garbage collection', 'everything else (start-up, parse, schedule, events, files, report)', 'idle (waiting for steps)'],
        rows: [
          ['the process starter', Math.round(split.totalMs), `${perStep(split.spawnMs)} ms`, `${perStep(split.gcMs)} ms`, `${perStep(split.otherMs)} ms`, `${perStep(split.idleMs)} ms`],
          ['forking weft itself', Math.round(forkedSplit.totalMs), `${perStep(forkedSplit.spawnMs)} ms`, `${perStep(forkedSplit.gcMs)} ms`, `${perStep(forkedSplit.otherMs)} ms`, `${perStep(forkedSplit.idleMs)} ms`],
        ],
      },
      {
        headers: ['workflow', 'steps', 'tight bound (ms)', 'make -j4 (ms)', 'weft first run (ms)', 'weft second run (ms)', 'second run / make'],
        rows: scienceRows.map((r) => [r.dag.name, r.dag.steps.length, round(r.boundMs), round(r.makeMs), round(r.coldMs), round(r.warmMs), round(r.warmMs / r.makeMs)]),
      },
    ],
    goals,
    checks,
    notes: [
      `**Where a step's time goes, now and before.** The steps' own processes cost both tools the same (make's ${round(q.makeCpu)} ms of CPU per step is ` +
        `about all \`sleep\`'s start-up), so what weft adds per step is its CPU less make's: ${round(q.weftCpu - q.makeCpu)} ms now, ` +
        `${round(q.forkedCpu - q.makeCpu)} ms when weft forks itself for every step (${round(q.forkedMs)} ms wall, ${round(q.forkedMs / q.makeMs)} × make). ` +
        `Forking stood weft's event loop still for ${perStep(forkedSplit.spawnMs)} ms a step (Node forks its whole process, and waits for the ` +
        `child's exec); now the process starter (Python's \`posix_spawn\`, a clone that shares memory, where \`python3\` is installed) ` +
        `starts the step and the main thread spends ${perStep(split.spawnMs)} ms on it, plus a message each way. What is left on the main thread ` +
        `is ${perStep(split.otherMs)} ms a step of everything else (Node's start-up and the workflow's reading spread over the 400 steps, ` +
        `scheduling, events, the attempt's files, the report) and ${perStep(split.gcMs)} ms of garbage collection. ` +
        `With steps of 10 ms the wall time is ${round(q.forkedMs / q.weftMs)} × weft's when it forks itself, and ${round(h.forkedMs / h.weftMs)} × ` +
        `beside the CPU hog: the extra hop costs about what the fork saved in latency; the starter's gains are CPU, a busy machine, ` +
        `and an event loop that stays free (a server's heap is larger than the CLI's: see the server's load figures below).`,
      `**What stays between weft and make.** Of weft's ${round(q.weftMs - q.makeMs)} ms more than make on the 400 steps, ` +
        `${round(q.outsideMs)} ms are outside the run (Node's start alone takes ${round(q.nodeMs)} ms, then reading and planning the file, ` +
        `and after the last step the report and exit) and ${round(q.perCycleMs)} ms per slot cycle are inside it: a step's start takes two hops ` +
        `(weft → starter → step) where make forks its recipe itself, and each end goes back through weft's scheduler before the next start ` +
        `leaves. Even with steps that cost weft no more than make, the time outside the run keeps weft / make at ${round(q.floor)} or more ` +
        `(quiet), and Node's own start-up keeps any Node program at ${round(q.nodeFloor)} or more, against a goal of 1.05: with 4 steps ` +
        `of 10 ms at a time a whole run lasts about a second, so a fixed cost of tens of ms is several percent of it. On the scientific ` +
        `shapes, where critical-path order wins time back, these costs are most of the difference that remains.`,
    ],
  };
}
