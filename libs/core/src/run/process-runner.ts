import { statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { StepOutcome, StepRunContext } from '../step-type/step-type';
import { attemptFiles, type AttemptFiles } from './attempt-files';
import { LIMITS_NOT_FOUND_EXIT, withResourceLimits } from './process-limits';
import { buildProcessEnv } from './process-env';
import { ProcessLogBuffer } from './process-log-buffer';
import { outputsFileExists, readProcessOutputs } from './process-outputs';
import { launchProcess } from './process-starter';
import { sendSignal } from './send-signal';

/** A program and its argument vector. Never run through a shell. */
export interface ProcessCommand {
  /** The program: a name looked up on the step's `PATH`, or a path. */
  readonly command: string;
  readonly args: readonly string[];
  /** The program's `argv[0]` when it is not `command` (a program found on PATH, named as the user wrote it). */
  readonly argv0?: string;
  /** Variables added to the step's environment (after its own, before the `WEFT_*` ones), such as the `PWD` a shell would export. */
  readonly env?: Readonly<Record<string, string>>;
}

/** How the main process ended. */
type ProcessEnd =
  | {
      readonly kind: 'exit';
      readonly exitCode: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly killedByWeft: boolean;
    }
  | { readonly kind: 'spawn_error'; readonly message: string }
  /** The process starter died while the process ran (its group has been killed). */
  | { readonly kind: 'lost'; readonly message: string };

/**
 * Runs one step attempt as a child process, following the step process contract (docs/step-types.md).
 * Shared by every built-in step type.
 *
 * 1. Nothing is spawned when `context.signal` is already aborted (`reason: 'cancelled'`).
 * 2. The attempt gets a `WEFT_INPUTS` file (the inputs JSON) and a `WEFT_OUTPUTS` path (the step
 *    creates that file if it has outputs) in the process's private temp folder
 *    (`AttemptFileArea`); both are removed at the end.
 * 3. The program starts with an argument vector (no shell) as the leader of its own process group,
 *    in `context.workdir`, with only `PATH`/`HOME`/`LANG`, `context.env` and the `WEFT_*`/`INPUT_*`
 *    variables. Its stdin is the inputs file, open at offset 0.
 * 4. stdout and stderr go, in arrival order, to `context.log` and to a log buffer keeping the last
 *    `limits.maxLogBytes` bytes.
 * 5. On abort the group gets SIGTERM, then SIGKILL after `limits.killGraceMs`. When the main
 *    process exits, whatever is left of its group is SIGKILLed, and the pipes get a short drain.
 * 6. Exit code 0 reads the outputs file; anything else is a failure with its reason.
 *
 * Resolves a {@link StepOutcome} with `log` set; does not throw for anything the step does.
 */
export async function runStepProcess(
  command: ProcessCommand,
  context: StepRunContext<unknown>,
): Promise<StepOutcome> {
  const log = new ProcessLogBuffer(context.limits.maxLogBytes);
  if (context.signal.aborted) return cancelledBeforeStart(log);

  let files: AttemptFiles | undefined;
  try {
    const inputsJson = JSON.stringify(context.inputs ?? {});
    files = await attemptFiles.create(inputsJson);
    const { inputsPath, outputsPath } = files;
    if (context.signal.aborted) return cancelledBeforeStart(log);

    const env = buildProcessEnv(context, { inputsPath, outputsPath });
    if (command.env) for (const [name, value] of Object.entries(command.env)) if (!name.startsWith('WEFT_')) env[name] = value;
    const limited = withResourceLimits(command, context.resourceLimits);
    const end = await runChild(limited, context, env, inputsPath, log);

    if (end.kind === 'spawn_error') return failure(log, { reason: 'spawn_error', message: end.message });
    if (end.kind === 'lost') return failure(log, { reason: 'error', message: end.message });
    const { exitCode, signal } = end;
    if (limited !== command && exitCode === LIMITS_NOT_FOUND_EXIT && /exec: .*not found/.test(log.toString())) {
      return failure(log, { reason: 'spawn_error', exitCode, message: `cannot start ${command.command}: not found on PATH` });
    }
    if (end.killedByWeft) {
      return failure(log, {
        reason: 'cancelled',
        exitCode,
        signal,
        message: 'stopped by Weft (timeout or cancel)',
      });
    }
    if (signal) {
      const why = signal === 'SIGXCPU' ? ` (over its limit of ${context.resourceLimits?.cpuSeconds} CPU seconds)` : '';
      return failure(log, { reason: 'signal', exitCode, signal, message: `killed by signal ${signal}${why}` });
    }
    if (exitCode !== 0)
      return failure(log, { reason: 'exit_code', exitCode, signal, message: `exited with code ${exitCode}` });

    // Most steps write no outputs: settled by a stat, before any async read.
    if (!outputsFileExists(outputsPath)) return { ok: true, outputs: {}, exitCode, signal: null, reason: null, log: log.toString() };
    const outputs = await readProcessOutputs(outputsPath, context.limits.maxOutputBytes);
    if (!outputs.ok)
      return failure(log, { reason: outputs.reason, exitCode, signal, message: outputs.message });
    return { ok: true, outputs: outputs.outputs, exitCode, signal: null, reason: null, log: log.toString() };
  } catch (error) {
    // Only Weft's own side (temp files, serialising inputs) can get here.
    return failure(log, { reason: 'error', message: `cannot run step process: ${(error as Error).message}` });
  } finally {
    if (files) attemptFiles.release(files);
  }
}

function cancelledBeforeStart(log: ProcessLogBuffer): StepOutcome {
  return failure(log, { reason: 'cancelled', message: 'cancelled before the process started' });
}

function failure(log: ProcessLogBuffer, fields: Omit<StepOutcome, 'ok' | 'log'>): StepOutcome {
  return { ok: false, exitCode: null, signal: null, ...fields, log: log.toString() };
}

/**
 * Why the working folder is unusable, or null. Asked only after a failed spawn (which reports a
 * missing `cwd` as the program's ENOENT), so the happy path pays no `stat`.
 */
function workdirProblem(workdir: string): string | null {
  try {
    return statSync(workdir).isDirectory() ? null : `working directory ${workdir} is not a directory`;
  } catch {
    return `working directory ${workdir} does not exist`;
  }
}

/** Process ids of the step processes started here whose main process has not ended yet. */
const running = new Set<number>();

/**
 * SIGKILLs, at once, the process group of every step process this process started that is still
 * running (no grace period): for a program about to exit on a second Ctrl-C, so that no step, not
 * even one that ignores SIGTERM, outlives it. Their attempts end as killed. Returns how many
 * groups it signalled.
 */
export function killStepProcessesNow(): number {
  for (const pid of running) sendSignal(-pid, 'SIGKILL');
  return running.size;
}

/** Spawns the program and settles when it has ended and its output is drained. */
function runChild(
  command: ProcessCommand,
  context: StepRunContext<unknown>,
  env: Record<string, string>,
  stdinPath: string,
  log: ProcessLogBuffer,
): Promise<ProcessEnd> {
  return new Promise<ProcessEnd>((resolve) => {
    let pid: number | undefined;
    let killedByWeft = false;
    let exited = false;
    let exit: { exitCode: number | null; signal: NodeJS.Signals | null } = { exitCode: null, signal: null };
    let graceTimer: NodeJS.Timeout | undefined;
    const decoders = [new StringDecoder('utf8'), new StringDecoder('utf8')] as const;

    const signalGroup = (signal: NodeJS.Signals): void => {
      // ESRCH (the group is already gone) is expected after the main process exited.
      if (pid !== undefined) sendSignal(-pid, signal);
    };
    const onAbort = (): void => {
      if (exited) return;
      killedByWeft = true;
      // Aborted before the starter said the pid: the group is signalled as soon as it does.
      if (pid === undefined) return;
      signalGroup('SIGTERM');
      graceTimer = setTimeout(() => signalGroup('SIGKILL'), context.limits.killGraceMs);
    };
    const cleanup = (): void => {
      context.signal.removeEventListener('abort', onAbort);
      clearTimeout(graceTimer);
    };
    const flush = (): void => {
      for (const decoder of decoders) {
        const rest = decoder.end();
        if (rest) context.log(rest);
      }
    };

    context.signal.addEventListener('abort', onAbort, { once: true });
    launchProcess(
      { command: command.command, args: command.args, argv0: command.argv0, cwd: context.workdir, env, stdinPath },
      {
        started(startedPid) {
          pid = startedPid;
          running.add(startedPid);
          if (killedByWeft || context.signal.aborted) {
            killedByWeft = false;
            onAbort();
          }
        },
        failed(code, message) {
          cleanup();
          resolve({ kind: 'spawn_error', message: spawnErrorMessage(command.command, { code, message }, context.workdir) });
        },
        output(stream, chunk) {
          log.write(chunk);
          const text = decoders[stream - 1].write(chunk);
          if (text) context.log(text);
        },
        exited(exitCode, signal) {
          // Whatever the main process left in its group has been killed by the launch.
          exited = true;
          if (pid !== undefined) running.delete(pid);
          exit = { exitCode, signal };
        },
        closed() {
          cleanup();
          flush();
          resolve({ kind: 'exit', ...exit, killedByWeft });
        },
        lost(message) {
          if (pid !== undefined) running.delete(pid);
          cleanup();
          flush();
          resolve({ kind: 'lost', message });
        },
      },
    );
  });
}

function spawnErrorMessage(program: string, error: unknown, workdir: string): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const problem = workdirProblem(workdir);
    if (problem) return `cannot start ${program}: ${problem}`;
    return program.includes('/')
      ? `cannot start ${program}: no such file`
      : `cannot start ${program}: not found on PATH`;
  }
  if (code === 'EACCES') return `cannot start ${program}: permission denied`;
  if (code === 'E2BIG') {
    return `cannot start ${program}: arguments or environment too large; pass large values through inputs (WEFT_INPUTS)`;
  }
  return `cannot start ${program}: ${message}`;
}
