import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStepProcess, type StepOutcome } from '@weft/core';
import { ShellStepType, type ShellStepConfig } from './shell.step-type';
import { asShellOutcome, directCommand, findProgram, simpleCommand } from './simple-command';
import { stepContextFixture } from './testing/step-context';

describe('simpleCommand', () => {
  it('splits one command of plain words, as sh would', () => {
    expect(simpleCommand('sleep 0.01')).toEqual(['sleep', '0.01']);
    expect(simpleCommand('  make -C build/out all  \n\n')).toEqual(['make', '-C', 'build/out', 'all']);
    expect(simpleCommand('./tool --level=3 a,b key:value 50% x+y user@host')).toEqual(['./tool', '--level=3', 'a,b', 'key:value', '50%', 'x+y', 'user@host']);
    expect(simpleCommand('python3\tscript.py')).toEqual(['python3', 'script.py']);
  });

  it.each([
    ['a variable', 'echo $HOME'],
    ['braces', 'echo ${HOME}'],
    ['a command substitution', 'echo `date`'],
    ['quotes', "echo 'a b'"],
    ['double quotes', 'echo "a"'],
    ['a backslash', 'echo a\\ b'],
    ['a glob', 'ls *.txt'],
    ['a question mark', 'ls file?.txt'],
    ['brackets', 'ls [ab].txt'],
    ['a tilde', 'ls ~/x'],
    ['a redirection', 'sort data > out'],
    ['an input redirection', 'wc -l < data'],
    ['a pipe', 'ls | wc -l'],
    ['a list', 'make; make install'],
    ['an and-list', 'make && make install'],
    ['a background job', 'sleep 1 &'],
    ['a comment', 'make # build'],
    ['a subshell', '(make)'],
    ['several lines', 'make\nmake install'],
    ['a carriage return', 'make\r'],
    ['an assignment', 'CC=clang make'],
    ['a builtin', 'cd build'],
    ['an exit', 'exit 3'],
    ['echo (a builtin)', 'echo hi'],
    ['true (a builtin)', 'true'],
    ['a reserved word', 'if x'],
    ['a bang', '! make'],
    ['nothing', '   \n'],
  ])('leaves %s to the shell', (_, text) => {
    expect(simpleCommand(text)).toBeNull();
  });
});

describe('findProgram', () => {
  const fixture = stepContextFixture<ShellStepConfig>('find');

  it('finds native programs and #! scripts as the shell would, and leaves every doubt to it', () => {
    const dir = fixture.workdir();
    const bin = join(dir, 'bin');
    const later = join(dir, 'later');
    mkdirSync(bin);
    mkdirSync(later);
    copyFileSync('/bin/sleep', join(bin, 'native'));
    chmodSync(join(bin, 'native'), 0o755);
    writeFileSync(join(bin, 'script'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    writeFileSync(join(bin, 'bare'), 'echo no shebang\n', { mode: 0o755 });
    writeFileSync(join(bin, 'private'), '#!/bin/sh\n', { mode: 0o644 });
    writeFileSync(join(later, 'private'), '#!/bin/sh\n', { mode: 0o755 });
    mkdirSync(join(bin, 'folder'));
    const path = `${bin}:${later}`;
    expect(findProgram('native', path, dir)).toBe(join(bin, 'native'));
    expect(findProgram('script', path, dir)).toBe(join(bin, 'script'));
    // a file without #! is run by the shell as a script: not ours to exec
    expect(findProgram('bare', path, dir)).toBeNull();
    // not executable (as the shell's search, the next directory's) and a folder
    if (process.getuid?.() !== 0) expect(findProgram('private', path, dir)).toBe(join(later, 'private'));
    expect(findProgram('folder', path, dir)).toBeNull();
    expect(findProgram('weft-nowhere', path, dir)).toBeNull();
    // with a slash: relative to the working folder, no PATH search
    expect(findProgram('./bin/script', '/nowhere', dir)).toBe(join(bin, 'script'));
    expect(findProgram('bin/bare', '/nowhere', dir)).toBeNull();
    expect(findProgram('sleep', undefined, dir)).toMatch(/\/sleep$/);
  });

  it('builds the direct command only when nothing stands in the way', () => {
    const dir = fixture.workdir();
    const direct = directCommand('sleep 0.01', dir, {}, process.env.PATH);
    expect(direct).toMatchObject({ args: ['0.01'], argv0: 'sleep', env: { PWD: expect.stringContaining('weft-find-spec-') } });
    writeFileSync(join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    expect(directCommand('./tool x', dir, {}, process.env.PATH)).toMatchObject({ command: './tool', args: ['x'], argv0: './tool' });
    expect(direct!.command).toMatch(/^\/.*\/sleep$/);
    expect(directCommand('sleep 0.01', dir, { PWD: '/elsewhere' }, process.env.PATH)).toBeNull();
    expect(directCommand('sleep $X', dir, {}, process.env.PATH)).toBeNull();
    expect(directCommand('weft-nowhere', dir, {}, process.env.PATH)).toBeNull();
    expect(directCommand('sleep 0.01', join(dir, 'missing'), {}, process.env.PATH)).toBeNull();
  });
});

describe('asShellOutcome', () => {
  it('reports a death by signal as dash does: exit code 128 + the signal number', () => {
    const killed: StepOutcome = { ok: false, reason: 'signal', exitCode: null, signal: 'SIGTERM', message: 'killed by signal SIGTERM', log: 'x' };
    const logged: string[] = [];
    const log = (text: string) => logged.push(text);
    expect(asShellOutcome(killed, log)).toEqual({ ok: false, reason: 'exit_code', exitCode: 143, signal: null, message: 'exited with code 143', log: 'xTerminated\n' });
    expect(logged).toEqual(['Terminated\n']);
    // SIGINT and SIGPIPE: dash says nothing
    const interrupted: StepOutcome = { ...killed, signal: 'SIGINT', log: '' };
    expect(asShellOutcome(interrupted, log)).toMatchObject({ exitCode: 130, log: '' });
    expect(logged).toHaveLength(1);
    const cancelled: StepOutcome = { ok: false, reason: 'cancelled', exitCode: null, signal: 'SIGTERM', message: 'stopped by Weft', log: '' };
    expect(asShellOutcome(cancelled, log)).toBe(cancelled);
  });
});

/**
 * The direct exec against `sh -c` on the same text: everything a step can observe must be the same.
 */
describe('a simple shell step, exec\'d directly, behaves as under sh -c', () => {
  const step = new ShellStepType();
  const fixture = stepContextFixture<ShellStepConfig>('simple');

  const viaShell = (run: string, env: Record<string, string> = {}) => {
    const ctx = fixture.context({ run, shell: 'sh' });
    return runStepProcess({ command: 'sh', args: ['-c', run, 'simple'] }, { ...ctx, env });
  };
  const viaStep = (run: string, env: Record<string, string> = {}) => {
    const ctx = fixture.context({ run, shell: 'sh' });
    return step.run({ ...ctx, env });
  };
  /** The outcome without what differs per attempt (the attempt files' paths). */
  const comparable = (o: StepOutcome) => ({
    ...o,
    log: (o.log ?? '')
      .split('\n')
      .filter((line) => !line.startsWith('WEFT_INPUTS=') && !line.startsWith('WEFT_OUTPUTS='))
      // dash passes its variables on in its own order
      .sort()
      .join('\n'),
  });

  beforeEach(() => {
    const dir = fixture.workdir();
    writeFileSync(join(dir, 'pgid.sh'), '#!/bin/sh\nset -- $(cat /proc/$$/stat | sed "s/.*) //")\necho "pid $$ group $3"\n', { mode: 0o755 });
    writeFileSync(join(dir, 'argv.sh'), '#!/bin/sh\necho "$0|$#|$*"\n', { mode: 0o755 });
    writeFileSync(join(dir, 'die.sh'), '#!/bin/sh\necho dying\nkill -$1 $$\nsleep 5\n', { mode: 0o755 });
    writeFileSync(join(dir, 'outputs.sh'), '#!/bin/sh\necho \'{"n":1}\' > "$WEFT_OUTPUTS"\nexit 0\n', { mode: 0o755 });
  });

  it('is exec\'d without a shell: the program leads its own process group', async () => {
    const direct = await viaStep('./pgid.sh');
    const [, pid, group] = /pid (\d+) group (\d+)/.exec(direct.log ?? '')!;
    expect(group).toBe(pid);
    // under sh -c the shell leads the group and the script is its child
    const shell = await viaShell('./pgid.sh');
    const [, spid, sgroup] = /pid (\d+) group (\d+)/.exec(shell.log ?? '')!;
    expect(sgroup).not.toBe(spid);
  });

  it.each([
    ['the environment, PWD included', 'env'],
    ['a missing file (argv[0] in the message, exit 2)', 'ls weft-no-such-file'],
    ['arguments and argv[0] of a script', './argv.sh a b=c --d'],
    ['a death by signal (exit 143, "Terminated")', './die.sh TERM'],
    ['a death by SIGKILL (exit 137, "Killed")', './die.sh KILL'],
    ['a death by SIGPIPE (exit 141, nothing said)', './die.sh PIPE'],
    ['outputs', './outputs.sh'],
    ['a program on PATH with arguments', 'sleep 0.01'],
    ['an unknown program (left to the shell: 127)', 'weft-no-such-program --x'],
    ['a builtin (left to the shell)', 'exit 4'],
  ])('gives the same outcome for %s', async (_, run) => {
    const env = { GREETING: 'hi' };
    const [direct, shell] = [await viaStep(run, env), await viaShell(run, env)];
    expect(comparable(direct)).toEqual(comparable(shell));
  });
});
