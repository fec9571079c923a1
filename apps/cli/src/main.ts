import { UsageError } from './args';
import { EXIT, planCommand, runCommand, validateCommand, type CommandIo, type InterruptCause } from './commands';
import { version } from './version';

const USAGE = `Usage: weft <command> [options]

Commands:
  weft validate FILE [--plugin SPEC]...
                               check a workflow; prints ok or every error (exit 0 valid, 2 invalid)
  weft plan FILE [--json] [--plugin SPEC]...
                               the analysis: levels, critical path, ideal speedup
  weft run FILE [options]      run it: independent steps at once, live progress, speedup at the end
      --max-parallel N         steps running at once, 1..8 (default: the workflow's maxParallel, else 4)
      --json                   print only the final report (JSON) on stdout; progress goes to stderr
      --db PATH                keep the run in a history database (SQLite file)
      --retry RUN_ID           retry a run from that database from where it failed (needs --db)
      --verbose                stream every step's output, prefixed with its id
      --no-estimates           schedule with equal step weights (by default the durations of earlier
                               runs of the file, kept in ~/.cache/weft or WEFT_CACHE_DIR, or in --db,
                               put the longest remaining work first); this run's durations are still
                               recorded
      --plugin SPEC            load step types from a plugin (repeatable), as validate and plan do
  weft worker --queue URL      run the step attempts a server sends through Redis (redis://host:port[/db])
      --concurrency N          attempts at once (default: the CPU count)
      --label NAME             also take steps with runsOn: NAME (repeatable)
      --plugin SPEC            load step types from a plugin (repeatable)
      --id NAME                its id in reports and GET /api/workers (default: <hostname>:<pid>)
      --cache DIR              where workflow folders are kept (default: ~/.cache/weft/bundles)

Plugins: SPEC is an installed package name (found from the working directory) or a path to a
module (.js, .mjs, .cjs) that exports stepTypes, an array of step-type handlers; its step types
join the built-in python, shell and node. See docs/plugins.md.

Exit codes: 0 succeeded, 1 a step failed, 2 invalid workflow or bad usage, 130 interrupted (Ctrl-C,
SIGTERM or SIGHUP: running steps get SIGTERM, then SIGKILL after 5 s or at a second Ctrl-C; or the
output could not be written, as when the reader of a pipe quit).
`;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function processIo(): CommandIo {
  const handlers = new Set<(cause: InterruptCause) => void>();
  const lost = (): void => {
    for (const handler of handlers) handler('output');
  };
  // Progress goes to standard error: when no one reads it any more (`weft run … 2>&1 | head`), stop
  // as `make` would on SIGPIPE, but cancelling the steps instead of leaving them behind.
  const stderr = guardedStream(process.stderr, lost);
  const stdout = guardedStream(process.stdout, (error) => {
    stderr.write(`weft: cannot write to standard output (${error.code ?? error.message}): stopping\n`);
    lost();
  });
  return {
    stdout,
    stderr,
    env: process.env,
    onInterrupt(handler) {
      const onSignal = (): void => handler('signal');
      handlers.add(handler);
      for (const signal of SIGNALS) process.on(signal, onSignal);
      return () => {
        handlers.delete(handler);
        for (const signal of SIGNALS) process.off(signal, onSignal);
      };
    },
  };
}

/**
 * `stream` for a command's output, never throwing: once a write fails (EPIPE when the reader of a
 * pipe is gone, as with `weft run … | head`; ENOSPC on a full disk) later writes are dropped and
 * `onFailure` is told, once.
 */
function guardedStream(stream: NodeJS.WriteStream, onFailure: (error: NodeJS.ErrnoException) => void): CommandIo['stdout'] {
  let failed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    onFailure(error);
  });
  return {
    write: (text: string) => (failed ? false : stream.write(text)),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    get rows() {
      return stream.rows;
    },
  };
}

/**
 * Runs the `weft` command line and resolves with its exit code. A user's mistake prints a message
 * (never a stack trace); only a bug in Weft itself prints one, asking for a report.
 */
export async function main(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return await validateCommand(rest, io);
      case 'plan':
        return await planCommand(rest, io);
      case 'run':
        return await runCommand(rest, io);
      case 'worker':
        return await (await import('./worker-command')).workerCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        (command ? io.stdout : io.stderr).write(USAGE);
        return command ? EXIT.ok : EXIT.invalid;
      case '--version':
      case '-v':
        io.stdout.write(`${version()}\n`);
        return EXIT.ok;
      default:
        throw new UsageError(`unknown command '${command}'; commands: validate, plan, run, worker`);
    }
  } catch (error) {
    return report(error, io);
  }
}

async function report(error: unknown, io: CommandIo): Promise<number> {
  if (error instanceof UsageError) {
    io.stderr.write(`weft: ${error.message}\n\n${USAGE}`);
    return EXIT.invalid;
  }
  const { WorkflowError } = await import('@weft/core');
  if (error instanceof WorkflowError) {
    io.stderr.write(`weft: ${error.message}\n`);
    return EXIT.invalid;
  }
  io.stderr.write(`weft: internal error — please report it with the command you ran:\n${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.failed;
}
