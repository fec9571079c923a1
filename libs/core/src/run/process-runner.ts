import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { StepOutcome, StepRunContext } from '../step-type/step-type';
import { attemptFiles, type AttemptFiles } from './attempt-files';
import { LIMITS_NOT_FOUND_EXIT, withResourceLimits } from './process-limits';
import { buildProcessEnv } from './process-env';
import { ProcessLogBuffer } from './process-log-buffer';
import { outputsFileExists, readProcessOutputs } from './process-outputs';
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

/** How long to wait for stdout/stderr to close after the main process exited, in ms. */
const DRAIN_AFTER_EXIT_MS = 100;

/** How the main process ended. */
type ProcessEnd =
  | {
      readonly kind: 'exit';
      readonly exitCode: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly killedByWeft: boolean;
    }
  | { readonly kind: 'spawn_error'; readonly message: string };

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
  const stdin: OpenFd = { fd: -1 };
  try {
    const inputsJson = JSON.stringify(context.inputs ?? {});
    files = await attemptFiles.create(inputsJson);
    stdin.fd = files.stdinFd;
    const { inputsPath, outputsPath } = files;
    if (context.signal.aborted) return cancelledBeforeStart(log);

    const env = buildProcessEnv(context, { inputsPath, outputsPath });
    if (command.env) for (const [name, value] of Object.entries(command.env)) if (!name.startsWith('WEFT_')) env[name] = value;
    const limited = withResourceLimits(command, context.resourceLimits);
    const end = await runChild(limited, context, env, stdin, log);

    if (end.kind === 'spawn_error') return failure(log, { reason: 'spawn_error', message: end.message });
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
    closeFd(stdin);
    if (files) attemptFiles.release(files);
  }
}

/** A file descriptor that is ours to close; -1 once closed. */
interface OpenFd {
  fd: number;
}

function closeFd(open: OpenFd): void {
  if (open.fd < 0) return;
  closeSync(open.fd);
  open.fd = -1;
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

/** Spawns the program and settles when it has ended and its output is drained. */
function runChild(
  command: ProcessCommand,
  context: StepRunContext<unknown>,
  env: Record<string, string>,
  stdin: OpenFd,
  log: ProcessLogBuffer,
): Promise<ProcessEnd> {
  return new Promise<ProcessEnd>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command.command, [...command.args], {
        ...(command.argv0 === undefined ? {} : { argv0: command.argv0 }),
        cwd: context.workdir,
        env,
        shell: false,
        detached: true,
        stdio: [stdin.fd, 'pipe', 'pipe'],
      });
    } catch (error) {
      closeFd(stdin);
      // Synchronous failures: bad arguments such as a NUL byte in an argument or variable.
      resolve({ kind: 'spawn_error', message: spawnErrorMessage(command.command, error, context.workdir) });
      return;
    }

    // The child has its own copy now.
    closeFd(stdin);
    let killedByWeft = false;
    let exited = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const signalGroup = (signal: NodeJS.Signals): void => {
      // ESRCH (the group is already gone) is expected after the main process exited.
      if (child.pid !== undefined) sendSignal(-child.pid, signal);
    };
    const onAbort = (): void => {
      if (exited) return;
      killedByWeft = true;
      signalGroup('SIGTERM');
      graceTimer = setTimeout(() => signalGroup('SIGKILL'), context.limits.killGraceMs);
    };
    const cleanup = (): void => {
      context.signal.removeEventListener('abort', onAbort);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
    };

    child.on('error', (error) => {
      // Emitted when the program cannot start; errors after that are not expected from us.
      if (child.pid !== undefined) return;
      cleanup();
      resolve({ kind: 'spawn_error', message: spawnErrorMessage(command.command, error, context.workdir) });
    });
    if (child.pid === undefined) return; // the 'error' event follows

    context.signal.addEventListener('abort', onAbort, { once: true });
    if (context.signal.aborted) onAbort();

    for (const stream of [child.stdout!, child.stderr!]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => {
        log.write(chunk);
        const text = decoder.write(chunk);
        if (text) context.log(text);
      });
      stream.on('end', () => {
        const rest = decoder.end();
        if (rest) context.log(rest);
      });
    }

    child.once('exit', (exitCode, signal) => {
      exited = true;
      // Children that outlive the main process die with it.
      signalGroup('SIGKILL');
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        cleanup();
        child.stdout!.destroy();
        child.stderr!.destroy();
        resolve({ kind: 'exit', exitCode, signal, killedByWeft });
      };
      // A process outside the group may still hold the pipes: do not wait for it for long. The
      // end comes one turn later (setImmediate runs after the loop's poll phase), so output already
      // in the pipes is read first even when a busy loop let the timer expire before reading them.
      drainTimer = setTimeout(() => setImmediate(finish), DRAIN_AFTER_EXIT_MS);
      child.once('close', finish);
    });
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
