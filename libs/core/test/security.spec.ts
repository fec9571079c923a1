/**
 * The core claims of docs/SECURITY.md, each checked with real processes or the real validator:
 * environment isolation, no value pasted into a shell or a command line, path containment, and a
 * condition language that never evaluates code.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinStepTypes } from '@weft/step-types';
import {
  ConditionSyntaxError,
  evaluateCondition,
  executeWorkflow,
  parseCondition,
  parseWorkflow,
  StepTypeRegistry,
  type RunReport,
  type Workflow,
} from '@weft/core';

jest.setTimeout(30_000);

const stepTypes = new StepTypeRegistry(builtinStepTypes());
let root: string;
let outside: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'weft-security-'));
  outside = mkdtempSync(join(tmpdir(), 'weft-outside-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function parse(doc: unknown) {
  return parseWorkflow(JSON.stringify(doc), { fileName: 'security.json', rootDir: root, stepTypes });
}

function load(doc: unknown): Workflow {
  const result = parse(doc);
  if (!result.ok) throw new Error(`fixture is invalid: ${JSON.stringify(result.issues, null, 2)}`);
  return result.workflow;
}

function run(doc: unknown): Promise<RunReport> {
  return executeWorkflow({ workflow: load(doc), stepTypes, limits: { killGraceMs: 200 } });
}

/** Hostile text: every way a shell or a command line could be tricked into running something. */
const HOSTILE = `x'; touch pwned-1; echo '$(touch pwned-2)\`touch pwned-3\`"; touch pwned-4 #\n touch pwned-5 && --help`;

describe('environment isolation', () => {
  const SECRET = 'WEFT_TEST_SECRET_TOKEN';
  beforeEach(() => (process.env[SECRET] = 'do-not-leak'));
  afterEach(() => delete process.env[SECRET]);

  it('gives a step only PATH, HOME, LANG, its env and the WEFT_/INPUT_ variables, never the parent environment', async () => {
    const report = await run({
      env: { REGION: 'eu' },
      steps: [
        {
          id: 'dump',
          type: 'node',
          code: 'require("fs").writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ env: process.env }))',
          env: { STEP_VAR: 'yes' },
          inputs: { name: 'n' },
        },
      ],
    });
    const env = (report.steps.dump.outputs as { env: Record<string, string> }).env;
    expect(env[SECRET]).toBeUndefined();
    expect(Object.values(env)).not.toContain('do-not-leak');
    const allowed = /^(PATH|HOME|LANG|REGION|STEP_VAR|INPUT_NAME|WEFT_(INPUTS|OUTPUTS|RUN_ID|STEP_ID))$/;
    // The runtime may add a few of its own (e.g. node sets nothing; some libc set PWD): none may be the parent's.
    const unexpected = Object.keys(env).filter((name) => !allowed.test(name) && process.env[name] !== undefined && name !== 'PWD');
    expect(unexpected).toEqual([]);
    expect(env).toMatchObject({ REGION: 'eu', STEP_VAR: 'yes', INPUT_NAME: 'n' });
  });
});

describe('no value is pasted into a shell or a command line', () => {
  it('passes a hostile input to a shell step only as data (INPUT_ variable and WEFT_INPUTS)', async () => {
    const report = await run({
      steps: [
        { id: 'source', type: 'node', code: `require("fs").writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ text: ${JSON.stringify(HOSTILE)} }))` },
        {
          id: 'consume',
          type: 'shell',
          run: 'printf "%s" "$INPUT_TEXT" > seen.txt; echo "$INPUT_TEXT"',
          inputs: { text: '${steps.source.outputs.text}' },
        },
      ],
    });
    expect(report.steps.consume.status).toBe('succeeded');
    expect(readFileSync(join(root, 'seen.txt'), 'utf8')).toBe(HOSTILE);
    for (let i = 1; i <= 5; i++) expect(existsSync(join(root, `pwned-${i}`))).toBe(false);
  });

  it('passes a hostile reference in python args as one argument of the argument vector', async () => {
    const report = await run({
      steps: [
        { id: 'source', type: 'node', code: `require("fs").writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ text: ${JSON.stringify(HOSTILE)} }))` },
        {
          id: 'argv',
          type: 'python',
          code: 'import json, os, sys\njson.dump({"argv": sys.argv[1:]}, open(os.environ["WEFT_OUTPUTS"], "w"))',
          args: ['${steps.source.outputs.text}', '--flag'],
        },
      ],
    });
    expect(report.steps.argv.outputs).toEqual({ argv: [HOSTILE, '--flag'] });
    for (let i = 1; i <= 5; i++) expect(existsSync(join(root, `pwned-${i}`))).toBe(false);
  });

  it.each([
    ['shell', 'run', { run: 'echo ${steps.a.outputs.text}' }],
    ['python', 'code', { code: 'print("${steps.a.outputs.text}")' }],
    ['node', 'code', { code: 'console.log("${steps.a.outputs.text}")' }],
  ])('rejects a reference inside the code of a %s step and says to use inputs', (type, field, fields) => {
    const result = parse({ steps: [{ id: 'a', type: 'shell', run: 'true' }, { id: 'b', type, ...fields }] });
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({
        path: `steps[1].${field}`,
        message: expect.stringContaining('pass the value through inputs'),
      }),
    ]);
  });
});

describe('path containment', () => {
  beforeEach(() => {
    writeFileSync(join(outside, 'evil.py'), 'open("escaped.txt", "w").write("x")\n');
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'ok.py'), 'print("inside")\n');
  });

  it.each([
    ['a ../ escape', () => `../${outside.split('/').pop()}/evil.py`, /must stay inside the workflow's folder/],
    ['an absolute path outside', () => join(outside, 'evil.py'), /must stay inside the workflow's folder/],
    ['a link that points outside', () => (symlinkSync(join(outside, 'evil.py'), join(root, 'link.py')), 'link.py'), /is a link to/],
  ])('rejects a script given as %s', (_what, script, message) => {
    const result = parse({ steps: [{ id: 'a', type: 'python', script: script() }] });
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([expect.objectContaining({ path: 'steps[0].script', message: expect.stringMatching(message) })]);
  });

  it('accepts a script in a subfolder', () => {
    expect(parse({ steps: [{ id: 'a', type: 'python', script: './sub/ok.py' }] }).ok).toBe(true);
  });

  it('refuses at run time a script path that a reference resolved to outside the folder', async () => {
    const escape = `../${outside.split('/').pop()}/evil.py`;
    const report = await run({
      steps: [
        { id: 'pick', type: 'node', code: `require("fs").writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ path: ${JSON.stringify(escape)} }))` },
        { id: 'use', type: 'python', script: '${steps.pick.outputs.path}' },
        { id: 'fine', type: 'python', script: '${steps.ok.outputs.path}' },
        { id: 'ok', type: 'node', code: 'require("fs").writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ path: "./sub/ok.py" }))' },
      ],
    });
    expect(report.steps.use).toMatchObject({ status: 'failed', reason: 'spawn_error', startedAt: expect.any(String) });
    expect(report.steps.use.message).toMatch(/script must stay inside the workflow's folder/);
    expect(existsSync(join(root, 'escaped.txt'))).toBe(false);
    expect(report.steps.fine).toMatchObject({ status: 'succeeded' });
  });

  it('checks scripts with links followed when each attempt starts, not only when the workflow was read', async () => {
    writeFileSync(join(root, 'swap.py'), 'print("inside")\n');
    const workflow = load({ steps: [{ id: 'a', type: 'python', script: './swap.py' }] });
    rmSync(join(root, 'swap.py'));
    symlinkSync(join(outside, 'evil.py'), join(root, 'swap.py'));
    const report = await executeWorkflow({ workflow, stepTypes, limits: { killGraceMs: 200 } });
    expect(report.steps.a).toMatchObject({ status: 'failed', reason: 'spawn_error' });
    expect(report.steps.a.message).toMatch(/is a link to/);
    expect(existsSync(join(root, 'escaped.txt'))).toBe(false);
  });

  it('with confineTo, runs nothing once the workflow folder itself became a link to another place', async () => {
    const folder = join(root, 'sub');
    const result = parseWorkflow(JSON.stringify({ steps: [{ id: 'a', type: 'python', script: './ok.py' }, { id: 'b', type: 'shell', run: 'touch ran' }] }), { rootDir: folder, stepTypes });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const options = { workflow: result.workflow, stepTypes, confineTo: root, limits: { killGraceMs: 200 } };
    expect((await executeWorkflow(options)).status).toBe('succeeded');

    rmSync(folder, { recursive: true });
    writeFileSync(join(outside, 'ok.py'), 'open("escaped.txt", "w").write("x")\n');
    symlinkSync(outside, folder);
    const report = await executeWorkflow(options);
    for (const id of ['a', 'b']) {
      expect(report.steps[id]).toMatchObject({ status: 'failed', reason: 'spawn_error' });
      expect(report.steps[id].message).toContain(`resolves to ${outside}, outside ${root}`);
    }
    expect(existsSync(join(outside, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(outside, 'ran'))).toBe(false);
  });
});

describe('conditions are never evaluated as code', () => {
  it.each([
    'process.exit(1)',
    'require("child_process")',
    'constructor.constructor("return process")()',
    '`touch pwned`',
    'steps.a.outputs.x; touch pwned',
    'eval("1")',
  ])('rejects %j with a ConditionSyntaxError', (source) => {
    expect(() => parseCondition(source)).toThrow(ConditionSyntaxError);
  });

  it('does not reach prototype properties through a reference', () => {
    const scope = { step: () => ({ status: 'succeeded', outputs: {} }) };
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(evaluateCondition(parseCondition(`steps.a.outputs.${key} == null`), scope)).toBe(true);
    }
  });
});
