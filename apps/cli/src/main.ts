import { UsageError } from './args';
import { EXIT, planCommand, runCommand, validateCommand, type CommandIo } from './commands';
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

Exit codes: 0 succeeded, 1 a step failed, 2 invalid workflow or bad usage, 130 interrupted.
`;

function processIo(): CommandIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
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
