/**
 * Bad input at the command line: files that cannot be read or are not workflows at all. Every case
 * exits 2 with one clear `weft: …` message on stderr, nothing on stdout, and never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/cli/bin/weft.js');
const COMMANDS = ['validate', 'plan', 'run'] as const;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-cli-bad-'));
  chmodSync(dir, 0o755);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function weft(args: string[], asUser?: number) {
  const command = asUser === undefined ? process.execPath : 'setpriv';
  const argv = asUser === undefined ? [BIN, ...args] : [`--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', process.execPath, BIN, ...args];
  const result = spawnSync(command, argv, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The common contract: exit 2, a `weft:` message matching `message`, no stack trace, no report. */
function expectRejected(result: ReturnType<typeof weft>, message: RegExp): void {
  expect(result.stderr).toMatch(/^weft: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
}

function file(name: string, content: string | Buffer): string {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

describe('weft on bad input', () => {
  it.each(COMMANDS)('%s: says when the file does not exist', (command) => {
    expectRejected(weft([command, 'no-such-workflow.yaml']), /cannot read no-such-workflow\.yaml: no such file/);
  });

  it.each(COMMANDS)('%s: says when it was given a folder', (command) => {
    mkdirSync(join(dir, 'folder.yaml'), { recursive: true });
    expectRejected(weft([command, 'folder.yaml']), /cannot read folder\.yaml: it is a folder, not a file/);
  });

  it('says when a part of the path is a file', () => {
    file('plain.yaml', 'steps: []\n');
    expectRejected(weft(['validate', 'plain.yaml/workflow.yaml']), /cannot read plain\.yaml\/workflow\.yaml: a part of the path is a file, not a folder/);
  });

  it('says when the file cannot be read (permission denied)', () => {
    const path = file('secret.yaml', 'steps: [{ id: a, type: shell, run: echo }]\n');
    chmodSync(path, 0o000);
    // root reads anything: drop to an unprivileged user when the test runs as root.
    const asUser = process.getuid?.() === 0 ? 65534 : undefined;
    expectRejected(weft(['validate', 'secret.yaml'], asUser), /cannot read secret\.yaml: permission denied/);
  });

  it.each(COMMANDS)('%s: says when the file is empty', (command) => {
    file('empty.yaml', '');
    expectRejected(weft([command, 'empty.yaml']), /empty\.yaml is invalid \(1 error\):\n.*got an empty document/);
  });

  it('says when the file is binary garbage, without echoing control characters', () => {
    const garbage = Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b]), randomBytes(64 * 1024)]);
    for (const name of ['garbage.yaml', 'garbage.json', 'garbage']) {
      file(name, garbage);
      const result = weft(['validate', name]);
      expectRejected(result, /not a text file: it holds binary data/);
      // Raw escape sequences from the file must not reach the terminal.
      expect(result.stderr).not.toContain('\u001b');
      expect(result.stderr.length).toBeLessThan(4096);
    }
    // Without a NUL byte it is not UTF-8 text (the first stray byte is placed), kept short.
    file('noise.yaml', Buffer.from(randomBytes(64 * 1024).map((byte) => byte || 0x20)));
    const result = weft(['validate', 'noise.yaml']);
    expectRejected(result, /noise\.yaml is invalid \(1 error\):\n {2}noise\.yaml:\d+:\d+ not UTF-8 text: the byte 0x[0-9A-F]{2} here is not valid UTF-8; save the file as UTF-8/);
    expect(result.stderr).not.toContain('\u001b');
    for (const line of result.stderr.split('\n')) expect(line.length).toBeLessThan(400);
  });

  it('refuses a file that is not UTF-8 at the first bad byte, instead of running U+FFFD in its place', () => {
    file('latin1.yaml', Buffer.concat([Buffer.from('steps:\n  - id: a\n    type: shell\n    run: echo caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    for (const command of ['validate', 'run']) {
      expectRejected(weft([command, 'latin1.yaml']), /latin1\.yaml:4:18 not UTF-8 text: the byte 0xE9 here is not valid UTF-8; save the file as UTF-8/);
    }
  });

  it('rejects a huge file that is not a workflow promptly and with a short message', () => {
    file('huge.yaml', `x: ${'a'.repeat(20 * 1024 * 1024)}\n`);
    const result = weft(['validate', 'huge.yaml']);
    expectRejected(result, /missing required field 'steps'/);
    expect(result.stderr.length).toBeLessThan(4096);
  }, 60_000);

  it('rejects a document nested thousands deep (which used to be able to abort the process)', () => {
    file('deep.yaml', '['.repeat(5000) + ']'.repeat(5000));
    file('deep.json', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000));
    expectRejected(weft(['validate', 'deep.yaml']), /deep\.yaml:1:65 invalid YAML: lists and mappings nest deeper than 64 levels/);
    expectRejected(weft(['plan', 'deep.json']), /deep\.json:1:321 invalid JSON: lists and mappings nest deeper than 64 levels/);
  });

  it('reports a document with several problems in one message, each with line and column', () => {
    file('many.yaml', 'maxParallel: 20\nsteps:\n  - { id: a, type: nope }\n  - { id: a, type: shell, run: echo }\n');
    const result = weft(['run', 'many.yaml']);
    expectRejected(result, /many\.yaml is invalid \(3 errors\)/);
    expect(result.stderr).toContain('many.yaml:1:14 maxParallel: must be an integer from 1 to 8, got 20');
    expect(result.stderr).toMatch(/many\.yaml:3:\d+ steps\[0\]\.type: unknown step type 'nope'/);
    expect(result.stderr).toMatch(/many\.yaml:4:\d+ steps\[1\]\.id: duplicate step id 'a'/);
  });
});

describe('weft --plugin on bad input', () => {
  const workflow = () => file('plugin-workflow.yaml', 'steps:\n  - { id: a, type: shell, run: echo }\n');
  const handler = (name: string) =>
    `{ name: '${name}', description: 'd', configSchema: { safeParse: (v) => ({ success: true, data: v }) }, run: async () => ({ ok: true }) }`;

  it.each(COMMANDS)('%s: says when a plugin package is not installed, and how to install it, in one line', (command) => {
    const result = weft([command, workflow(), '--plugin', 'weft-plugin-nowhere']);
    expectRejected(result, /^weft: --plugin: cannot find plugin 'weft-plugin-nowhere' from .+: install it \(npm install weft-plugin-nowhere\) or give a path$/m);
    // Not buried under the usage text.
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each(COMMANDS)('%s: says when a plugin path leads nowhere', (command) => {
    expectRejected(
      weft([command, workflow(), '--plugin=./missing-plugin.mjs']),
      /^weft: --plugin: cannot find plugin '\.\/missing-plugin\.mjs' from .+: no module at .+missing-plugin\.mjs; give the path of a \.js, \.mjs or \.cjs file/m,
    );
  });

  it('says what is wrong with a plugin that loads but is not one, naming it', () => {
    file('throws-plugin.mjs', "throw new Error('WEFT_S3_BUCKET is not set');\n");
    file('no-types-plugin.cjs', 'module.exports = { handlers: [] };\n');
    file('bad-entry-plugin.mjs', `export const stepTypes = [{ name: 'half', run() {} }];\n`);
    expectRejected(weft(['validate', workflow(), '--plugin', './throws-plugin.mjs']), /^weft: --plugin: cannot load plugin '\.\/throws-plugin\.mjs' \(.+\): WEFT_S3_BUCKET is not set$/m);
    expectRejected(
      weft(['plan', workflow(), '--plugin', './no-types-plugin.cjs']),
      /^weft: --plugin: plugin '\.\/no-types-plugin\.cjs' exports no stepTypes: a plugin exports stepTypes, an array of step-type handlers; see docs\/plugins\.md$/m,
    );
    expectRejected(
      weft(['run', workflow(), '--plugin', './bad-entry-plugin.mjs']),
      /^weft: --plugin: plugin '\.\/bad-entry-plugin\.mjs': stepTypes\[0\] is not a step-type handler: it \('half'\) needs description \(a string\), configSchema \(a zod schema, with safeParse\)/m,
    );
  });

  it('refuses a plugin step type named like a built-in, or given by two plugins', () => {
    file('shell-plugin.cjs', `exports.stepTypes = [${handler('shell')}];\n`);
    file('upper-a.mjs', `export const stepTypes = [${handler('upper')}];\n`);
    file('upper-b.cjs', `exports.stepTypes = [${handler('upper')}];\n`);
    expectRejected(
      weft(['validate', workflow(), '--plugin', './shell-plugin.cjs']),
      /^weft: --plugin: plugin '\.\/shell-plugin\.cjs' gives step type 'shell', which is already registered \(built in or by the host\): a plugin cannot replace a step type; rename it in the plugin$/m,
    );
    expectRejected(
      weft(['run', workflow(), '--plugin', './upper-a.mjs', '--plugin', './upper-b.cjs']),
      /^weft: --plugin: plugins '\.\/upper-a\.mjs' and '\.\/upper-b\.cjs' both give step type 'upper': load only one of them$/m,
    );
  });

  it('documents --plugin in the help of validate, plan and run', () => {
    const { code, stdout } = weft(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('weft validate FILE [--plugin SPEC]...');
    expect(stdout).toContain('weft plan FILE [--json] [--plugin SPEC]...');
    expect(stdout).toMatch(/weft run FILE \[options\][\s\S]*--plugin SPEC {12}load step types from a plugin \(repeatable\)[\s\S]*weft worker/);
    expect(stdout).toMatch(/Plugins: SPEC is an installed package name \(found from the working directory\) or a path to a\nmodule/);
  });

  it('needs a value for --plugin', () => {
    expectRejected(weft(['validate', workflow(), '--plugin']), /^weft: option '--plugin' needs a value$/m);
  });
});

describe('weft worker on bad input', () => {
  it('needs the queue, and says how to give it', () => {
    expectUsage(weft(['worker']), /'weft worker' needs the queue: --queue redis:\/\/host:port\[\/db\] \(or WEFT_QUEUE_URL\)/);
  });

  it.each([
    [['--queue', 'http://127.0.0.1:6379'], /the queue URL 'http:\/\/…' must start with redis:\/\//],
    [['--queue', 'redis://127.0.0.1:6379/x'], /the queue URL's database 'x' must be a number/],
    [['--queue', 'redis://127.0.0.1:1', '--concurrency', '0'], /--concurrency must be an integer from 1 to 256, got '0'/],
    [['--queue', 'redis://127.0.0.1:1', '--label', 'gpu:1'], /--label 'gpu:1' is not a worker label/],
    [['--queue', 'redis://127.0.0.1:1', '--plugin', './no-such-plugin.js'], /--plugin: cannot find plugin '\.\/no-such-plugin\.js' from .+: no module at/],
    [['--queue', 'redis://127.0.0.1:1', 'extra.yaml'], /'weft worker' takes no file, got extra\.yaml/],
  ])('refuses %j, saying what and how', (args, message) => {
    const result = weft(['worker', ...args]);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(result.code).toBe(2);
  });

  it('refuses a plugin module that exports no step types', () => {
    file('empty-plugin.cjs', 'module.exports = { nothing: true };\n');
    const result = weft(['worker', '--queue', 'redis://127.0.0.1:1', '--plugin', './empty-plugin.cjs']);
    expectRejected(result, /--plugin: plugin '\.\/empty-plugin\.cjs' exports no stepTypes: a plugin exports stepTypes, an array of step-type handlers/);
  });
});

/** A usage mistake: exit 2, the message, then the usage text. */
function expectUsage(result: ReturnType<typeof weft>, message: RegExp): void {
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toContain('Usage: weft <command>');
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
}
