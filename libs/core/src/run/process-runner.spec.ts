import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DEFAULT_STEP_LIMITS,
  type StepLimits,
  type StepOutcome,
  type StepRunContext,
} from '../step-type/step-type';
import { MAX_INPUT_ENV_BYTES } from './process-env';
import { killStepProcessesNow, runStepProcess, type ProcessCommand } from './process-runner';
import { NODE_STARTER, ProcessStarter, PYTHON_STARTERS, setProcessStarter } from './process-starter';
import { isGone } from '../testing/processes';
import { waitFor } from '../testing/wait-for';

interface ContextOptions {
  inputs?: Record<string, unknown>;
  env?: Record<string, string>;
  item?: { value: unknown; index: number };
  limits?: Partial<StepLimits>;
  signal?: AbortSignal;
  workdir?: string;
  log?: (chunk: string) => void;
}

let workdir: string;

beforeEach(() => {
  workdir = mkdtempSync(join(tmpdir(), 'weft-runner-spec-'));
});
afterEach(() => {
  rmSync(workdir, { recursive: true, force: true });
});

function makeContext(options: ContextOptions = {}): StepRunContext<unknown> {
  return {
    runId: 'run-1',
    stepId: 'step_a',
    attempt: 1,
    item: options.item,
    config: {},
    inputs: options.inputs ?? {},
    env: options.env ?? {},
    workdir: options.workdir ?? workdir,
    signal: options.signal ?? new AbortController().signal,
    limits: { ...DEFAULT_STEP_LIMITS, killGraceMs: 200, ...options.limits },
    log: options.log ?? (() => undefined),
  };
}

const sh = (script: string, ...args: string[]): ProcessCommand => ({
  command: 'sh',
  args: ['-c', script, 'sh', ...args],
});
const node = (code: string): ProcessCommand => ({ command: process.execPath, args: ['-e', code] });

function run(command: ProcessCommand, options?: ContextOptions): Promise<StepOutcome> {
  return runStepProcess(command, makeContext(options));
}

function readPid(file: string): number {
  return Number(readFileSync(file, 'utf8').trim());
}

// Every promise of the contract holds whichever way the process starts.
describe.each([
  ['from the Python process starter', () => new ProcessStarter(PYTHON_STARTERS)],
  ['from the Node process starter', () => new ProcessStarter([NODE_STARTER])],
  ['by a direct spawn', () => null],
])('runStepProcess, started %s', (_how, makeStarter) => {
  let starter: ProcessStarter | null;
  beforeAll(() => {
    starter = makeStarter();
    setProcessStarter(starter);
  });
  afterAll(async () => {
    setProcessStarter(undefined);
    await starter?.stop();
  });

  describe('exit status', () => {
    it('succeeds with empty outputs and the log when the process exits 0', async () => {
      const outcome = await run(sh('echo hello; echo oops >&2'));
      expect(outcome).toMatchObject({ ok: true, exitCode: 0, signal: null, reason: null, outputs: {} });
      expect(outcome.log).toBe('hello\noops\n');
    });

    it('fails with exit_code and the code when the process exits non-zero', async () => {
      const outcome = await run(sh('echo before failing; exit 3'));
      expect(outcome).toMatchObject({
        ok: false,
        reason: 'exit_code',
        exitCode: 3,
        message: 'exited with code 3',
      });
      expect(outcome.outputs).toBeUndefined();
      expect(outcome.log).toContain('before failing');
    });

    it.each(['SIGKILL', 'SIGSEGV'])(
      'fails with reason signal when the process is killed by %s',
      async (signal) => {
        const outcome = await run(sh(`kill -${signal.slice(3)} $$`));
        expect(outcome).toMatchObject({ ok: false, reason: 'signal', signal, exitCode: null });
        expect(outcome.message).toBe(`killed by signal ${signal}`);
      },
    );

    it('does not read the outputs when the process exits non-zero', async () => {
      const outcome = await run(sh('echo \'{"a":1}\' > "$WEFT_OUTPUTS"; exit 1'));
      expect(outcome).toMatchObject({ ok: false, reason: 'exit_code' });
      expect(outcome.outputs).toBeUndefined();
    });
  });

  describe('spawn errors', () => {
    it('says the program is not on PATH', async () => {
      const outcome = await run({ command: 'weft-no-such-interpreter', args: [] });
      expect(outcome).toMatchObject({
        ok: false,
        reason: 'spawn_error',
        message: 'cannot start weft-no-such-interpreter: not found on PATH',
        log: '',
      });
    });

    it('says a program path does not exist', async () => {
      const outcome = await run({ command: '/nonexistent/python3', args: [] });
      expect(outcome).toMatchObject({
        reason: 'spawn_error',
        message: 'cannot start /nonexistent/python3: no such file',
      });
    });

    it('says a program is not executable', async () => {
      const file = join(workdir, 'not-executable');
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o644);
      const outcome = await run({ command: file, args: [] });
      expect(outcome).toMatchObject({
        reason: 'spawn_error',
        message: `cannot start ${file}: permission denied`,
      });
    });

    it('fails when the working directory does not exist', async () => {
      const outcome = await run(sh('true'), { workdir: join(workdir, 'missing') });
      expect(outcome).toMatchObject({ reason: 'spawn_error' });
      expect(outcome.message).toContain('does not exist');
    });

    it('fails when the working directory is a file', async () => {
      const file = join(workdir, 'file');
      writeFileSync(file, '');
      const outcome = await run(sh('true'), { workdir: file });
      expect(outcome.message).toContain('is not a directory');
    });

    it('fails without throwing when an argument cannot be passed to a process', async () => {
      const outcome = await run(sh('true', 'nul\0byte'));
      expect(outcome).toMatchObject({ ok: false, reason: 'spawn_error' });
      expect(outcome.message).toMatch(/^cannot start sh: /);
    });

    it('says when the arguments are too large to start a process', async () => {
      const outcome = await run(sh('true', 'x'.repeat(256 * 1024)));
      expect(outcome).toMatchObject({ ok: false, reason: 'spawn_error' });
      expect(outcome.message).toContain('arguments or environment too large');
    });

    it('fails with reason error when the inputs cannot be serialised', async () => {
      const outcome = await run(sh('true'), { inputs: { big: 1n } });
      expect(outcome).toMatchObject({ ok: false, reason: 'error' });
      expect(outcome.message).toMatch(/^cannot run step process: /);
    });
  });

  describe('cancellation', () => {
    it('does not start the process when the signal is already aborted', async () => {
      const marker = join(workdir, 'started');
      const controller = new AbortController();
      controller.abort();
      const outcome = await run(sh('touch "$1"', marker), { signal: controller.signal });
      expect(outcome).toMatchObject({ ok: false, reason: 'cancelled', log: '' });
      expect(existsSync(marker)).toBe(false);
    });

    it('terminates the whole process group on abort and reports cancelled', async () => {
      const pidFile = join(workdir, 'pid');
      const childPidFile = join(workdir, 'child-pid');
      const controller = new AbortController();
      const pending = run(sh('sleep 30 & echo $! > "$2"; echo $$ > "$1"; wait', pidFile, childPidFile), {
        signal: controller.signal,
      });
      await waitFor('the pid file', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
      controller.abort();
      const outcome = await pending;
      expect(outcome).toMatchObject({ ok: false, reason: 'cancelled', signal: 'SIGTERM' });
      await waitFor('the shell and its child to be gone', () => isGone(readPid(pidFile)) && isGone(readPid(childPidFile)));
    });

    it('kills a process that ignores SIGTERM after the grace period', async () => {
      const pidFile = join(workdir, 'pid');
      const controller = new AbortController();
      const started = Date.now();
      const pending = run(sh('trap "" TERM; echo $$ > "$1"; sleep 30', pidFile), {
        signal: controller.signal,
        limits: { killGraceMs: 200 },
      });
      await waitFor('the pid file', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
      controller.abort();
      const outcome = await pending;
      expect(outcome).toMatchObject({ ok: false, reason: 'cancelled', signal: 'SIGKILL' });
      expect(Date.now() - started).toBeLessThan(10_000);
      await waitFor('the shell that ignored SIGTERM to be gone', () => isGone(readPid(pidFile)));
    });

    it('killStepProcessesNow kills every running group at once, grace period or not, and only those', async () => {
      const first = join(workdir, 'first');
      const second = join(workdir, 'second');
      const controller = new AbortController();
      const ignoring = sh('trap "" TERM; sleep 30 & echo $! > "$1"; echo ready; wait', first);
      // A step's output comes after the starter said its pid: once both said ready, both are known.
      let ready = 0;
      const log = (chunk: string) => (ready += chunk.split('ready').length - 1);
      // The first is being cancelled, with a grace period far longer than this test.
      const cancelled = run(ignoring, { signal: controller.signal, limits: { killGraceMs: 60_000 }, log });
      const plain = run(sh('sleep 30 & echo $! > "$1"; echo ready; wait', second), { log });
      await waitFor('both steps to be ready', () => ready === 2 && [first, second].every((f) => existsSync(f) && readFileSync(f, 'utf8').endsWith('\n')));
      controller.abort();

      expect(killStepProcessesNow()).toBe(2);
      const [a, b] = await Promise.all([cancelled, plain]);
      expect(a).toMatchObject({ ok: false, reason: 'cancelled', signal: 'SIGKILL' });
      expect(b).toMatchObject({ ok: false, reason: 'signal', signal: 'SIGKILL' });
      await waitFor('the children in both groups to be gone', () => isGone(readPid(first)) && isGone(readPid(second)));
      expect(killStepProcessesNow()).toBe(0);
    });
  });

  describe('process group', () => {
    it('kills children that outlive the main process, without waiting for them', async () => {
      const grandchildPidFile = join(workdir, 'grandchild');
      const started = Date.now();
      const outcome = await run(sh('sleep 30 & echo $! > "$1"; echo parent done', grandchildPidFile));
      expect(outcome).toMatchObject({ ok: true, exitCode: 0 });
      expect(Date.now() - started).toBeLessThan(10_000);
      await waitFor('the grandchild to be gone', () => isGone(readPid(grandchildPidFile)));
    });

    it('does not hang when a process outside the group holds the output pipes', async () => {
      const escapedPidFile = join(workdir, 'escaped');
      const started = Date.now();
      const outcome = await run(sh('setsid sleep 30 & echo $! > "$1"; echo parent done', escapedPidFile));
      try {
        expect(outcome).toMatchObject({ ok: true, exitCode: 0 });
        expect(outcome.log).toContain('parent done');
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        process.kill(readPid(escapedPidFile), 'SIGKILL');
      }
    });
  });

  describe('environment', () => {
    const dumpEnv = node(
      `require('fs').writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ env: process.env, cwd: process.cwd() }))`,
    );

    it('passes only PATH, HOME, LANG, the step env and the WEFT_ and INPUT_ variables', async () => {
      process.env.WEFT_SPEC_SECRET = 'do-not-leak';
      try {
        const outcome = await run(dumpEnv, { env: { REGION: 'eu' }, inputs: { name: 'ada' } });
        expect(outcome.ok).toBe(true);
        const env = outcome.outputs!.env as Record<string, string>;
        expect(env.WEFT_SPEC_SECRET).toBeUndefined();
        const expected = ['PATH', 'HOME', 'LANG'].filter((name) => process.env[name] !== undefined);
        expect(Object.keys(env).sort()).toEqual(
          [
            ...expected,
            'REGION',
            'INPUT_NAME',
            'WEFT_INPUTS',
            'WEFT_OUTPUTS',
            'WEFT_RUN_ID',
            'WEFT_STEP_ID',
          ].sort(),
        );
        expect(env).toMatchObject({
          PATH: process.env.PATH,
          REGION: 'eu',
          WEFT_RUN_ID: 'run-1',
          WEFT_STEP_ID: 'step_a',
        });
        expect(outcome.outputs!.cwd).toBe(workdir);
      } finally {
        delete process.env.WEFT_SPEC_SECRET;
      }
    });

    it('does not let the step env override the WEFT_ variables', async () => {
      const outcome = await run(dumpEnv, { env: { WEFT_RUN_ID: 'spoofed' } });
      expect((outcome.outputs!.env as Record<string, string>).WEFT_RUN_ID).toBe('run-1');
    });

    it('sets WEFT_ITEM and WEFT_INDEX for a foreach item', async () => {
      const outcome = await run(dumpEnv, { item: { value: { id: 7 }, index: 2 } });
      expect(outcome.outputs!.env).toMatchObject({ WEFT_ITEM: '{"id":7}', WEFT_INDEX: '2' });
    });

    it('removes the attempt files afterwards and reuses the inputs file for the next attempt', async () => {
      const script = node(`
        const fs = require('fs');
        fs.writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ inputs: process.env.WEFT_INPUTS, outputs: process.env.WEFT_OUTPUTS }));
      `);
      const first = (await run(script)).outputs as Record<string, string>;
      expect(first.inputs.startsWith(tmpdir())).toBe(true);
      expect(dirname(first.inputs)).toBe(dirname(first.outputs));
      // The outputs are removed in the background, right after the outcome.
      await waitFor('the outputs file to be removed', () => !existsSync(first.outputs));
      const second = (await run(script, { inputs: { n: 2 } })).outputs as Record<string, string>;
      expect(second.inputs).toBe(first.inputs);
      expect(second.outputs).not.toBe(first.outputs);
    });

    it('gives concurrent attempts files of their own', async () => {
      const outcomes = await Promise.all(
        [1, 2, 3].map((n) =>
          run(node(`const fs = require('fs'); fs.writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ got: JSON.parse(fs.readFileSync(process.env.WEFT_INPUTS, 'utf8')).n, path: process.env.WEFT_INPUTS }))`), {
            inputs: { n },
          }),
        ),
      );
      expect(outcomes.map((o) => o.outputs!.got)).toEqual([1, 2, 3]);
      expect(new Set(outcomes.map((o) => o.outputs!.path)).size).toBe(3);
    });
  });

  describe('inputs', () => {
    const inputs = {
      name: 'ada',
      count: 3,
      flag: false,
      'my-key': 'v',
      nested: { a: [1, 2] },
      nothing: null,
    };

    it('gives the inputs through WEFT_INPUTS, stdin and INPUT_<NAME> for scalars', async () => {
      const outcome = await run(
        node(`
          const fs = require('fs');
          const stdin = fs.readFileSync(0, 'utf8');
          const file = fs.readFileSync(process.env.WEFT_INPUTS, 'utf8');
          const vars = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('INPUT_')));
          fs.writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ stdin: JSON.parse(stdin), file: JSON.parse(file), vars }));
        `),
        { inputs },
      );
      expect(outcome.ok).toBe(true);
      expect(outcome.outputs).toEqual({
        stdin: inputs,
        file: inputs,
        vars: { INPUT_NAME: 'ada', INPUT_COUNT: '3', INPUT_FLAG: 'false', INPUT_MY_KEY: 'v' },
      });
    });

    it('gives a shorter input in full after a longer one, on stdin and in WEFT_INPUTS', async () => {
      const echo = node(`
        const fs = require('fs');
        fs.writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ stdin: fs.readFileSync(0, 'utf8'), file: fs.readFileSync(process.env.WEFT_INPUTS, 'utf8') }));
      `);
      await run(echo, { inputs: { long: 'x'.repeat(5000) } });
      const outcome = await run(echo, { inputs: { a: 1 } });
      expect(outcome.outputs).toEqual({ stdin: '{"a":1}', file: '{"a":1}' });
    });

    it('gives large inputs (written asynchronously) on stdin and in WEFT_INPUTS', async () => {
      const blob = 'y'.repeat(300 * 1024);
      const outcome = await run(
        node(`
          const fs = require('fs');
          const stdin = JSON.parse(fs.readFileSync(0, 'utf8'));
          const file = JSON.parse(fs.readFileSync(process.env.WEFT_INPUTS, 'utf8'));
          fs.writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ same: stdin.blob === file.blob, length: file.blob.length }));
        `),
        { inputs: { blob } },
      );
      expect(outcome.outputs).toEqual({ same: true, length: blob.length });
    });

    it('does not fail when the step does not read a large stdin', async () => {
      const outcome = await run(sh('exit 0'), { inputs: { blob: 'x'.repeat(2 * 1024 * 1024) } });
      expect(outcome).toMatchObject({ ok: true, exitCode: 0 });
    });

    it('leaves a scalar too long for the environment out of INPUT_<NAME>', async () => {
      const outcome = await run(sh('test -z "$INPUT_BIG" && test -n "$INPUT_SMALL"'), {
        inputs: { big: 'x'.repeat(MAX_INPUT_ENV_BYTES + 1), small: 'y' },
      });
      expect(outcome).toMatchObject({ ok: true });
    });

    it('never hands a value to a shell', async () => {
      const pwned = join(tmpdir(), `pwned-${process.pid}-${Date.now()}`);
      const evil = `$(touch ${pwned}); rm -rf x \`touch ${pwned}\``;
      const outcome = await run(sh('printf "%s|%s\\n" "$1" "$INPUT_EVIL"', evil), { inputs: { evil } });
      expect(outcome.ok).toBe(true);
      expect(outcome.log).toBe(`${evil}|${evil}\n`);
      expect(existsSync(pwned)).toBe(false);
    });
  });

  describe('log', () => {
    it('keeps the last maxLogBytes of a huge log with a marker, and streams every chunk', async () => {
      const total = 20 * 1024 * 1024;
      let streamed = 0;
      const outcome = await run(sh(`head -c ${total} /dev/zero | tr '\\0' a; echo THE-END`), {
        limits: { maxLogBytes: 64 * 1024 },
        log: (chunk) => (streamed += chunk.length),
      });
      expect(outcome.ok).toBe(true);
      const dropped = total + 'THE-END\n'.length - 64 * 1024;
      expect(outcome.log!.startsWith(`[weft: ${dropped} earlier bytes dropped]\n`)).toBe(true);
      expect(outcome.log!.endsWith('aaaTHE-END\n')).toBe(true);
      expect(outcome.log!.length).toBeLessThanOrEqual(64 * 1024 + 100);
      expect(streamed).toBe(total + 'THE-END\n'.length);
    });

    it('keeps stdout and stderr in the order they were written', async () => {
      const outcome = await run(sh('echo 1; sleep 0.1; echo 2 >&2; sleep 0.1; echo 3'));
      expect(outcome.log).toBe('1\n2\n3\n');
    });

    it('streams multi-byte characters whole', async () => {
      const chunks: string[] = [];
      const outcome = await run(node(`process.stdout.write(Buffer.from('é')); `), {
        log: (c) => chunks.push(c),
      });
      expect(outcome.ok).toBe(true);
      expect(chunks.join('')).toBe('é');
    });

    it('flushes a character split at the end of the stream', async () => {
      const chunks: string[] = [];
      await run(node(`process.stdout.write(Buffer.from([0x61, 0xc3]))`), { log: (c) => chunks.push(c) });
      expect(chunks.join('')).toBe('a\ufffd');
    });
  });

  describe('outputs', () => {
    const writeOutputs = (text: string): ProcessCommand => sh('printf "%s" "$1" > "$WEFT_OUTPUTS"', text);

    it('reads one JSON object', async () => {
      const outcome = await run(writeOutputs('{"rows": 3, "names": ["a"]}'));
      expect(outcome).toMatchObject({ ok: true, outputs: { rows: 3, names: ['a'] } });
    });

    it('treats blank outputs as {}', async () => {
      expect((await run(writeOutputs(' \n\t'))).outputs).toEqual({});
    });

    it('treats a missing or deleted outputs file as {}', async () => {
      expect(await run(sh('test ! -e "$WEFT_OUTPUTS"'))).toMatchObject({ ok: true, outputs: {} });
      expect(await run(sh('echo x > "$WEFT_OUTPUTS"; rm "$WEFT_OUTPUTS"'))).toMatchObject({ ok: true, outputs: {} });
    });

    it.each([
      ['{"a":', /not valid JSON/],
      ['[1, 2]', /must hold one JSON object, found an array/],
      ['null', /found null/],
      ['42', /found a number 42/],
      ['"text"', /found a string "text"/],
    ])('fails with invalid_outputs for %s', async (text, message) => {
      const outcome = await run(writeOutputs(text));
      expect(outcome).toMatchObject({ ok: false, reason: 'invalid_outputs', exitCode: 0 });
      expect(outcome.message).toMatch(message);
    });

    it('fails with invalid_outputs when the outputs path is not a file', async () => {
      const outcome = await run(sh('rm "$WEFT_OUTPUTS"; mkdir "$WEFT_OUTPUTS"'));
      expect(outcome).toMatchObject({
        ok: false,
        reason: 'invalid_outputs',
        message: 'WEFT_OUTPUTS is not a regular file',
      });
    });

    it('fails with outputs_too_large over maxOutputBytes', async () => {
      const outcome = await run(writeOutputs(JSON.stringify({ text: 'x'.repeat(100) })), {
        limits: { maxOutputBytes: 50 },
      });
      expect(outcome).toMatchObject({ ok: false, reason: 'outputs_too_large' });
      expect(outcome.message).toContain('over the limit of 50 bytes');
    });
  });
});
