import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGone } from '../testing/processes';
import { waitFor } from '../testing/wait-for';
import {
  launchDirect,
  NODE_STARTER,
  ProcessStarter,
  PYTHON_STARTERS,
  wantedStarters,
  type LaunchEvents,
  type LaunchSpec,
  type StarterProgram,
} from './process-starter';

let workdir: string;
let starter: ProcessStarter | undefined;

beforeEach(() => {
  workdir = mkdtempSync(join(tmpdir(), 'weft-starter-spec-'));
});
afterEach(async () => {
  await starter?.stop();
  starter = undefined;
  rmSync(workdir, { recursive: true, force: true });
});

/** What one launch reported, in order. */
interface Recorded {
  readonly events: string[];
  readonly output: string[];
  pid?: number;
  readonly done: Promise<void>;
}

function record(): { events: LaunchEvents; recorded: Recorded } {
  let finish!: () => void;
  const recorded: Recorded = { events: [], output: [], done: new Promise<void>((resolve) => (finish = resolve)) };
  const events: LaunchEvents = {
    started(pid) {
      recorded.pid = pid;
      recorded.events.push('started');
    },
    failed(code, message) {
      recorded.events.push(`failed ${code}: ${message}`);
      finish();
    },
    output(stream, chunk) {
      recorded.output.push(`${stream}:${chunk.toString()}`);
    },
    exited(exitCode, signal) {
      recorded.events.push(`exited ${exitCode} ${signal}`);
    },
    closed() {
      recorded.events.push('closed');
      finish();
    },
    lost(message) {
      recorded.events.push(`lost: ${message}`);
      finish();
    },
  };
  return { events, recorded };
}

const sh = (script: string, extra: Partial<LaunchSpec> = {}): LaunchSpec => ({
  command: '/bin/sh',
  args: ['-c', script],
  cwd: workdir,
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  ...extra,
});

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

const BROKEN: StarterProgram = { name: 'broken', command: process.execPath, args: ['-e', "process.stderr.write('no starter here'); process.exit(7)"] };

describe.each([
  ['Python', PYTHON_STARTERS],
  ['Node', [NODE_STARTER]],
])('the %s process starter', (kind, programs) => {
  it('starts the program from its own process, in a group of its own, with stdin, env, cwd and argv0', async () => {
    starter = new ProcessStarter(programs);
    writeFileSync(join(workdir, 'in.json'), '{"a":1}');
    const { events, recorded } = record();
    starter.launch(
      {
        command: '/bin/sh',
        args: ['-c', 'echo "$0 $COLOUR $(pwd) $(cat)"; echo $PPID > ppid; ps -o pgid= -p $$ > pgid; echo err >&2; exit 3'],
        argv0: 'named',
        cwd: workdir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', COLOUR: 'blue' },
        stdinPath: join(workdir, 'in.json'),
      },
      events,
    );
    await recorded.done;
    expect(recorded.events).toEqual(['started', 'exited 3 null', 'closed']);
    expect(recorded.output.join('')).toContain(`1:named blue ${workdir} {"a":1}\n`);
    expect(recorded.output).toContain('2:err\n');
    // Its parent is the starter, not this process; it leads its own group.
    expect(Number(readFileSync(join(workdir, 'ppid'), 'utf8'))).toBe(starter.pid);
    expect(starter.pid).not.toBe(process.pid);
    expect(parentOf(starter.pid!)).toBe(process.pid);
    expect(Number(readFileSync(join(workdir, 'pgid'), 'utf8'))).toBe(recorded.pid);
  });

  it('reports a program that cannot start with its error code, and keeps going', async () => {
    starter = new ProcessStarter(programs);
    const missing = record();
    starter.launch({ ...sh(''), command: 'weft-no-such-program', args: [] }, missing.events);
    await missing.recorded.done;
    expect(missing.recorded.events).toEqual([expect.stringMatching(/^failed ENOENT: /)]);

    const nul = record();
    starter.launch(sh('true', { env: { BAD: 'a\0b' } }), nul.events);
    await nul.recorded.done;
    expect(nul.recorded.events).toEqual([expect.stringMatching(/^failed ERR_INVALID_ARG_VALUE: /)]);

    const fine = record();
    starter.launch(sh('echo ok'), fine.events);
    await fine.recorded.done;
    expect(fine.recorded.events).toEqual(['started', 'exited 0 null', 'closed']);
  });

  it('runs many launches at once, each with its own output', async () => {
    starter = new ProcessStarter(programs);
    const launches = Array.from({ length: 12 }, (_, i) => {
      const { events, recorded } = record();
      starter!.launch(sh(`sleep 0.0$((${i} % 3)); echo step-${i}`), events);
      return recorded;
    });
    await Promise.all(launches.map((r) => r.done));
    launches.forEach((r, i) => {
      expect(r.events).toEqual(['started', 'exited 0 null', 'closed']);
      expect(r.output).toEqual([`1:step-${i}\n`]);
    });
  });

  it('reports the steps it was running as lost when it dies, kills their groups, and a new one takes later launches', async () => {
    starter = new ProcessStarter(programs);
    const running = record();
    starter.launch(sh('echo started; sleep 30 & wait'), running.events);
    await waitFor('the step to start', () => running.recorded.output.length > 0);
    const firstStarter = starter.pid!;
    process.kill(firstStarter, 'SIGKILL');
    await running.recorded.done;
    expect(running.recorded.events).toEqual([
      'started',
      `lost: Weft's process starter was killed by SIGKILL while the step ran; its process group ${running.recorded.pid} was killed`,
    ]);
    await waitFor('the step process to be gone', () => isGone(running.recorded.pid!));

    const next = record();
    starter.launch(sh('echo again'), next.events);
    await next.recorded.done;
    expect(next.recorded.events).toEqual(['started', 'exited 0 null', 'closed']);
    expect(starter.pid).not.toBe(firstStarter);
  });

  it('is the one that runs, in a process group of its own, and gives its children default signal handling', async () => {
    starter = new ProcessStarter(programs);
    const { events, recorded } = record();
    starter.launch(sh("grep -E '^Sig(Ign|Blk):' /proc/self/status"), events);
    await recorded.done;
    expect(starter.kind).toBe(kind.toLowerCase());
    // No standard signal (1-31) ignored or blocked, though Python ignores SIGPIPE and SIGXFSZ and
    // the starter SIGINT, SIGHUP, SIGQUIT and SIGTERM. (glibc's posix_spawn leaves its own two
    // internal signals, 32 and 33, ignored, as GNU make's recipes get them; a glibc program sets
    // its handlers for them when it starts.)
    const masks = Object.fromEntries([...recorded.output.join('').matchAll(/(Sig\w+):\t([0-9a-f]+)/g)].map((m) => [m[1], BigInt(`0x${m[2]}`)]));
    expect(masks).toEqual({ SigBlk: expect.any(BigInt), SigIgn: expect.any(BigInt) });
    expect(masks.SigBlk! & 0x7fffffffn).toBe(0n);
    expect(masks.SigIgn! & 0x7fffffffn).toBe(0n);
    const stat = readFileSync(`/proc/${starter.pid}/stat`, 'latin1');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])).toBe(starter.pid);
  });

  it('runs a script with no #! line with /bin/sh, as execvp does', async () => {
    starter = new ProcessStarter(programs);
    writeFileSync(join(workdir, 'plain'), 'echo "plain script $1"\n', { mode: 0o755 });
    const { events, recorded } = record();
    starter.launch({ ...sh(''), command: join(workdir, 'plain'), args: ['ran'] }, events);
    await recorded.done;
    expect(recorded.events).toEqual(['started', 'exited 0 null', 'closed']);
    expect(recorded.output).toEqual(['1:plain script ran\n']);
  });

  it('looks the program up on the step PATH, not its own', async () => {
    starter = new ProcessStarter(programs);
    writeFileSync(join(workdir, 'only-here'), '#!/bin/sh\necho found on the step PATH\n', { mode: 0o755 });
    const { events, recorded } = record();
    starter.launch({ ...sh(''), command: 'only-here', args: [], env: { PATH: `${workdir}:/usr/bin:/bin` } }, events);
    await recorded.done;
    expect(recorded.output).toEqual(['1:found on the step PATH\n']);
  });

  it('passes output bytes through unchanged', async () => {
    starter = new ProcessStarter(programs);
    const { events, recorded } = record();
    const chunks: Buffer[] = [];
    starter.launch(sh("printf '\\000\\001\\377caf\\303\\251\\n'"), { ...events, output: (_s, chunk) => chunks.push(chunk) });
    await recorded.done;
    expect([...Buffer.concat(chunks)]).toEqual([0, 1, 255, ...Buffer.from('café\n')]);
  });

  it('passes a lone surrogate in a variable or an argument as U+FFFD, as a direct spawn does, and keeps going', async () => {
    starter = new ProcessStarter(programs);
    const run = async (launch: (spec: LaunchSpec, events: LaunchEvents) => void): Promise<Buffer> => {
      const { events, recorded } = record();
      const chunks: Buffer[] = [];
      launch(
        { ...sh('printf "%s|%s" "$ODD" "$1"', { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ODD: 'a\uD800b' } }), args: ['-c', 'printf "%s|%s" "$ODD" "$1"', 'sh', 'c\uDC00d'] },
        { ...events, output: (_s, chunk) => chunks.push(chunk) },
      );
      await recorded.done;
      expect(recorded.events).toEqual(['started', 'exited 0 null', 'closed']);
      return Buffer.concat(chunks);
    };
    const fromStarter = await run((spec, events) => starter!.launch(spec, events));
    expect(fromStarter).toEqual(Buffer.from('a\uFFFDb|c\uFFFDd'));
    expect(fromStarter).toEqual(await run(launchDirect));
  });

  it('kills the groups of the steps still running when its main process goes (its channel closes)', async () => {
    starter = new ProcessStarter(programs);
    const pids = join(workdir, 'pids');
    const { events, recorded } = record();
    starter.launch(sh(`sleep 30 & echo $! > "${pids}"; echo $$ >> "${pids}"; wait`), events);
    await waitFor('the step and its child to write their pids', () => existsSync(pids) && readFileSync(pids, 'utf8').trim().split('\n').length === 2);
    await starter.stop();
    await recorded.done;
    const [child, shell] = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    await waitFor('the step and its child to be gone', () => isGone(shell) && isGone(child), { timeoutMs: 3000 });
  });

  it('goes when stopped, and a later launch starts a new one', async () => {
    starter = new ProcessStarter(programs);
    starter.warmUp();
    const first = starter.pid!;
    await starter.stop();
    expect(isGone(first)).toBe(true);
    expect(starter.pid).toBeUndefined();
    const { events, recorded } = record();
    starter.launch(sh('echo back'), events);
    await recorded.done;
    expect(recorded.output).toEqual(['1:back\n']);
    expect(starter.pid).not.toBe(first);
  });
});

describe('ProcessStarter fallbacks', () => {
  it('tries the next program when one cannot start or dies before it is ready', async () => {
    starter = new ProcessStarter([
      { name: 'missing', command: '/nonexistent/python3', args: [] },
      { name: 'missing', command: 'weft-no-such-python', args: [] },
      BROKEN,
      NODE_STARTER,
    ]);
    const { events, recorded } = record();
    starter.launch(sh('echo $PPID'), events);
    await recorded.done;
    expect(recorded.events).toEqual(['started', 'exited 0 null', 'closed']);
    expect(starter.kind).toBe('node');
    expect(recorded.output).toEqual([`1:${starter.pid}\n`]);
  });

  it('starts processes directly when no starter can run, and never tries one again', async () => {
    starter = new ProcessStarter([BROKEN]);
    const first = record();
    starter.launch(sh('echo $PPID'), first.events);
    await first.recorded.done;
    expect(first.recorded.events).toEqual(['started', 'exited 0 null', 'closed']);
    expect(first.recorded.output).toEqual([`1:${process.pid}\n`]);

    const second = record();
    starter.launch(sh('echo $PPID'), second.events);
    await second.recorded.done;
    expect(second.recorded.output).toEqual([`1:${process.pid}\n`]);
    expect(starter.pid).toBeUndefined();
  });

  it('follows WEFT_PROCESS_STARTER: auto (Python, then Node), python, node, off', () => {
    const commands = (env: NodeJS.ProcessEnv) => wantedStarters(env).map((p) => p.command);
    expect(commands({})).toEqual(['/usr/bin/python3', '/usr/local/bin/python3', 'python3', process.execPath]);
    expect(commands({ WEFT_PROCESS_STARTER: 'auto' })).toEqual(commands({}));
    expect(commands({ WEFT_PROCESS_STARTER: 'python' })).toEqual(['/usr/bin/python3', '/usr/local/bin/python3', 'python3']);
    expect(wantedStarters({ WEFT_PROCESS_STARTER: 'node' }).map((p) => p.name)).toEqual(['node']);
    expect(wantedStarters({ WEFT_PROCESS_STARTER: 'off' })).toEqual([]);
  });
});
