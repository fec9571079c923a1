import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { sendSignal } from './send-signal';

/** What to start: a program with an argument vector (never a shell), as the leader of a new process group. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly argv0?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** A file the program reads as its stdin, opened at offset 0 (links not followed); none: no stdin. */
  readonly stdinPath?: string;
}

/**
 * What a launch reports, in this order: `started` or `failed` once; then `output` any number of
 * times; `exited` once, after whatever was left of the process group has been SIGKILLed; `closed` once, when stdout and stderr are drained (or given up on 100 ms after
 * the exit, when a process outside the group still holds them). `lost` replaces whatever is left
 * when the process starter died: the step's group has been killed by then.
 */
export interface LaunchEvents {
  started(pid: number): void;
  failed(code: string | undefined, message: string): void;
  /** Output from stdout (1) or stderr (2), as it arrives. */
  output(stream: 1 | 2, chunk: Buffer): void;
  exited(exitCode: number | null, signal: NodeJS.Signals | null): void;
  closed(): void;
  lost(message: string): void;
}

/** How long to wait for stdout/stderr to close after the main process exited, in ms. */
export const DRAIN_AFTER_EXIT_MS = 100;

/**
 * Starts a process right here with `child_process.spawn`. On Linux that forks this whole Node
 * process (libuv forks, the parent waits until the child has exec'd): the bigger the heap, the longer
 * the event loop stands still, 2-5 ms per process in a busy server.
 */
export function launchDirect(spec: LaunchSpec, events: LaunchEvents): void {
  let stdin: number | 'ignore' = 'ignore';
  let child: ChildProcess;
  try {
    if (spec.stdinPath !== undefined) stdin = openSync(spec.stdinPath, constants.O_RDONLY | constants.O_NOFOLLOW);
    child = spawn(spec.command, [...spec.args], {
      ...(spec.argv0 === undefined ? {} : { argv0: spec.argv0 }),
      cwd: spec.cwd,
      env: spec.env,
      shell: false,
      detached: true,
      stdio: [stdin, 'pipe', 'pipe'],
    });
  } catch (error) {
    // Synchronous failures: bad arguments such as a NUL byte in an argument or variable.
    if (typeof stdin === 'number') closeSync(stdin);
    const { code, message } = error as NodeJS.ErrnoException;
    events.failed(code, message);
    return;
  }
  // The child has its own copy now.
  if (typeof stdin === 'number') closeSync(stdin);
  if (child.pid === undefined) {
    // The program could not start; 'error' follows.
    child.once('error', (error: NodeJS.ErrnoException) => events.failed(error.code, error.message));
    return;
  }
  events.started(child.pid);
  child.stdout!.on('data', (chunk: Buffer) => events.output(1, chunk));
  child.stderr!.on('data', (chunk: Buffer) => events.output(2, chunk));
  const pid = child.pid;
  child.once('exit', (exitCode, signal) => {
    // Children that outlive the main process die with it.
    sendSignal(-pid, 'SIGKILL');
    events.exited(exitCode, signal);
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      child.stdout!.destroy();
      child.stderr!.destroy();
      events.closed();
    };
    // A process outside the group may still hold the pipes: do not wait for it for long. The end
    // comes one turn later (setImmediate runs after the loop's poll phase), so output already in the
    // pipes is read first even when a busy loop let the timer expire before reading them.
    const drainTimer = setTimeout(() => setImmediate(finish), DRAIN_AFTER_EXIT_MS);
    child.once('close', finish);
  });
}

/**
 * The process starters: small long-lived programs that start step processes for this one and pass
 * their output and ends back over a Node IPC channel (JSON lines), so that no fork of this process's
 * address space stops its event loop. They run from source (`-c` / `-e`), so they need no file of
 * their own wherever Weft is installed or bundled. Messages, by `t`: in `s` start (`id`, `c` program,
 * `a` args, `a0` argv[0], `d` cwd, `e` env, `i` stdin path); out `r` ready, `p` started (`pid`),
 * `f` failed (`code`, `message`), `o` output (`s` stream, `b` bytes as latin1 text), `c` closed
 * (`code`, `signal`: the process ended, whatever was left of its group was SIGKILLed, and its pipes
 * are drained or given up on {@link DRAIN_AFTER_EXIT_MS} after its exit). A starter leads its own
 * process group (a terminal's Ctrl-C is this process's to handle) and exits when its channel closes.
 */

/**
 * The Python starter: `os.posix_spawn` starts a process without copying the starter (glibc uses
 * `clone(CLONE_VM | CLONE_VFORK)`): about 0.2 ms where Node's fork-based spawn takes 1-5 ms.
 * It resolves the program on the step's own `PATH` and, as `execvp` (and Node) do, runs a script
 * with no `#!` line with `/bin/sh`. Exits 3 where Python is older than 3.8.
 */
export const PYTHON_STARTER_SOURCE = String.raw`import errno, json, os, selectors, signal, sys, time
if sys.version_info < (3, 8) or not hasattr(os, 'posix_spawn') or not hasattr(os, 'pipe2'):
    sys.exit(3)
DRAIN = ${DRAIN_AFTER_EXIT_MS / 1000}
CHANNEL = int(os.environ['NODE_CHANNEL_FD'])
os.set_blocking(CHANNEL, True)
os.set_inheritable(CHANNEL, False)
SIGNALS = [s for s in range(1, 32) if s not in (signal.SIGKILL, signal.SIGSTOP)]
NAMES = {s.value: s.name for s in signal.Signals}
for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGTERM):
    signal.signal(s, signal.SIG_IGN)
wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
signal.set_wakeup_fd(wake_w)
signal.signal(signal.SIGCHLD, lambda *_: None)
sel = selectors.DefaultSelector()
procs = {}


def send(message):
    data = (json.dumps(message, separators=(',', ':')) + '\n').encode()
    while data:
        data = data[os.write(CHANNEL, data):]


def code_of(error):
    return errno.errorcode.get(error.errno, 'E%d' % error.errno) if error.errno else None


def fail(id, code, message):
    send({'t': 'f', 'id': id, 'code': code, 'message': message})


def which(command, path):
    """The program a name stands for on the step's PATH (bytes), as execvp finds it; None if none."""
    if b'/' in command:
        return command
    for folder in (path if path is not None else os.defpath.encode()).split(b':'):
        candidate = os.path.join(folder or b'.', command)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


class Proc:
    def __init__(self, id, pid, fds):
        self.id, self.pid, self.fds = id, pid, fds
        self.exit = None
        self.deadline = None


def utf8(text):
    """UTF-8, a lone surrogate as U+FFFD (what Node makes of one)."""
    return text.encode('utf-16-le', 'surrogatepass').decode('utf-16-le', 'replace').encode()


def start(m):
    id = m['id']
    try:
        launch(id, m)
    except Exception as error:
        # Whatever this launch ran into, the starter and the other steps go on.
        fail(id, 'EINVAL', 'cannot start %s: %s' % (m.get('c'), error))


def launch(id, m):
    env, args, command = m['e'], m['a'], m['c']
    for text in [command, m['d'], *args, *env.keys(), *env.values()]:
        if '\0' in text:
            return fail(id, 'ERR_INVALID_ARG_VALUE', 'arguments and variables must not contain null bytes')
    benv = {utf8(k): utf8(v) for k, v in env.items()}
    bargs = [utf8(a) for a in args]
    program = which(utf8(command), benv.get(b'PATH'))
    if program is None:
        return fail(id, 'ENOENT', 'spawn %s ENOENT' % command)
    argv = [utf8(m.get('a0') or command), *bargs]
    try:
        os.chdir(utf8(m['d']))
    except OSError as error:
        return fail(id, code_of(error), error.strerror)
    out_r, out_w = os.pipe2(os.O_CLOEXEC)
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    stdin = m.get('i')
    actions = [(os.POSIX_SPAWN_OPEN, 0, utf8(stdin), os.O_RDONLY | os.O_NOFOLLOW, 0) if stdin is not None
               else (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)]
    options = dict(file_actions=actions, setsid=True, setsigdef=SIGNALS, setsigmask=[])
    try:
        try:
            pid = os.posix_spawn(program, argv, benv, **options)
        except OSError as error:
            if error.errno != errno.ENOEXEC:
                raise
            # What execvp does with a script that has no #! line.
            pid = os.posix_spawn(b'/bin/sh', [b'/bin/sh', program, *bargs], benv, **options)
    except OSError as error:
        for fd in (out_r, out_w, err_r, err_w):
            os.close(fd)
        return fail(id, code_of(error), error.strerror or str(error))
    os.close(out_w)
    os.close(err_w)
    proc = Proc(id, pid, {})
    for fd, stream in ((out_r, 1), (err_r, 2)):
        os.set_blocking(fd, False)
        proc.fds[fd] = stream
        sel.register(fd, selectors.EVENT_READ, (proc, stream))
    procs[pid] = proc
    send({'t': 'p', 'id': id, 'pid': pid})


def read_some(proc, fd):
    """Forwards one read of the pipe; False when nothing more comes now (empty, or its end)."""
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return False
    if data:
        send({'t': 'o', 'id': proc.id, 's': proc.fds[fd], 'b': data.decode('latin-1')})
        return True
    sel.unregister(fd)
    os.close(fd)
    del proc.fds[fd]
    return False


def finish(proc):
    """Sends what the pipes still hold, gives up on them, and reports the end."""
    for fd in list(proc.fds):
        for _ in range(16):
            if fd not in proc.fds or not read_some(proc, fd):
                break
        if fd in proc.fds:
            sel.unregister(fd)
            os.close(fd)
    proc.fds.clear()
    code, sig = proc.exit
    send({'t': 'c', 'id': proc.id, 'code': code, 'signal': sig})


def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        proc = procs.pop(pid, None)
        if proc is None:
            continue
        if os.WIFSIGNALED(status):
            proc.exit = (None, NAMES.get(os.WTERMSIG(status), str(os.WTERMSIG(status))))
        else:
            proc.exit = (os.WEXITSTATUS(status), None)
        # Whatever is left of its group dies with it.
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        if proc.fds:
            proc.deadline = time.monotonic() + DRAIN
            draining.append(proc)
        else:
            finish(proc)


draining = []
buffer = b''
sel.register(CHANNEL, selectors.EVENT_READ, None)
sel.register(wake_r, selectors.EVENT_READ, 'wake')
send({'t': 'r'})
while True:
    timeout = None
    if draining:
        timeout = max(0.0, min(p.deadline for p in draining) - time.monotonic())
    for key, _ in sel.select(timeout):
        if key.data is None:
            chunk = os.read(CHANNEL, 65536)
            if not chunk:
                # The main process is gone (or let go): the steps it started die with it.
                for pid in procs:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
                os._exit(0)
            buffer += chunk
            *lines, buffer = buffer.split(b'\n')
            for line in lines:
                message = json.loads(line)
                if isinstance(message, dict) and message.get('t') == 's':
                    start(message)
        elif key.data == 'wake':
            try:
                while os.read(wake_r, 512):
                    pass
            except BlockingIOError:
                pass
            reap()
        else:
            proc, _stream = key.data
            if key.fd in proc.fds:
                read_some(proc, key.fd)
            if proc.exit is not None and not proc.fds and proc in draining:
                draining.remove(proc)
                finish(proc)
    now = time.monotonic()
    for proc in [p for p in draining if p.deadline <= now]:
        draining.remove(proc)
        finish(proc)
`;

/** The Node starter, for machines without Python 3.8: Node's spawn, from a process with a small heap. */
export const NODE_STARTER_SOURCE = String.raw`'use strict';
const { spawn } = require('node:child_process');
const { closeSync, constants, openSync } = require('node:fs');
const send = (message) => process.send(message);
const running = new Set();
for (const name of ['SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGTERM']) process.on(name, () => undefined);
function start(m) {
  const id = m.id;
  let stdin = 'ignore';
  let child;
  try {
    if (m.i !== undefined) stdin = openSync(m.i, constants.O_RDONLY | constants.O_NOFOLLOW);
    const options = { cwd: m.d, env: m.e, shell: false, detached: true, stdio: [stdin, 'pipe', 'pipe'] };
    if (m.a0 !== undefined) options.argv0 = m.a0;
    child = spawn(m.c, m.a, options);
  } catch (error) {
    if (typeof stdin === 'number') closeSync(stdin);
    return send({ t: 'f', id, code: error.code, message: error.message });
  }
  if (typeof stdin === 'number') closeSync(stdin);
  if (child.pid === undefined) {
    child.once('error', (error) => send({ t: 'f', id, code: error.code, message: error.message }));
    return;
  }
  const pid = child.pid;
  running.add(pid);
  send({ t: 'p', id, pid });
  child.stdout.on('data', (b) => send({ t: 'o', id, s: 1, b: b.toString('latin1') }));
  child.stderr.on('data', (b) => send({ t: 'o', id, s: 2, b: b.toString('latin1') }));
  child.once('exit', (code, signal) => {
    running.delete(pid);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      send({ t: 'c', id, code, signal });
    };
    const timer = setTimeout(() => setImmediate(finish), ${DRAIN_AFTER_EXIT_MS});
    child.once('close', finish);
  });
}
process.on('message', (m) => {
  if (m && m.t === 's') start(m);
});
// The main process is gone (or let go): the steps it started die with it.
process.on('disconnect', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  process.exit(0);
});
send({ t: 'r' });
`;

/** A way to run a starter: tried in order until one says it is ready. */
export interface StarterProgram {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

const pythonStarter = (command: string): StarterProgram => ({ name: 'python', command, args: ['-I', '-S', '-c', PYTHON_STARTER_SOURCE] });
/**
 * Python 3 to try, in order: the system's (never a version manager's shim: pyenv's adds ~70 ms to
 * each start), then the one on `PATH`. Any 3.8 or later will do.
 */
export const PYTHON_STARTERS: readonly StarterProgram[] = ['/usr/bin/python3', '/usr/local/bin/python3', 'python3'].map(pythonStarter);
/** This very Node, with a small young generation. */
export const NODE_STARTER: StarterProgram = {
  name: 'node',
  command: process.execPath,
  args: ['--max-semi-space-size=1', '-e', NODE_STARTER_SOURCE],
};

/** Messages from a starter. */
type StarterMessage =
  | { readonly t: 'r' }
  | { readonly t: 'p'; readonly id: number; readonly pid: number }
  | { readonly t: 'f'; readonly id: number; readonly code?: string | null; readonly message: string }
  | { readonly t: 'o'; readonly id: number; readonly s: 1 | 2; readonly b: string }
  | { readonly t: 'c'; readonly id: number; readonly code: number | null; readonly signal: NodeJS.Signals | null };

interface InFlight {
  readonly spec: LaunchSpec;
  readonly events: LaunchEvents;
  pid?: number;
}

/** The last bytes of a starter's stderr kept, to say why it died. */
const STDERR_TAIL_BYTES = 2048;

/**
 * The main-process side of the process starter: starts one on first use (the first program of
 * `programs` that gets ready), sends it launches and routes what comes back. While nothing is in
 * flight it does not keep this process alive. When the starter dies, the steps it was running are
 * reported `lost` (their groups killed) and the next launch starts a new one. A program that dies
 * before it is ready is not tried again; when none is left, launches start directly.
 */
export class ProcessStarter {
  private child: ChildProcess | undefined;
  private program: StarterProgram | undefined;
  private ready = false;
  private nextId = 0;
  private readonly inFlight = new Map<number, InFlight>();
  /** Launches waiting for the starter to be ready. */
  private queue: number[] = [];
  private stderrTail = '';
  private readonly programs: StarterProgram[];
  private closed: Promise<void> = Promise.resolve();

  constructor(programs: readonly StarterProgram[] = [...PYTHON_STARTERS, NODE_STARTER]) {
    this.programs = [...programs];
  }

  /** The starter's pid while it runs (tests, diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Which starter runs ('python', 'node'), if one does. */
  get kind(): string | undefined {
    return this.ready ? this.program?.name : undefined;
  }

  /** Starts the starter ahead of the first launch, so that launch does not wait for it. */
  warmUp(): void {
    if (!this.child && this.programs.length > 0) this.startStarter();
  }

  launch(spec: LaunchSpec, events: LaunchEvents): void {
    const child = this.child ?? this.startStarter();
    if (!child) return launchDirect(spec, events);
    const id = ++this.nextId;
    this.inFlight.set(id, { spec, events });
    if (this.inFlight.size === 1) hold(child, true);
    if (this.ready) this.send(child, id);
    else this.queue.push(id);
  }

  /**
   * Lets the starter go and resolves once it has exited (its CPU time is then counted in this
   * process's children's). Launches in flight are lost (their process groups killed); a later launch starts a new starter.
   */
  stop(): Promise<void> {
    const child = this.child;
    // Held until it is gone, so that a caller waiting for that keeps this process alive meanwhile.
    if (child) hold(child, true);
    if (child?.connected) child.disconnect();
    else child?.kill('SIGKILL');
    return this.closed;
  }

  private startStarter(): ChildProcess | undefined {
    while (this.programs.length > 0) {
      const program = this.programs[0]!;
      let child: ChildProcess;
      try {
        child = spawn(program.command, [...program.args], {
          // Nothing of this process's environment (NODE_OPTIONS, PYTHONPATH...): steps get theirs per launch.
          env: program.command.includes('/') ? {} : { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
          serialization: 'json',
          detached: true,
        });
      } catch {
        this.programs.shift();
        continue;
      }
      if (child.pid === undefined) {
        // Not installed: 'error' follows; try the next program.
        child.once('error', () => undefined);
        this.programs.shift();
        continue;
      }
      this.child = child;
      this.program = program;
      this.ready = false;
      this.stderrTail = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (text: string) => {
        this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
      });
      child.on('message', (message: StarterMessage) => this.receive(child, message));
      child.on('error', () => undefined);
      // Over when it has exited and its channel is closed: every message it sent has been
      // delivered by then. ('close' is not emitted when this side disconnected the channel.)
      this.closed = new Promise((resolve) => {
        let exit: [number | null, NodeJS.Signals | null] | undefined;
        let disconnected = false;
        const over = (): void => {
          if (!exit || !disconnected) return;
          this.starterExited(child, ...exit);
          resolve();
        };
        child.once('exit', (code, signal) => {
          exit = [code, signal];
          over();
        });
        child.once('disconnect', () => {
          disconnected = true;
          over();
        });
      });
      if (this.inFlight.size === 0) hold(child, false);
      return child;
    }
    return undefined;
  }

  private send(child: ChildProcess, id: number): void {
    const { spec } = this.inFlight.get(id)!;
    child.send({ t: 's', id, c: spec.command, a: spec.args, a0: spec.argv0, d: spec.cwd, e: spec.env, i: spec.stdinPath });
  }

  private receive(child: ChildProcess, message: StarterMessage): void {
    if (message.t === 'r') {
      this.ready = true;
      const queued = this.queue;
      this.queue = [];
      for (const id of queued) this.send(child, id);
      return;
    }
    const flight = this.inFlight.get(message.id);
    if (!flight) return;
    switch (message.t) {
      case 'p':
        flight.pid = message.pid;
        flight.events.started(message.pid);
        return;
      case 'f':
        this.settle(child, message.id);
        flight.events.failed(message.code ?? undefined, message.message);
        return;
      case 'o':
        flight.events.output(message.s, Buffer.from(message.b, 'latin1'));
        return;
      case 'c':
        this.settle(child, message.id);
        flight.events.exited(message.code, message.signal);
        flight.events.closed();
        return;
    }
  }

  private settle(child: ChildProcess, id: number): void {
    this.inFlight.delete(id);
    if (this.inFlight.size === 0 && this.child === child) hold(child, false);
  }

  private starterExited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const wasReady = this.ready;
    this.child = undefined;
    this.ready = false;
    const flights = [...this.inFlight.values()];
    this.inFlight.clear();
    this.queue = [];
    if (!wasReady) {
      // It never worked, so nothing was sent to it: try the next program (or start directly).
      this.programs.shift();
      for (const flight of flights) this.launch(flight.spec, flight.events);
      return;
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const said = this.stderrTail.trim().split('\n').slice(-3).join(' / ');
    for (const flight of flights) {
      if (flight.pid !== undefined) sendSignal(-flight.pid, 'SIGKILL');
      flight.events.lost(
        `Weft's process starter ${how} while the step ran${said ? ` (${said})` : ''}; ` +
          (flight.pid === undefined ? 'the step may not have started' : `its process group ${flight.pid} was killed`),
      );
    }
  }
}

/** Keeps this process alive for the starter while launches are in flight, not otherwise. */
function hold(child: ChildProcess, keep: boolean): void {
  const channel = child.channel as { ref(): void; unref(): void } | null | undefined;
  const stderr = child.stderr as unknown as { ref?(): void; unref?(): void } | null;
  if (keep) {
    child.ref();
    channel?.ref();
    stderr?.ref?.();
  } else {
    child.unref();
    channel?.unref();
    stderr?.unref?.();
  }
}

/** The starters `WEFT_PROCESS_STARTER` asks for: `auto` (default: Python, else Node), `python`, `node`, `off`. */
export function wantedStarters(env: NodeJS.ProcessEnv = process.env): StarterProgram[] {
  // An Electron app's or a single-file binary's execPath is not a Node that runs -e.
  const realNode = process.release?.name === 'node' && !('electron' in process.versions);
  if (process.platform === 'win32') return [];
  switch (env['WEFT_PROCESS_STARTER'] ?? 'auto') {
    case 'off':
      return [];
    case 'python':
      return [...PYTHON_STARTERS];
    case 'node':
      return realNode ? [NODE_STARTER] : [];
    default:
      return realNode ? [...PYTHON_STARTERS, NODE_STARTER] : [...PYTHON_STARTERS];
  }
}

let shared: ProcessStarter | null | undefined;

/** The process-wide starter, made on first use; null when starters are off. */
function sharedStarter(): ProcessStarter | null {
  if (shared === undefined) {
    const programs = wantedStarters();
    shared = programs.length > 0 ? new ProcessStarter(programs) : null;
  }
  return shared;
}

/** Starts a step process: from the process starter unless `WEFT_PROCESS_STARTER=off`, else right here. */
export function launchProcess(spec: LaunchSpec, events: LaunchEvents): void {
  const starter = sharedStarter();
  if (starter) starter.launch(spec, events);
  else launchDirect(spec, events);
}

/** Starts the process starter now, so that the first step does not wait for it (a run about to start). */
export function warmUpProcessStarter(): void {
  sharedStarter()?.warmUp();
}

/**
 * Lets the process starter go and waits until it has exited: for a program about to exit that wants
 * no helper process left behind and all its children's CPU time counted. Steps still running are lost (killed).
 */
export async function stopProcessStarter(): Promise<void> {
  await shared?.stop();
}

/** Sets how later launches start (tests): a starter of its own, or null to start directly; undefined: as the environment says. */
export function setProcessStarter(starter: ProcessStarter | null | undefined): void {
  shared = starter;
}
