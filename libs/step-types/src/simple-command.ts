import { accessSync, closeSync, constants as fsConstants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ProcessCommand, StepOutcome } from '@weft/core';

/**
 * Names `sh` runs itself or reads as syntax (dash's builtins and reserved words, and bash's, for
 * scripts that assume them): a command starting with one of them always goes through the shell.
 */
const SHELL_WORDS = new Set(
  (
    '. : [ [[ ]] ! { } alias bg break builtin caller case cd chdir command compgen complete continue coproc declare dirs disown do done ' +
    'echo elif else enable esac eval exec exit export false fc fg fi for function getopts hash help history if in jobs kill let local ' +
    'logout mapfile popd printf pushd pwd read readarray readonly return select set shift shopt source suspend test then time times ' +
    'trap true type typeset ulimit umask unalias unset until wait while'
  ).split(' '),
);

/** Characters a word may hold and still mean only itself to `sh`: no quoting, expansion, globbing, redirection or operator. */
const PLAIN_WORD = /^[A-Za-z0-9_./,:@%+=^-]+$/;

/**
 * The argument vector `sh -c TEXT` would run, when TEXT is one simple command of plain words (what
 * make runs without a shell); null when it has anything the shell would interpret: quotes,
 * variables, globs, redirections, pipes, lists, comments, tildes, assignments, several lines, or
 * a first word that is a shell builtin or reserved word. Trailing blank lines are ignored.
 */
export function simpleCommand(text: string): string[] | null {
  const trimmed = text.replace(/[ \t\n]+$/, '');
  if (trimmed.includes('\n') || trimmed.includes('\r')) return null;
  const words = trimmed.split(/[ \t]+/).filter((w) => w.length > 0);
  if (words.length === 0) return null;
  if (!words.every((w) => PLAIN_WORD.test(w))) return null;
  const first = words[0]!;
  if (first.includes('=') || SHELL_WORDS.has(first)) return null;
  return words;
}

/** dash's search path when PATH is unset. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The file `sh` would execute for `name`: a name with a `/` relative to `workdir`, else the first
 * executable regular file of that name on `path`. null when there is none, or when the file is
 * neither a native binary nor a `#!` script (the shell would run such a file as a shell script).
 */
export function findProgram(name: string, path: string | undefined, workdir: string): string | null {
  const candidates = name.includes('/')
    ? [isAbsolute(name) ? name : join(workdir, name)]
    : (path ?? DEFAULT_PATH).split(':').map((dir) => join(dir === '' ? workdir : isAbsolute(dir) ? dir : join(workdir, dir), name));
  for (const file of candidates) {
    let fd = -1;
    try {
      // (no exception for a missing file: most PATH entries do not hold the program)
      if (!statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
      // Not executable for us: the shell would go on along PATH (or fail with 126); it decides.
      accessSync(file, fsConstants.X_OK);
      fd = openSync(file, 'r');
      const head = Buffer.alloc(4);
      const n = readSync(fd, head, 0, 4, 0);
      const native = n === 4 && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF';
      const script = n >= 2 && head[0] === 0x23 && head[1] === 0x21;
      return native || script ? file : null;
    } catch {
      // not there, or not ours to run: the shell's own search decides
      if (fd < 0 && !name.includes('/')) continue;
      return null;
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
  return null;
}

/**
 * `sh -c TEXT` as a direct exec, as make runs a simple recipe: the same program, arguments and
 * `argv[0]`, in the same folder, with the `PWD` dash would export; null when only the shell can
 * run TEXT the same way (see {@link simpleCommand} and {@link findProgram}).
 */
export function directCommand(text: string, workdir: string, env: Readonly<Record<string, string>>, parentPath: string | undefined): ProcessCommand | null {
  const words = simpleCommand(text);
  if (!words || env.PWD !== undefined) return null;
  const path = env.PATH ?? parentPath;
  const program = findProgram(words[0]!, path, workdir);
  if (!program) return null;
  let pwd: string;
  try {
    pwd = realpathSync(workdir);
  } catch {
    return null;
  }
  // A path is exec'd as written (relative to the folder), as dash does: a script's $0 is the same.
  const command = words[0]!.includes('/') ? words[0]! : program;
  return { command, args: words.slice(1), argv0: words[0]!, env: { PWD: pwd } };
}

/** What dash prints (glibc's strsignal) when the command it waits for dies of a signal; nothing for SIGINT and SIGPIPE. */
const SIGNAL_TEXT: Readonly<Record<string, string>> = {
  SIGHUP: 'Hangup',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGSTKFLT: 'Stack fault',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
  SIGVTALRM: 'Virtual timer expired',
  SIGPROF: 'Profiling timer expired',
  SIGIO: 'I/O possible',
  SIGPWR: 'Power failure',
  SIGSYS: 'Bad system call',
};

/**
 * The outcome as `sh -c` would have reported it: dash waits for its command rather than exec it,
 * so a command killed by a signal (not by Weft) makes the shell print the signal's name (to the
 * step's log, through `log` too) and exit with 128 + the signal number.
 */
export function asShellOutcome(outcome: StepOutcome, log: (text: string) => void): StepOutcome {
  if (outcome.reason !== 'signal' || !outcome.signal) return outcome;
  const number = constants.signals[outcome.signal as keyof typeof constants.signals];
  if (number === undefined) return outcome;
  const exitCode = 128 + number;
  const said = SIGNAL_TEXT[outcome.signal] === undefined ? '' : `${SIGNAL_TEXT[outcome.signal]}\n`;
  if (said) log(said);
  return { ...outcome, reason: 'exit_code', exitCode, signal: null, message: `exited with code ${exitCode}`, log: `${outcome.log ?? ''}${said}` };
}
