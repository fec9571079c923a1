import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { formatIssue, type ValidationIssue } from '../errors/workflow-validation.error';
import { StepTypeRegistry } from '../step-type/step-type';
import { hasControlCharacter } from './control-characters';
import { type ParseWorkflowOptions, parseWorkflow } from './parse-workflow';
import { fakeRegistry, fakeStepType } from './testing/fake-step-type';
import type { Workflow } from './workflow.types';

let root: string;
let outside: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-spec-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-outside-'));
  fs.writeFileSync(path.join(root, 'x.py'), 'print(1)\n');
  fs.mkdirSync(path.join(root, 'sub'));
  fs.writeFileSync(path.join(root, 'sub', 'y.py'), 'print(2)\n');
  fs.writeFileSync(path.join(outside, 'secret.py'), 'print(3)\n');
  fs.symlinkSync(path.join(outside, 'secret.py'), path.join(root, 'link.py'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

/** Joins lines so that line numbers in assertions are the array positions + 1. */
const yaml = (...lines: string[]): string => lines.join('\n') + '\n';

function parse(text: string, options: Partial<ParseWorkflowOptions> = {}) {
  return parseWorkflow(text, { rootDir: root, stepTypes: fakeRegistry(), ...options });
}

function valid(text: string, options: Partial<ParseWorkflowOptions> = {}): Workflow {
  const result = parse(text, options);
  if (!result.ok)
    throw new Error(
      `expected a valid workflow, got:\n${result.issues.map((i) => formatIssue(i)).join('\n')}`,
    );
  return result.workflow;
}

function issues(text: string, options: Partial<ParseWorkflowOptions> = {}): ValidationIssue[] {
  const result = parse(text, options);
  if (result.ok) throw new Error('expected the workflow to be invalid');
  return result.issues;
}

/** Issues as `line:col path: message`. */
function report(text: string, options: Partial<ParseWorkflowOptions> = {}): string[] {
  return issues(text, options).map((issue) => formatIssue(issue));
}

describe('parseWorkflow', () => {
  describe('normalization', () => {
    it('fills in the defaults of a minimal workflow', () => {
      const workflow = valid(yaml('steps:', '  - id: a', '    type: fake'), { fileName: 'flows/report.yml' });
      expect(workflow).toEqual({
        name: 'report',
        maxParallel: 4,
        pools: {},
        env: {},
        failFast: false,
        rootDir: root,
        steps: [
          {
            id: 'a',
            type: 'fake',
            index: 0,
            needs: [],
            inputs: {},
            retries: 0,
            retryDelayMs: 1000,
            continueOnError: false,
            env: {},
            config: {},
          },
        ],
      });
    });

    it("names a workflow without name or file 'workflow'", () => {
      expect(valid(yaml('steps:', '  - { id: a, type: fake }')).name).toBe('workflow');
    });

    it('makes rootDir absolute', () => {
      const relative = path.relative(process.cwd(), root);
      expect(valid(yaml('steps:', '  - { id: a, type: fake }'), { rootDir: relative }).rootDir).toBe(root);
    });

    it('normalizes every field', () => {
      const workflow = valid(
        yaml(
          'name: nightly',
          'maxParallel: 2',
          'pools: { cpu: 2 }',
          'env: { REGION: eu, COUNT: 3, DEBUG: true }',
          'failFast: true',
          'steps:',
          '  - id: list',
          '    type: fake',
          '    run: echo ${HOME}',
          '  - id: each',
          '    type: fake',
          '    needs: list',
          "    if: steps.list.status == 'succeeded'",
          '    foreach: ${steps.list.outputs.items}',
          '    inputs: { user: "${item}", n: "${index}", all: "${steps.list.outputs}" }',
          '    timeout: 30s',
          '    retries: 2',
          '    retryDelay: 500ms',
          '    continueOnError: true',
          '    pool: cpu',
          '    env: { MODE: "${steps.list.outputs.mode}", N: 1 }',
          '    script: ./sub/y.py',
        ),
      );
      expect(workflow).toMatchObject({ name: 'nightly', maxParallel: 2, pools: { cpu: 2 }, failFast: true });
      expect(workflow.env).toEqual({ REGION: 'eu', COUNT: '3', DEBUG: 'true' });
      expect(workflow.steps[0].config).toEqual({ run: 'echo ${HOME}' });
      expect(workflow.steps[1]).toEqual({
        id: 'each',
        type: 'fake',
        index: 1,
        needs: ['list'],
        if: {
          source: "steps.list.status == 'succeeded'",
          ast: {
            kind: 'binary',
            operator: '==',
            left: { kind: 'reference', stepId: 'list', path: ['status'] },
            right: { kind: 'literal', value: 'succeeded' },
          },
        },
        foreach: '${steps.list.outputs.items}',
        inputs: { user: '${item}', n: '${index}', all: '${steps.list.outputs}' },
        timeoutMs: 30_000,
        retries: 2,
        retryDelayMs: 500,
        continueOnError: true,
        pool: 'cpu',
        env: { MODE: '${steps.list.outputs.mode}', N: 1 },
        config: { script: './sub/y.py' },
      });
    });

    it('dedupes needs and accepts a boolean if and a literal foreach list', () => {
      const workflow = valid(
        yaml(
          'steps:',
          '  - { id: a, type: fake }',
          '  - { id: b, type: fake, needs: [a, a], if: false, foreach: [1, "${steps.a.outputs.x}"], timeout: 100 }',
        ),
      );
      expect(workflow.steps[1]).toMatchObject({
        needs: ['a'],
        if: { source: 'false', ast: { kind: 'literal', value: false } },
        foreach: [1, '${steps.a.outputs.x}'],
        timeoutMs: 100,
      });
    });

    it('reads JSON', () => {
      const json = JSON.stringify({
        name: 'j',
        steps: [
          { id: 'a', type: 'fake' },
          { id: 'b', type: 'fake', needs: 'a' },
        ],
      });
      expect(valid(json).steps.map((step) => step.needs)).toEqual([[], ['a']]);
      expect(valid(json, { fileName: 'x.json' }).name).toBe('j');
    });
  });

  describe("messages for a plugin's plain schema", () => {
    const plain = {
      ...fakeStepType,
      name: 'plain',
      configSchema: z.object({ url: z.string(), name: z.string().min(1), tags: z.array(z.string()).max(2), port: z.number().min(1).max(65535) }).strict(),
      codeFields: [],
      pathFields: [],
    };

    it("say what is missing, empty or out of bounds in Weft's words, not zod's", () => {
      expect(
        report(
          yaml('steps:', '  - id: a', '    type: plain', '    name: ""', '    tags: [x, y, z]', '    port: 70000', '    limits: { memory: 1 }'),
          { stepTypes: fakeRegistry(plain) },
        ),
      ).toEqual([
        "2:5 steps[0].url: missing required field 'url' for a step of type 'plain'",
        '4:11 steps[0].name: must not be empty',
        '5:11 steps[0].tags: must have at most 2 items, got a list',
        '6:11 steps[0].port: must be at most 65535, got 70000',
        "7:13 steps[0].limits: unknown field 'memory'; fields: memoryMb, cpuSeconds",
      ]);
    });
  });

  it('names what a YAML tag made where a string was expected (binary data, a set)', () => {
    expect(report(yaml('steps:', '  - id: a', '    type: fake', '    run: !!binary aGVsbG8=', '  - id: b', '    type: fake', '    run: !!set { x }'))).toEqual([
      '4:19 steps[0].run: expected string, got binary data (!!binary)',
      '7:16 steps[1].run: expected string, got a set (!!set)',
    ]);
  });

  describe('timeout', () => {
    it.each([0, '0', '0s', '0ms', '0.0001s'])('refuses a timeout of %j, which would end every attempt at once', (value) => {
      expect(issues(yaml('steps:', '  - id: a', '    type: fake', `    timeout: ${JSON.stringify(value)}`))).toEqual([
        { path: 'steps[0].timeout', line: 4, column: 14, message: 'a timeout must be at least 1 ms, got 0; leave timeout out for none' },
      ]);
    });

    it('takes 1 ms and up', () => {
      expect(valid(yaml('steps:', '  - id: a', '    type: fake', '    timeout: 1')).steps[0].timeoutMs).toBe(1);
    });
  });

  describe('positions', () => {
    it('gives the line and column of a bad YAML field', () => {
      const found = issues(yaml('steps:', '  - id: a', '    type: fake', '    timeout: soon'));
      expect(found).toEqual([
        {
          path: 'steps[0].timeout',
          line: 4,
          column: 14,
          message: 'expected a duration like "30s", "2m" or milliseconds, got "soon"',
        },
      ]);
      expect(formatIssue(found[0], 'w.yml')).toBe(
        'w.yml:4:14 steps[0].timeout: expected a duration like "30s", "2m" or milliseconds, got "soon"',
      );
    });

    it('gives the line and column of a bad JSON field', () => {
      const text = [
        '{',
        '  "maxParallel": 12,',
        '  "steps": [',
        '    { "id": "a", "type": "fake", "retries": 11 }',
        '  ]',
        '}',
      ].join('\n');
      expect(report(text, { fileName: 'w.json' })).toEqual([
        '2:18 maxParallel: must be an integer from 1 to 8, got 12',
        '4:45 steps[0].retries: must be an integer from 0 to 10, got 11',
      ]);
    });

    it('reports a YAML syntax error with its position, not a stack trace', () => {
      const found = issues(yaml('steps:', '  - id: a', '    type: [fake', 'name: x'));
      expect(found).toHaveLength(1);
      // The flow sequence opened on line 3 is still open where line 4 starts.
      expect(found[0]).toMatchObject({ path: '', line: 4, column: 1 });
      expect(found[0].message).toMatch(/^invalid YAML: /);
      expect(found[0].message).not.toMatch(/\n| {4}at /);
    });

    it('escapes the control characters a parser message quotes from the document', () => {
      const found = issues('name: x\nsteps: |\u001b[31mred\u0007\n');
      expect(found.map((issue) => issue.message)).toEqual([expect.stringContaining('|\\x1b[31mred\\x07')]);
      expect(hasControlCharacter(found[0].message)).toBe(false);
    });

    it('reports a JSON syntax error with its position', () => {
      const found = issues(
        ['{', '  "steps": [', '    { "id": "a", "type": "fake" },', '  ]', '}'].join('\n'),
        { fileName: 'w.json' },
      );
      expect(found).toHaveLength(1);
      expect(found[0].message).toMatch(/^invalid JSON: /);
      expect(found[0].line).toBe(4);
    });

    it('reports JSON that ends too early at its end', () => {
      const found = issues('{"steps": [', { format: 'json' });
      expect(found[0]).toMatchObject({
        line: 1,
        column: 12,
        message: expect.stringMatching(/^invalid JSON: /),
      });
    });

    it('positions JSON errors whose message has no offset', () => {
      const found = issues('{"steps": }', { format: 'json' });
      expect(found[0].message).toMatch(/^invalid JSON: /);
      expect(found[0].line).toBe(1);
    });

    it('rejects duplicate keys in YAML and in JSON', () => {
      expect(report(yaml('name: a', 'name: b', 'steps: [{ id: a, type: fake }]'))).toEqual([
        '2:1 invalid YAML: duplicate key "name"; each key may appear once per mapping',
      ]);
      expect(report('{"steps": [{"id": "a", "type": "fake", "id": "b"}]}', { format: 'json' })).toEqual([
        '1:40 invalid JSON: duplicate key "id"; each key may appear once per object',
      ]);
    });

    it('finds every duplicate key, nested and in flow mappings, but not keys equal only as text', () => {
      expect(report(yaml('steps:', '  - { id: a, type: fake, id: b }', '  - id: c', '    type: fake', '    env: { "1": x, 1: y, A: 1, A: 2 }'))).toEqual([
        '2:26 invalid YAML: duplicate key "id"; each key may appear once per mapping',
        '5:32 invalid YAML: duplicate key "A"; each key may appear once per mapping',
      ]);
      expect(report('{"steps": [], "st\\u0065ps": []}', { format: 'json' })).toEqual([
        '1:15 invalid JSON: duplicate key "steps"; each key may appear once per object',
      ]);
    });

    it('rejects several YAML documents in one file', () => {
      expect(issues(yaml('steps: []', '---', 'steps: []'))[0].message).toMatch(
        /invalid YAML: .*multiple documents/i,
      );
    });
  });

  describe('format', () => {
    const text = 'steps:\n  - { id: a, type: fake }\n';

    it('follows the format option over the file name', () => {
      expect(parse(text, { fileName: 'w.json', format: 'yaml' }).ok).toBe(true);
    });

    it('reads .json files as JSON, so YAML in them is a JSON error', () => {
      expect(issues(text, { fileName: 'w.json' })[0].message).toMatch(/^invalid JSON/);
    });

    it('reads .yml and .yaml files as YAML', () => {
      expect(parse(text, { fileName: 'w.yaml' }).ok).toBe(true);
      expect(parse(text, { fileName: 'w.YML' }).ok).toBe(true);
    });

    it('sniffs JSON by content when the name does not tell', () => {
      expect(issues('{ "steps": [ } ', { fileName: 'workflow' })[0].message).toMatch(/^invalid JSON/);
      expect(parse(text, { fileName: 'workflow.txt' }).ok).toBe(true);
    });
  });

  describe('document', () => {
    it('refuses NUL anywhere (names, values, keys; YAML and JSON escapes), at the path where it is', () => {
      const nul = 'contains a NUL character (\\u0000), which no command line, environment variable or history database can hold; remove it';
      const json = JSON.stringify({ name: 'x\u0000y', steps: [{ id: 'a', type: 'fake', env: { A: 'v\u0000' }, inputs: { 'k\u0000': 1, list: ['ok', '\u0000'] } }] });
      expect(issues(json, { format: 'json' }).map((issue) => [issue.path, issue.message])).toEqual([
        ['name', nul],
        ['name', 'expected a one-line name without control characters (tabs, line breaks, NUL…), got "x\\u0000y"'],
        ['steps[0].env.A', nul],
        ['steps[0].inputs["k\\u0000"]', nul],
        ['steps[0].inputs.list[1]', nul],
      ]);
      expect(report(yaml('name: ok', 'steps:', '  - id: a', '    type: fake', '    inputs: { x: "a\\0b" }'))).toEqual([`5:18 steps[0].inputs.x: ${nul}`]);
    });

    it('refuses half a surrogate pair (a JSON or YAML escape), which UTF-8 cannot hold, and takes a whole pair', () => {
      const lone = 'contains a lone surrogate (an escape such as \\ud800 without its pair), which is not a character and cannot be stored as UTF-8; remove it or give the whole pair';
      const json = '{"name": "x\\ud800y", "steps": [{"id": "a", "type": "fake", "env": {"A": "\\udc00"}, "inputs": {"ok": "\\ud834\\udd1e"}}]}';
      expect(issues(json, { format: 'json' }).map((issue) => [issue.path, issue.message])).toEqual([
        ['name', lone],
        ['steps[0].env.A', lone],
      ]);
      expect(report(yaml('steps:', '  - id: a', '    type: fake', '    inputs: { x: "a\\ud800" }'))).toEqual([`4:18 steps[0].inputs.x: ${lone}`]);
      expect(valid(yaml('steps:', '  - id: a', '    type: fake', '    inputs: { x: "\\ud834\\udd1e" }')).steps[0].inputs.x).toBe('𝄞');
    });

    it('takes names and step ids every history database stores alike: one line, at most 200 characters', () => {
      const long = 'n'.repeat(201);
      expect(report(yaml(`name: ${long}`, 'steps:', `  - id: ${long}`, '    type: fake'))).toEqual([
        '1:7 name: expected a name of at most 200 characters, got "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn..."',
        '3:9 steps[0].id: expected a step id of at most 200 characters, got "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn..."',
      ]);
      expect(report(yaml('name: "tab\\there"', 'steps: [{ id: a, type: fake }]'))).toEqual([
        '1:7 name: expected a one-line name without control characters (tabs, line breaks, NUL…), got "tab\\there"',
      ]);
      expect(valid(yaml(`name: ${'n'.repeat(200)}`, 'steps:', `  - id: ${'i'.repeat(200)}`, '    type: fake')).name).toHaveLength(200);
    });

    it.each([
      ['a list', '- a\n', 'expected a workflow: a mapping with a list of steps, got a list'],
      ['a scalar', 'hello\n', 'expected a workflow: a mapping with a list of steps, got "hello"'],
      ['empty', '', 'expected a workflow: a mapping with a list of steps, got an empty document'],
    ])('rejects a document that is %s', (_, text, message) => {
      expect(issues(text)).toEqual([expect.objectContaining({ path: '', message })]);
    });

    it('names unknown top-level fields, suggests the closest and lists the allowed ones', () => {
      expect(report(yaml('name: x', 'stpes: []', 'steps: [{ id: a, type: fake }]'))).toEqual([
        "2:1 stpes: unknown field 'stpes'; did you mean 'steps'?; allowed fields: name, maxParallel, pools, env, failFast, steps",
      ]);
    });

    it('requires a non-empty list of steps', () => {
      expect(report('name: x\n')).toEqual([
        "1:1 steps: missing required field 'steps': a list of steps, each with an id and a type",
      ]);
      expect(report('steps: []\n')).toEqual(['1:8 steps: expected at least one step, got a list']);
      expect(report('steps: 3\n')).toEqual(['1:8 steps: expected a list of steps, got 3']);
    });

    it('checks maxParallel, pools, env, failFast and name', () => {
      expect(
        report(
          yaml(
            'name: ""',
            'maxParallel: 12',
            'pools: { cpu: 0, "bad name": 1 }',
            'env: { REGION: [eu], "A B": x }',
            'failFast: yes',
            'steps: [{ id: a, type: fake }]',
          ),
        ),
      ).toEqual([
        '1:7 name: expected a non-empty name, got ""',
        '2:14 maxParallel: must be an integer from 1 to 8, got 12',
        '3:15 pools.cpu: must be an integer from 1 to 8, got 0',
        '3:18 pools["bad name"]: expected a pool name (letters, digits, _ and -), got "bad name"',
        '4:16 env.REGION: expected a string, number or boolean, got a list',
        '4:22 env["A B"]: expected an environment variable name like REGION (letters, digits, _), got "A B"',
        '5:11 failFast: expected true or false, got "yes"',
      ]);
    });

    it('limits each pool to maxParallel', () => {
      expect(report(yaml('maxParallel: 2', 'pools: { cpu: 3 }', 'steps: [{ id: a, type: fake }]'))).toEqual([
        '2:15 pools.cpu: must be an integer from 1 to maxParallel (2), got 3',
      ]);
    });

    it('rejects references in the workflow env', () => {
      expect(
        report(yaml('env: { A: "${steps.a.outputs}", B: "${HOME}" }', 'steps: [{ id: a, type: fake }]')),
      ).toEqual([
        "1:11 env.A: references are not allowed in the workflow's env (${steps.a.outputs}); set it in a step's env instead",
      ]);
    });
  });

  describe('steps', () => {
    it('rejects an entry that is not a mapping', () => {
      expect(report(yaml('steps:', '  - { id: a, type: fake }', '  - just-a-string'))).toEqual([
        '3:5 steps[1]: expected a step (a mapping with at least id and type), got "just-a-string"',
      ]);
    });

    it('requires id and type, and a well-formed id', () => {
      expect(report(yaml('steps:', '  - run: echo', '  - { id: 1st, type: fake }'))).toEqual([
        "2:5 steps[0]: missing required field 'id'",
        "2:5 steps[0]: missing required field 'type'; registered types: fake",
        '3:11 steps[1].id: expected a step id of letters, digits, _ and - that starts with a letter or _, got "1st"',
      ]);
    });

    it('reports a duplicate id at its second occurrence, naming the first', () => {
      expect(report(yaml('steps:', '  - id: a', '    type: fake', '  - id: a', '    type: fake'))).toEqual([
        "4:9 steps[1].id: duplicate step id 'a': already used by steps[0] at line 2; step ids must be unique",
      ]);
    });

    it('lists the registered types for an unknown type', () => {
      const registry = fakeRegistry({ ...fakeStepType, name: 'python' });
      expect(report(yaml('steps:', '  - id: a', '    type: pyton'), { stepTypes: registry })).toEqual([
        "3:11 steps[0].type: unknown step type 'pyton'; registered types: fake, python. Use one of them or load a plugin that provides it (weft … --plugin SPEC; WEFT_PLUGINS for the server).",
      ]);
    });

    it('checks needs: known ids, not itself, the right shape', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: fetch_user, type: fake }',
            '  - { id: b, type: fake, needs: [fetch_usr, b] }',
            '  - { id: c, type: fake, needs: 3 }',
          ),
        ),
      ).toEqual([
        "3:34 steps[1].needs[0]: unknown step 'fetch_usr'; did you mean 'fetch_user'?; known steps: fetch_user, b, c",
        "3:45 steps[1].needs[1]: step 'b' cannot depend on itself",
        '4:33 steps[2].needs: expected a step id or a list of step ids, got 3',
      ]);
    });

    it('checks the common field values', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - id: a',
            '    type: fake',
            '    timeout: soon',
            '    retries: -1',
            '    retryDelay: 1d',
            '    continueOnError: maybe',
            '    pool: gpu',
            '    inputs: [1]',
            '    env: { X: { y: 1 } }',
            '    if: 3',
          ),
        ),
      ).toEqual([
        '4:14 steps[0].timeout: expected a duration like "30s", "2m" or milliseconds, got "soon"',
        '5:14 steps[0].retries: must be an integer from 0 to 10, got -1',
        '6:17 steps[0].retryDelay: expected a duration like "30s", "2m" or milliseconds, got "1d"',
        '7:22 steps[0].continueOnError: expected true or false, got "maybe"',
        "8:11 steps[0].pool: unknown pool 'gpu'; pools: (none). Declare it under pools: at the top level",
        '9:13 steps[0].inputs: expected a mapping of input names to values, got a list',
        '10:15 steps[0].env.X: expected a string, number or boolean, got a mapping',
        '11:9 steps[0].if: expected a condition such as "steps.check.outputs.ok == true", got 3',
      ]);
    });

    it('suggests a close pool name', () => {
      expect(report(yaml('pools: { cpu: 1 }', 'steps: [{ id: a, type: fake, pool: cpus }]'))).toEqual([
        "2:36 steps[0].pool: unknown pool 'cpus'; did you mean 'cpu'?; pools: cpu. Declare it under pools: at the top level",
      ]);
    });

    it('does not check pool names when pools itself is invalid', () => {
      expect(report(yaml('pools: 3', 'steps: [{ id: a, type: fake, pool: cpu }]'))).toEqual([
        '1:8 pools: expected a mapping of pool names to limits, like { cpu: 2 }, got 3',
      ]);
    });
  });

  describe('conditions', () => {
    it('reports a syntax error with the column inside the condition and the position of the field', () => {
      expect(report(yaml('steps:', '  - id: a', '    type: fake', '    if: (true && false'))).toEqual([
        "4:9 steps[0].if: invalid condition: expected ')' at column 15 to close the '(' at column 1, got 'the end of the condition'",
      ]);
    });

    it('rejects unknown steps in a condition', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: check, type: fake }',
            '  - { id: b, type: fake, if: "steps.chek.status == \'failed\' && steps.chek.outputs.x" }',
          ),
        ),
      ).toEqual([
        `3:30 steps[1].if: unknown step 'chek' in the condition "steps.chek.status == 'failed' && steps.chek.outputs.x"; did you mean 'check'?; known steps: check, b`,
      ]);
    });
  });

  describe('references', () => {
    it('names the unknown step, suggests the closest id and lists the known ones', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: fetch_user, type: fake }',
            '  - { id: report, type: fake }',
            '  - id: c',
            '    type: fake',
            '    inputs:',
            '      user: ${steps.fetch_usr.outputs}',
            '      other: ${steps.zzzzzzzz.outputs}',
          ),
        ),
      ).toEqual([
        "7:13 steps[2].inputs.user: unknown step 'fetch_usr' in ${steps.fetch_usr.outputs}; did you mean 'fetch_user'?; known steps: fetch_user, report, c",
        "8:14 steps[2].inputs.other: unknown step 'zzzzzzzz' in ${steps.zzzzzzzz.outputs}; known steps: fetch_user, report, c",
      ]);
    });

    it('checks references in env, foreach and type-specific fields, nested included', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - id: a',
            '    type: fake',
            '    env: { X: "${steps.nope.outputs}" }',
            '    foreach: ["${steps.gone.status}"]',
            '    script: "${steps.missing.outputs.path}"',
            '    inputs: { deep: { list: [1, "x ${steps.lost.outputs} y"] } }',
          ),
        ).map((line) => line.split(': unknown')[0]),
      ).toEqual([
        '4:15 steps[0].env.X',
        '5:15 steps[0].foreach[0]',
        '6:13 steps[0].script',
        '7:33 steps[0].inputs.deep.list[1]',
      ]);
    });

    it('rejects a step that references itself', () => {
      expect(
        report(yaml('steps:', '  - { id: a, type: fake, inputs: { x: "${steps.a.outputs}" } }')),
      ).toEqual(["2:39 steps[0].inputs.x: step 'a' cannot depend on itself in ${steps.a.outputs}"]);
    });

    it('reports malformed references', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: a, type: fake, inputs: { x: "${steps.}", y: "${foo}", z: "${steps.a.outputs" } }',
          ),
        ),
      ).toEqual([
        '2:39 steps[0].inputs.x: malformed reference ${steps.}: expected ${steps.<id>.outputs}, ${steps.<id>.outputs.<key>}, ${steps.<id>.status}, ${item}, ${item.<key>} or ${index}',
        '2:55 steps[0].inputs.y: unknown reference ${foo}: expected ${steps.<id>.outputs}, ${steps.<id>.outputs.<key>}, ${steps.<id>.status}, ${item}, ${item.<key>} or ${index}; write $${…} for a literal "${"',
        "2:68 steps[0].inputs.z: unterminated reference ${steps.a.outputs: missing '}'",
      ]);
    });

    it('allows ${item} and ${index} only in a foreach step, and not in foreach itself', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: a, type: fake, inputs: { x: "${item}", i: "${index}" } }',
            '  - { id: b, type: fake, foreach: [1, "${item}"], inputs: { x: "${item.name}" } }',
          ),
        ),
      ).toEqual([
        '2:39 steps[0].inputs.x: ${item} is only available in a step with foreach',
        '2:53 steps[0].inputs.i: ${index} is only available in a step with foreach',
        '3:39 steps[1].foreach[1]: ${item} cannot be used in foreach itself: the list must come from another step or be written out',
      ]);
    });

    it('requires foreach to be one whole reference to outputs or a list', () => {
      const lines = (value: string) =>
        yaml('steps:', '  - { id: a, type: fake }', `  - { id: b, type: fake, foreach: ${value} }`);
      expect(report(lines('"x ${steps.a.outputs.items}"'))[0]).toBe(
        '3:35 steps[1].foreach: expected one reference like ${steps.list.outputs.items} or a list, got "x ${steps.a.outputs.items}"',
      );
      expect(report(lines('"${steps.a.status}"'))[0]).toMatch(/foreach: expected one reference/);
      expect(report(lines('{ a: 1 }'))[0]).toMatch(/foreach: expected one reference .* got a mapping/);
    });

    it('rejects references in keys', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: a, type: fake }',
            '  - { id: b, type: fake, inputs: { "${steps.a.outputs}": 1, "${x}": 2 } }',
          ),
        ),
      ).toEqual([
        '3:36 steps[1].inputs["${steps.a.outputs}"]: references are allowed only in string values, not in keys: ${steps.a.outputs}',
      ]);
    });

    it('accepts escaped $${ as text', () => {
      expect(
        valid(yaml('steps:', '  - { id: a, type: fake, inputs: { x: "$${not.a.ref}" } }')).steps[0].inputs,
      ).toEqual({ x: '$${not.a.ref}' });
    });
  });

  describe('code fields', () => {
    it('rejects a reference in a code field and says to pass it through inputs', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: fetch, type: fake }',
            '  - id: b',
            '    type: fake',
            '    run: echo ${steps.fetch.outputs.user}',
          ),
        ),
      ).toEqual([
        "5:10 steps[1].run: 'run' is code, so references are not allowed there (${steps.fetch.outputs.user}): pass the value through inputs (inputs: { user: ${steps.fetch.outputs.user} }) and read it from WEFT_INPUTS or INPUT_USER",
      ]);
    });

    it('rejects malformed Weft references in code but allows shell variables', () => {
      expect(
        report(yaml('steps:', '  - { id: a, type: fake, run: "echo ${steps.} ${HOME} ${item}" }')),
      ).toEqual([
        expect.stringMatching(
          /^2:31 steps\[0\]\.run: 'run' is code, so references are not allowed there \(\$\{steps\.\}\): pass the value through inputs \(inputs: \{ value: /,
        ),
      ]);
    });

    it('points foreach steps to WEFT_ITEM and WEFT_INDEX', () => {
      expect(
        report(yaml('steps:', '  - { id: a, type: fake, foreach: [1, 2], run: "echo ${item}" }')),
      ).toEqual([
        "2:48 steps[0].run: 'run' is code, so ${item} is not substituted there: read the item from the WEFT_ITEM environment variable (JSON) and the index from WEFT_INDEX",
      ]);
    });
  });

  describe('runsOn', () => {
    it('keeps a worker label on the step', () => {
      const result = parse(yaml('steps:', '  - id: a', '    type: fake', '    runsOn: gpu-2.large'));
      expect(result.ok && result.workflow.steps[0].runsOn).toBe('gpu-2.large');
    });

    it('refuses what is not a worker label, saying what one is', () => {
      expect(report(yaml('steps:', '  - id: a', '    type: fake', '    runsOn: "gpu:1"', '  - id: b', '    type: fake', '    runsOn: 3'))).toEqual([
        "4:13 steps[0].runsOn: expected a worker label of letters, digits, '.', '_' and '-' (at most 64), like gpu, got \"gpu:1\"",
        '7:13 steps[1].runsOn: expected a worker label, like gpu, got 3',
      ]);
    });
  });

  describe('type-specific fields', () => {
    it('names an unknown field, suggests the closest and lists the allowed ones', () => {
      expect(report(yaml('steps:', '  - id: a', '    type: fake', '    scirpt: ./x.py'))).toEqual([
        "4:5 steps[0].scirpt: unknown field 'scirpt' for a step of type 'fake'; did you mean 'script'?; allowed fields: id, type, needs, inputs, if, foreach, timeout, retries, retryDelay, continueOnError, pool, runsOn, env, limits, run, script",
      ]);
    });

    it("maps the step type's schema errors to field paths with positions", () => {
      expect(report(yaml('steps:', '  - id: a', '    type: fake', '    run: 3'))).toEqual([
        '4:10 steps[0].run: expected string, got 3',
      ]);
    });

    it('reports other schema issues with their own message', () => {
      const strictRun = {
        ...fakeStepType,
        name: 'short',
        configSchema: z.object({ run: z.string().max(3, 'at most 3 characters') }).strict(),
      };
      expect(
        report(yaml('steps:', '  - { id: a, type: short, run: abcdef }'), {
          stepTypes: fakeRegistry(strictRun),
        }),
      ).toEqual(['2:32 steps[0].run: at most 3 characters']);
    });

    it('keeps what the schema parsed (defaults included) as config', () => {
      const withDefault = {
        ...fakeStepType,
        name: 'dflt',
        configSchema: z.object({ args: z.array(z.string()).default([]) }).strict(),
      };
      expect(
        valid(yaml('steps:', '  - { id: a, type: dflt }'), { stepTypes: fakeRegistry(withDefault) }).steps[0]
          .config,
      ).toEqual({ args: [] });
    });

    it('reports unknown fields of a schema without a shape from its own errors', () => {
      const piped = {
        ...fakeStepType,
        name: 'piped',
        configSchema: z.preprocess((v) => v, z.object({ n: z.number() }).strict()),
      };
      expect(
        report(yaml('steps:', '  - { id: a, type: piped, n: 1, extra: 2 }'), {
          stepTypes: fakeRegistry(piped),
        }),
      ).toEqual([
        "2:33 steps[0].extra: unknown field 'extra' for a step of type 'piped'; allowed fields: id, type, needs, inputs, if, foreach, timeout, retries, retryDelay, continueOnError, pool, runsOn, env, limits",
      ]);
    });

    it('skips type-specific validation for an unknown type but still checks its references', () => {
      expect(
        report(yaml('steps:', '  - { id: a, type: nope, whatever: "${steps.x.outputs}" }')).map(
          (line) => line.split(';')[0],
        ),
      ).toEqual([
        "2:20 steps[0].type: unknown step type 'nope'",
        "2:36 steps[0].whatever: unknown step 'x' in ${steps.x.outputs}",
      ]);
    });
  });

  describe('path fields', () => {
    it('accepts a file inside the root folder', () => {
      expect(
        valid(
          yaml(
            'steps:',
            '  - { id: a, type: fake, script: ./sub/y.py }',
            '  - { id: b, type: fake, script: x.py }',
          ),
        ).steps,
      ).toHaveLength(2);
    });

    it('rejects ../ escapes and absolute paths outside the root folder', () => {
      const secret = path.join(outside, 'secret.py');
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: a, type: fake, script: ../x.py }',
            `  - { id: b, type: fake, script: "${secret}" }`,
          ),
        ),
      ).toEqual([
        `2:34 steps[0].script: script must stay inside the workflow's folder ${root}: "../x.py" resolves to ${path.resolve(root, '../x.py')}`,
        `3:34 steps[1].script: script must stay inside the workflow's folder ${root}: ${JSON.stringify(secret)} resolves to ${secret}`,
      ]);
    });

    it('rejects a missing script, a folder, and a link that leaves the root folder', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: a, type: fake, script: ./x.pyy }',
            '  - { id: b, type: fake, script: sub }',
            '  - { id: c, type: fake, script: link.py }',
          ),
        ),
      ).toEqual([
        `2:34 steps[0].script: script not found: ./x.pyy (resolved to ${path.join(root, 'x.pyy')})`,
        `3:34 steps[1].script: script is not a file: sub (resolved to ${path.join(root, 'sub')})`,
        `4:34 steps[2].script: script must stay inside the workflow's folder ${root}: "link.py" is a link to ${fs.realpathSync(path.join(outside, 'secret.py'))}`,
      ]);
    });

    it('checks every path of a list-valued path field and skips references', () => {
      const multi = {
        ...fakeStepType,
        name: 'multi',
        configSchema: z.object({ files: z.array(z.string()) }).strict(),
        pathFields: ['files'],
      };
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: s, type: fake }',
            '  - { id: a, type: multi, files: [x.py, ../y, "${steps.s.outputs.f}"] }',
          ),
          {
            stepTypes: fakeRegistry(multi),
          },
        ),
      ).toEqual([
        expect.stringMatching(/^3:\d+ steps\[1\]\.files\[1\]: files must stay inside the workflow's folder /),
      ]);
    });
  });

  describe('cycles', () => {
    it('reports a cycle at the needs of its first step', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: a, type: fake, needs: c }',
            '  - { id: b, type: fake, needs: a }',
            '  - { id: c, type: fake, needs: b }',
          ),
        ),
      ).toEqual(['2:33 steps[0].needs: cycle: a → b → c → a']);
    });

    it('reports every cycle, including those made by references', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: a, type: fake, inputs: { x: "${steps.b.outputs}" } }',
            '  - { id: b, type: fake, needs: a }',
            '  - { id: c, type: fake, if: "steps.d.status == \'failed\'" }',
            '  - { id: d, type: fake, env: { X: "${steps.c.outputs.v}" } }',
          ),
        ),
      ).toEqual(['2:5 steps[0].needs: cycle: a → b → a', '4:5 steps[2].needs: cycle: c → d → c']);
    });

    it('reports a cycle beside dependencies that do not resolve: fixing one error does not reveal another', () => {
      expect(
        report(
          yaml('steps:', '  - { id: a, type: fake, needs: [b, zz] }', '  - { id: b, type: fake, needs: a }', '  - { id: e, type: fake, needs: yy }'),
        ),
      ).toEqual([
        '2:33 steps[0].needs: cycle: a → b → a',
        "2:37 steps[0].needs[1]: unknown step 'zz'; known steps: a, b, e",
        "4:33 steps[2].needs: unknown step 'yy'; known steps: a, b, e",
      ]);
    });

    it('reports a cycle beside a duplicate id, a bad id and a self-dependency (once, not as a cycle too)', () => {
      expect(
        report(
          yaml(
            'steps:',
            '  - { id: b, type: fake, needs: [c] }',
            '  - { id: c, type: fake, needs: b }',
            '  - { id: b, type: fake }',
            '  - { id: "bad id", type: fake }',
            '  - { id: s, type: fake, needs: s }',
          ),
        ),
      ).toEqual([
        '2:33 steps[0].needs: cycle: b → c → b',
        expect.stringMatching(/^4:11 steps\[2\]\.id: duplicate step id 'b'/),
        expect.stringMatching(/^5:11 steps\[3\]\.id: /),
        "6:33 steps[4].needs: step 's' cannot depend on itself",
      ]);
    });
  });

  it('reports every problem at once, sorted by line', () => {
    const found = report(
      yaml(
        'maxParallel: 0',
        'steps:',
        '  - id: a',
        '    type: nope',
        '    timeout: later',
        '  - id: b',
        '    type: fake',
        '    needs: [a, ghost]',
        '    scirpt: x',
        '    if: "steps.a.status =="',
        'extra: 1',
      ),
    );
    expect(found.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      '1:14 maxParallel:',
      '4:11 steps[0].type:',
      '5:14 steps[0].timeout:',
      '8:16 steps[1].needs[1]:',
      '9:5 steps[1].scirpt:',
      '10:9 steps[1].if:',
      '11:1 extra:',
    ]);
  });

  it('validates a 100,000-step chain without overflowing the stack', () => {
    const steps = Array.from({ length: 100_000 }, (_, i) =>
      i === 0
        ? { id: 's0', type: 'fake' }
        : { id: `s${i}`, type: 'fake', inputs: { prev: `\${steps.s${i - 1}.outputs.v}` } },
    );
    const result = parseWorkflow(JSON.stringify({ steps }), {
      rootDir: root,
      stepTypes: new StepTypeRegistry([fakeStepType]),
    });
    expect(result.ok).toBe(true);
  });
});
