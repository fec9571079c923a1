import { randomUUID } from 'node:crypto';
import type { RunReport, Workflow } from '@weft/core';
import { UsageError, parseArgs } from './args';
import { formatSpeedup, palette, plural, type Palette } from './format';
import { cacheDir, loadEstimates, saveDurations } from './estimates-cache';
import type { CliHistory } from './history';
import { stepTypeRegistry } from './plugins';
import { ProgressLifeCycle } from './progress.life-cycle';
import { formatSummary } from './summary';
import { readingsCache } from './readings-cache';
import { codeStamp } from './version';

/** Why a command is asked to stop: a signal (Ctrl-C, SIGTERM, SIGHUP), or its output is gone. */
export type InterruptCause = 'signal' | 'output';

/** Where a command writes, and what it may ask of its surroundings (injectable for tests). */
export interface CommandIo {
  readonly stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
  readonly stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
  readonly env: NodeJS.ProcessEnv;
  /**
   * Installs a handler for Ctrl-C, SIGTERM and SIGHUP (`'signal'`) and for standard output that
   * can no longer be written (`'output'`: the reader of a pipe quit, a full disk); returns its remover.
   */
  readonly onInterrupt: (handler: (cause: InterruptCause) => void) => () => void;
}

export const EXIT = { ok: 0, failed: 1, invalid: 2, interrupted: 130 } as const;

function colorsFor(stream: CommandIo['stdout'], env: NodeJS.ProcessEnv): Palette {
  return palette(Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb');
}

/** `--plugin SPEC` (repeatable) on validate, plan and run: step types from a plugin module. */
const PLUGIN_FLAG = { plugin: 'strings' } as const;

async function load(file: string, plugins: readonly string[]): Promise<Workflow> {
  const { loadWorkflowFile } = await import('@weft/core');
  return loadWorkflowFile(file, { stepTypes: await stepTypeRegistry(plugins) });
}

function fileArg(positionals: string[], command: string): string {
  if (positionals.length === 0) throw new UsageError(`'weft ${command}' needs a workflow file, e.g. weft ${command} workflow.yaml`);
  if (positionals.length > 1) throw new UsageError(`'weft ${command}' takes one workflow file, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0];
}

/** `weft validate FILE [--plugin SPEC]...`: prints `ok` or every error; exit 0 or 2. */
export async function validateCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { positionals, lists } = parseArgs(argv, PLUGIN_FLAG);
  const file = fileArg(positionals, 'validate');
  await load(file, lists.plugin);
  io.stdout.write('ok\n');
  return EXIT.ok;
}

/** `weft plan FILE [--json] [--plugin SPEC]...`: steps, edges, levels, critical path, ideal speedup. */
export async function planCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { positionals, flags, lists } = parseArgs(argv, { json: 'boolean', ...PLUGIN_FLAG });
  const file = fileArg(positionals, 'plan');
  const workflow = await load(file, lists.plugin);
  const { analyzeWorkflow } = await import('@weft/core');
  const plan = analyzeWorkflow(workflow);
  if (flags.json) {
    const { steps, edges, levels, criticalPath, idealSpeedup } = plan;
    io.stdout.write(`${JSON.stringify({ steps, edges, levels, criticalPath, idealSpeedup })}\n`);
    return EXIT.ok;
  }
  const colors = colorsFor(io.stdout, io.env);
  const level = (ids: string[], i: number) =>
    `  level ${i}: ${elide(ids, 12, ', ')}${ids.length > 1 ? colors.dim(` (${ids.length} in parallel)`) : ''}`;
  const levels =
    plan.levels.length <= 20
      ? plan.levels.map(level)
      : [
          ...plan.levels.slice(0, 10).map(level),
          colors.dim(`  … ${plan.levels.length - 13} more levels`),
          ...plan.levels.slice(-3).map((ids, i) => level(ids, plan.levels.length - 3 + i)),
        ];
  const widest = Math.max(...plan.levels.map((ids) => ids.length), 0);
  const lines = [
    colors.bold(
      `${workflow.name}: ${plural(plan.steps.length, 'step')}, ${plural(plan.edges.length, 'dependency', 'dependencies')}, ${plural(plan.levels.length, 'level')}`,
    ),
    ...levels,
    `  critical path: ${elide(plan.criticalPath, 10, ' → ')}${plan.criticalPath.length > 10 ? colors.dim(` (${plan.criticalPath.length} steps)`) : ''}`,
    `  ideal speedup: ${formatSpeedup(plan.idealSpeedup)} ${colors.dim(`(equal step durations; up to ${Math.min(widest, workflow.maxParallel)} of maxParallel ${workflow.maxParallel} at once)`)}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** Joins ids, keeping the first and last few when there are more than `max`. */
function elide(ids: readonly string[], max: number, separator: string): string {
  if (ids.length <= max) return ids.join(separator);
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return [...ids.slice(0, head), `… ${ids.length - head - tail} more`, ...ids.slice(-tail)].join(separator);
}

/** `--max-parallel`, checked against the limit a workflow's `maxParallel` has (`MAX_PARALLEL_LIMIT`). */
function parseMaxParallel(value: string | boolean | undefined, limit: number): number | undefined {
  if (value === undefined) return undefined;
  // Plain decimal digits only: Number() would also take '0x2', '1e0' and ' 2'.
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > limit) throw new UsageError(`--max-parallel must be an integer from 1 to ${limit}, got '${String(value)}'`);
  return n;
}

/** `weft run FILE [--max-parallel N] [--json] [--db PATH] [--retry RUN_ID] [--verbose] [--no-estimates] [--plugin SPEC]...`. */
export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { positionals, flags, lists } = parseArgs(argv, {
    'max-parallel': 'string',
    json: 'boolean',
    db: 'string',
    retry: 'string',
    verbose: 'boolean',
    'no-estimates': 'boolean',
    ...PLUGIN_FLAG,
  });
  const file = fileArg(positionals, 'run');
  const { MAX_PARALLEL_LIMIT, loadWorkflowFile, executeWorkflow, killStepProcessesNow, stopProcessStarter, warmUpProcessStarter } = await import('@weft/core');
  // The process starter gets ready while the workflow is read and planned.
  warmUpProcessStarter();
  try {
    const maxParallel = parseMaxParallel(flags['max-parallel'], MAX_PARALLEL_LIMIT);
    if (flags.retry && !flags.db) throw new UsageError('--retry needs --db PATH: the history database that holds the run to retry');
    const registry = await stepTypeRegistry(lists.plugin);
    // A second run of the same text skips the YAML parse (see readings-cache.ts).
    const workflow = await loadWorkflowFile(file, { stepTypes: registry, readings: readingsCache(io.env, codeStamp()) });

    const history = flags.db ? await openHistory(String(flags.db)) : undefined;
    try {
      const lifecycle = [];
      const progress = new ProgressLifeCycle({
        out: io.stderr,
        colors: colorsFor(io.stderr, io.env),
        live: Boolean(io.stderr.isTTY) && !flags.json,
        verbose: Boolean(flags.verbose),
      });
      lifecycle.push(progress);
      const retryOf = flags.retry ? String(flags.retry) : undefined;
      const reuse = retryOf ? await history!.reusableSteps(retryOf) : undefined;
      // Estimated durations for critical-path-first: the history's medians, else those this machine
      // remembers from earlier runs of the same file (equal weights on a first run). --no-estimates
      // schedules with equal weights but still records this run's durations for the next one.
      const remember = !history && workflow.sourcePath !== undefined;
      const estimates = flags['no-estimates']
        ? undefined
        : history
          ? await history.estimates(workflow)
          : remember
            ? loadEstimates(io.env, workflow.sourcePath!)
            : undefined;
      const estimated = estimatesNote(estimates, workflow.steps.length, history ? String(flags.db) : cacheDir(io.env));
      const controller = new AbortController();
      let interrupts = 0;
      const removeInterrupt = io.onInterrupt((cause) => {
        // Output that cannot be written cancels the run as Ctrl-C does (no one sees it any more).
        if (cause === 'output') return controller.abort();
        interrupts++;
        if (interrupts === 1) {
          io.stderr.write('\nweft: cancelling — stopping running steps (Ctrl-C again to kill them now)\n');
          controller.abort();
        } else {
          const killed = killStepProcessesNow();
          io.stderr.write(`weft: killed ${plural(killed, 'running step')} (SIGKILL); not waiting any longer\n`);
          process.exit(EXIT.interrupted);
        }
      });
      const runId = randomUUID();
      if (history) lifecycle.push(await history.recorder(workflow, { runId, maxParallel: maxParallel ?? workflow.maxParallel, retryOf }));
      let report: RunReport;
      try {
        report = await executeWorkflow({
          workflow,
          stepTypes: registry,
          runId,
          maxParallel,
          lifecycle,
          signal: controller.signal,
          reuse,
          retryOf,
          estimates,
        });
      } finally {
        removeInterrupt();
      }
      if (history) await history.flush();
      if (remember) saveDurations(io.env, workflow.sourcePath!, report);
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        io.stdout.write(`\n${formatSummary(report, colorsFor(io.stdout, io.env), progress.logs)}\n`);
        if (estimated) io.stdout.write(`  ${estimated}\n`);
        if (history) {
          const reused = Object.values(report.steps).filter((step) => step.reused).length;
          io.stdout.write(`  saved in ${String(flags.db)} as run ${report.runId}${retryOf ? ` (retry of ${retryOf}, ${plural(reused, 'step')} reused)` : ''}\n`);
          if (report.status === 'failed') io.stdout.write(`  retry from the failure: weft run ${file} --db ${String(flags.db)} --retry ${report.runId}\n`);
        }
      }
      return report.status === 'succeeded' ? EXIT.ok : report.status === 'cancelled' ? EXIT.interrupted : EXIT.failed;
    } finally {
      await history?.close();
    }
  } finally {
    // Gone before weft exits: no helper process left behind, and its CPU time counted as weft's.
    await stopProcessStarter();
  }
}

async function openHistory(path: string): Promise<CliHistory> {
  const { openCliHistory } = await import('./history');
  return openCliHistory(path);
}

/**
 * The summary's line saying the order used remembered durations (null when it did not: a first
 * run, or `--no-estimates`), and where they came from.
 */
export function estimatesNote(estimates: Readonly<Record<string, number>> | undefined, steps: number, source: string): string | null {
  const known = Object.keys(estimates ?? {}).length;
  if (known === 0) return null;
  return `ordered by the durations of earlier runs (${known} of ${plural(steps, 'step')} known, from ${source}); --no-estimates for equal weights`;
}
