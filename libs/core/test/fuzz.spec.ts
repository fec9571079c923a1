/**
 * Property-based tests (fast-check) for everything a user can type: the YAML/JSON loader with the
 * schema, the `if` expression parser and evaluator, and reference resolution. Random and mutated
 * input never crashes, never hangs, and always ends in a valid workflow or in issues with a path and
 * a message. Seeds are printed by fast-check on failure; replay with `{ seed, path }`.
 */
import fc from 'fast-check';
import { parse as fromYaml, stringify as toYaml } from 'yaml';
import { builtinStepTypes } from '@weft/step-types';
import {
  ConditionEvaluationError,
  ConditionSyntaxError,
  documentFromReading,
  evaluateCondition,
  MAX_LISTED_ISSUES,
  readDocumentForTransfer,
  validateWorkflowDocument,
  MAX_CONDITION_DEPTH,
  parseCondition,
  parseWorkflow,
  resolveValue,
  StepTypeRegistry,
  type ParseWorkflowResult,
  type ReferenceScope,
} from '@weft/core';
import { hostileDocuments } from '../src/testing/hostile-documents';

jest.setTimeout(60_000);

const stepTypes = new StepTypeRegistry(builtinStepTypes());
/** Generous bound per case: a hang shows up as a failure, not as a stuck test run. */
const MAX_MS_PER_CASE = 2000;
/** Runs per property; the total across the file is printed by the last test. */
const RUNS = 300;
let totalRuns = 0;

function parse(text: string, fileName: string): ParseWorkflowResult {
  const started = Date.now();
  const result = parseWorkflow(text, { fileName, rootDir: __dirname, stepTypes });
  expect(Date.now() - started).toBeLessThan(MAX_MS_PER_CASE);
  return result;
}

/** The contract of parseWorkflow on any input. */
function expectWellFormed(result: ParseWorkflowResult): void {
  if (result.ok) {
    expect(result.workflow.steps.length).toBeGreaterThan(0);
    expect(result.issues).toEqual([]);
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe('string');
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
    if (issue.line !== undefined) expect(issue.line).toBeGreaterThanOrEqual(1);
    if (issue.column !== undefined) expect(issue.column).toBeGreaterThanOrEqual(1);
  }
}

function check<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns = RUNS): void {
  fc.assert(
    fc.property(arbitrary, (value) => {
      totalRuns++;
      predicate(value);
    }),
    { numRuns },
  );
}

// ---------------------------------------------------------------- documents

const STEP_FIELDS = ['id', 'type', 'needs', 'inputs', 'if', 'foreach', 'timeout', 'retries', 'retryDelay', 'continueOnError', 'pool', 'env'];
const TYPE_FIELDS = ['run', 'shell', 'script', 'code', 'args', 'python'];
const TOP_FIELDS = ['name', 'maxParallel', 'pools', 'env', 'failFast', 'steps'];
const IDS = ['a', 'b', 'c', 'fetch', 'report', '1bad', 'has space', ''];

const referenceText = fc.oneof(
  fc.constantFrom(...IDS).map((id) => `\${steps.${id}.outputs}`),
  fc.constantFrom(...IDS).map((id) => `\${steps.${id}.outputs.key.0}`),
  fc.constantFrom(...IDS).map((id) => `\${steps.${id}.status}`),
  fc.constantFrom('${item}', '${index}', '${item.x}', '${HOME}', '${steps}', '${', '$${steps.a.outputs}', '${steps.a.outputs', '${}'),
);
const conditionText = fc.oneof(
  fc.constantFrom("steps.a.status == 'failed'", 'steps.b.outputs.ok', '!(steps.a.outputs.n > 3) || true', '((', 'a ==', "steps.c.outputs.mode != 'x' && steps.a.status == 'succeeded'"),
  fc.string({ maxLength: 40 }),
);
/** Any JSON-ish leaf a user might write, right or wrong. */
const leaf = fc.oneof(
  fc.string({ maxLength: 20 }),
  referenceText,
  fc.constantFrom('shell', 'python', 'node', 'nope', '30s', '2m', '-1', '1.5h', 'true', './x.py', '../escape.py', '/etc/passwd', 'echo hi'),
  fc.integer({ min: -5, max: 20 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...STEP_FIELDS, ...TYPE_FIELDS, ...TOP_FIELDS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
})).value;

/** A step that is often nearly right, so validation goes past the first check. */
const step = fc
  .record(
    {
      id: fc.oneof(fc.constantFrom(...IDS), leaf),
      type: fc.oneof(fc.constantFrom('shell', 'python', 'node'), leaf),
      run: fc.oneof(fc.constantFrom('echo hi', 'exit 1', 'echo ${HOME}'), leaf),
      code: fc.oneof(fc.constantFrom('print(1)', 'x = "${steps.a.outputs}"'), leaf),
      script: leaf,
      needs: fc.oneof(fc.constantFrom(...IDS), fc.array(fc.constantFrom(...IDS), { maxLength: 3 }), value),
      inputs: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(leaf, referenceText), { maxKeys: 3 }), value),
      if: fc.oneof(conditionText, leaf),
      foreach: fc.oneof(referenceText, fc.array(leaf, { maxLength: 3 }), value),
      timeout: leaf,
      retries: leaf,
      retryDelay: leaf,
      continueOnError: leaf,
      pool: fc.oneof(fc.constantFrom('cpu', 'io'), leaf),
      env: fc.oneof(fc.dictionary(fc.constantFrom('A', 'B_1', 'bad name', '1X'), leaf, { maxKeys: 3 }), value),
      args: fc.oneof(fc.array(fc.oneof(leaf, referenceText), { maxLength: 3 }), value),
      extra: value,
      withUnknown: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, withUnknown, ...fields }) => (withUnknown ? { ...fields, unknownField: extra } : fields));

const workflowDocument = fc.record(
  {
    name: leaf,
    maxParallel: fc.oneof(fc.integer({ min: -1, max: 10 }), leaf),
    pools: fc.oneof(fc.dictionary(fc.constantFrom('cpu', 'io', 'bad pool'), fc.integer({ min: 0, max: 10 }), { maxKeys: 2 }), value),
    env: fc.oneof(fc.dictionary(fc.constantFrom('REGION', 'bad-name', 'X'), leaf, { maxKeys: 3 }), value),
    failFast: leaf,
    steps: fc.oneof({ weight: 5, arbitrary: fc.array(step, { minLength: 0, maxLength: 5 }) }, { weight: 1, arbitrary: value }),
    other: value,
  },
  { requiredKeys: ['steps'] },
);

/** Small valid workflows the mutations start from. */
const SEEDS_YAML = [
  `name: report
maxParallel: 4
pools: { cpu: 2 }
env: { REGION: eu }
steps:
  - id: fetch
    type: shell
    run: |
      echo '{"n": 3}' > "$WEFT_OUTPUTS"
    timeout: 30s
  - id: list
    type: node
    code: console.log(1)
    needs: fetch
    pool: cpu
  - id: each
    type: python
    code: print(1)
    foreach: \${steps.fetch.outputs.items}
    inputs: { n: "\${steps.fetch.outputs.n}", i: "\${item}" }
    if: steps.fetch.status == 'succeeded' && steps.fetch.outputs.n > 2
    retries: 2
    retryDelay: 100
    continueOnError: true
    env: { MODE: fast }
`,
  `steps:
  - { id: a, type: shell, run: "true" }
  - { id: b, type: shell, run: "true", needs: [a] }
  - { id: c, type: shell, run: "true", if: "steps.b.status == 'failed'" }
`,
];
const SEEDS_JSON = SEEDS_YAML.map((text) => JSON.stringify(fromYaml(text), null, 2));

/** Random edits of a text: deletions, insertions of syntax characters, duplicated and swapped lines. */
const mutated = (seeds: string[]) =>
  fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(
        fc.tuple(
          fc.constantFrom('delete', 'insert', 'duplicate-line', 'swap-lines', 'truncate', 'indent'),
          fc.nat(),
          fc.nat({ max: 12 }),
          fc.oneof(fc.constantFrom(':', '-', ' ', '\n', '\t', '{', '}', '[', ']', '"', "'", '&a', '*a', '!!binary', '${', '#', '?', '|', '>', ',', '\\', '\u0000', '\uFEFF'), fc.string({ maxLength: 5 })),
        ),
        { minLength: 1, maxLength: 6 },
      ),
    )
    .map(([seed, edits]) => {
      let text = seed;
      for (const [kind, at, length, insert] of edits) {
        const pos = text.length === 0 ? 0 : at % text.length;
        const lines = text.split('\n');
        const line = lines.length === 0 ? 0 : at % lines.length;
        switch (kind) {
          case 'delete':
            text = text.slice(0, pos) + text.slice(pos + length);
            break;
          case 'insert':
            text = text.slice(0, pos) + insert + text.slice(pos);
            break;
          case 'duplicate-line':
            lines.splice(line, 0, lines[line]);
            text = lines.join('\n');
            break;
          case 'swap-lines': {
            const other = (line + length) % lines.length;
            [lines[line], lines[other]] = [lines[other], lines[line]];
            text = lines.join('\n');
            break;
          }
          case 'truncate':
            text = text.slice(0, pos);
            break;
          case 'indent':
            lines[line] = ' '.repeat(length) + lines[line];
            text = lines.join('\n');
            break;
        }
      }
      return text;
    });

describe('parseWorkflow on random and mutated documents', () => {
  it('never throws on arbitrary text, as YAML and as JSON', () => {
    check(fc.tuple(fc.string({ maxLength: 300, unit: 'binary' }), fc.constantFrom('w.yaml', 'w.json', 'w')), ([text, file]) =>
      expectWellFormed(parse(text, file)),
    );
  });

  it('never throws on random JSON values, as YAML and as JSON', () => {
    check(fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.boolean()), ([json, asYaml]) =>
      expectWellFormed(asYaml ? parse(toYaml(json), 'w.yaml') : parse(JSON.stringify(json), 'w.json')),
    );
  });

  it('ends random workflow-shaped documents in a valid workflow or issues with path and message', () => {
    let valid = 0;
    check(fc.tuple(workflowDocument, fc.boolean()), ([doc, asYaml]) => {
      const result = asYaml ? parse(toYaml(doc), 'w.yaml') : parse(JSON.stringify(doc), 'w.json');
      expectWellFormed(result);
      if (result.ok) valid++;
    });
    // The generator is wide: most documents are wrong somewhere.
    expect(valid).toBeLessThan(RUNS);
  });

  it('never throws on mutated valid YAML workflows, and positions every issue', () => {
    for (const seed of SEEDS_YAML) expect(parse(seed, 'w.yaml').ok).toBe(true);
    check(mutated(SEEDS_YAML), (text) => {
      const result = parse(text, 'w.yaml');
      expectWellFormed(result);
      if (!result.ok && text.trim() !== '') {
        // Every YAML issue but the whole-document ones has a line.
        for (const issue of result.issues) if (issue.path !== '') expect(issue.line).toBeGreaterThanOrEqual(1);
      }
    });
  });

  it('never throws on mutated valid JSON workflows', () => {
    for (const seed of SEEDS_JSON) expect(parse(seed, 'w.json').ok).toBe(true);
    check(mutated(SEEDS_JSON), (text) => expectWellFormed(parse(text, 'w.json')));
  });

  it.each([
    ['JSON lists', 'w.json', (d: number) => '['.repeat(d) + ']'.repeat(d)],
    ['JSON objects', 'w.json', (d: number) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)],
    ['YAML flow lists', 'w.yaml', (d: number) => '['.repeat(d) + ']'.repeat(d)],
    ['YAML flow mappings', 'w.yaml', (d: number) => '{a: '.repeat(d) + '1' + '}'.repeat(d)],
    ['YAML block lists on one line', 'w.yaml', (d: number) => '- '.repeat(d) + 'x'],
    ['YAML indented block mappings', 'w.yaml', (d: number) => Array.from({ length: d }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1'],
    ['inputs nested in a step', 'w.yaml', (d: number) => `steps:\n  - id: a\n    type: shell\n    run: "true"\n    inputs: { x: ${'['.repeat(d)}${']'.repeat(d)} }\n`],
  ])('rejects %s nested thousands deep with a clear issue, every time (the process survives)', (_what, file, make) => {
    for (const depth of [65, 1000, 5000, 20_000]) {
      if (make(depth).length > 5_000_000) continue; // indented forms grow with the square of the depth
      // Twice: a stack overflow inside the YAML composer used to abort the process on the next parse.
      for (let i = 0; i < 2; i++) {
        const result = parse(make(depth), file);
        expectWellFormed(result);
        expect(result.ok).toBe(false);
        expect(result.issues[0].message).toMatch(/nest deeper than 64 levels/);
      }
    }
    expect(parse(make(30), file).issues.every((issue) => !/nest deeper/.test(issue.message))).toBe(true);
  });

  it('rejects aliases that nest deeper than the text or refer to themselves', () => {
    const chain = ['a0: &a0 [1]', ...Array.from({ length: 80 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`)].join('\n');
    for (const text of ['steps: &s [*s]', `${chain}\nsteps: []`]) {
      const result = parse(text, 'w.yaml');
      expectWellFormed(result);
      expect(result.ok).toBe(false);
      expect(result.issues[0].message).toMatch(/nest deeper than 64 levels \(or an alias refers to itself\)|Excessive alias count/);
    }
  });

  it('rejects an alias bomb quickly', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'steps: *i'].join('\n');
    const result = parse(bomb, 'w.yaml');
    expectWellFormed(result);
    expect(result.ok).toBe(false);
  });

  it('reads the same through a worker boundary: value, issues and every position survive a structured clone', () => {
    check(fc.tuple(workflowDocument, fc.boolean()), ([doc, asYaml]) => {
      const text = asYaml ? toYaml(doc) : JSON.stringify(doc);
      const format = asYaml ? 'yaml' : 'json';
      const reading = structuredClone(readDocumentForTransfer(text, format));
      const options = { rootDir: __dirname, stepTypes, fileName: `w.${format}` };
      expect(validateWorkflowDocument(documentFromReading(text, reading), options)).toEqual(parse(text, `w.${format}`));
    });
  });
});

describe('parseWorkflow on hostile shapes (the bench times them at 1 MiB: npm run bench, section 7)', () => {
  const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  // Not timed here (the bench times these shapes): only what they parse to.
  const parseHostile = (text: string, fileName: string) => parseWorkflow(text, { fileName, rootDir: __dirname, stepTypes });

  it.each(hostileDocuments(64 * 1024).map((doc) => [doc.shape, doc] as const))('%s: the expected outcome, the same through a worker boundary', (_shape, doc) => {
    const result = parseHostile(doc.text, `hostile.${doc.format}`);
    expectWellFormed(result);
    if (doc.valid) expect(result.issues).toEqual([]);
    else expect(result.issues[0]?.message).toMatch(doc.issue!);
    const reading = structuredClone(readDocumentForTransfer(doc.text, doc.format));
    const options = { rootDir: __dirname, stepTypes, fileName: `hostile.${doc.format}` };
    expect(validateWorkflowDocument(documentFromReading(doc.text, reading), options)).toEqual(result);
  });

  it('finds a duplicate key at the end of a flat mapping of thousands of keys, at its line and column', () => {
    const doc = hostileDocuments(128 * 1024).find((d) => d.shape === 'flat mapping, duplicate key last')!;
    expect(parseHostile(doc.text, 'hostile.yaml').issues).toEqual([
      { path: '', line: lineCount(doc.text), column: 7, message: 'invalid YAML: duplicate key "k0"; each key may appear once per mapping' },
    ]);
  });

  it('lists the first 1000 issues of a document with thousands, then says how many more there are', () => {
    const doc = hostileDocuments(96 * 1024).find((d) => d.shape === 'many steps, each needing an unknown step')!;
    const steps = (doc.text.match(/^ {2}- id:/gm) ?? []).length;
    const result = parseHostile(doc.text, 'hostile.yaml');
    expect(steps).toBeGreaterThan(1500);
    expect(result.issues).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(result.issues[0]).toMatchObject({ path: 'steps[0].needs[0]', line: 6, column: 13 });
    expect(result.issues[MAX_LISTED_ISSUES].message).toBe(
      `… and ${steps - MAX_LISTED_ISSUES} more problems not listed (only the first ${MAX_LISTED_ISSUES} are); fix these and validate again`,
    );
  });
});

// ---------------------------------------------------------------- conditions

const conditionTokens = fc.constantFrom(
  'steps.a.outputs.x', 'steps.b.status', '${steps.a.outputs.n}', 'steps.', 'steps.a', 'true', 'false', 'null', '1', '-2.5e3', "'s'", '"d\\n"', "'unterminated",
  '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!', '(', ')', ' ', '$', '${', '}', '.', 'foo', '=', '&', '|', '\\', '\u0000',
);
const conditionSource = fc.oneof(
  fc.string({ maxLength: 80, unit: 'binary' }),
  fc.array(conditionTokens, { maxLength: 30 }).map((tokens) => tokens.join('')),
  fc.array(conditionTokens, { maxLength: 30 }).map((tokens) => tokens.join(' ')),
);
const scopeOutputs = fc.jsonValue({ maxDepth: 3 });
const scopeOf = (outputs: unknown, status: string): ReferenceScope => ({ step: (id) => (id === 'a' || id === 'b' ? { status, outputs } : undefined) });

describe('parseCondition and evaluateCondition on random input', () => {
  it('either parses or throws ConditionSyntaxError, never another error', () => {
    check(conditionSource, (source) => {
      try {
        const condition = parseCondition(source);
        expect(condition.source).toBe(source);
      } catch (error) {
        expect(error).toBeInstanceOf(ConditionSyntaxError);
        expect((error as ConditionSyntaxError).message).toMatch(/column \d+/);
      }
    }, 1000);
  });

  it('evaluates what parsed to a boolean or throws ConditionEvaluationError, whatever the outputs', () => {
    check(fc.tuple(conditionSource, scopeOutputs, fc.constantFrom('succeeded', 'failed', 'skipped')), ([source, outputs, status]) => {
      let condition;
      try {
        condition = parseCondition(source);
      } catch {
        return;
      }
      try {
        expect(typeof evaluateCondition(condition, scopeOf(outputs, status))).toBe('boolean');
      } catch (error) {
        expect(error).toBeInstanceOf(ConditionEvaluationError);
      }
    }, 1000);
  });

  it.each([
    ['parentheses', (d: number) => '('.repeat(d) + 'true' + ')'.repeat(d), true],
    ['negations', (d: number) => '!'.repeat(d) + 'true', true],
    ['unclosed parentheses', (d: number) => '('.repeat(d), true],
    ['long && chains', (d: number) => Array(d).fill('true').join(' && '), false],
  ])('handles deep %s without overflowing the stack', (_what, make, nests) => {
    for (const depth of [MAX_CONDITION_DEPTH, MAX_CONDITION_DEPTH + 1, 2000, 100_000]) {
      try {
        parseCondition(make(depth));
      } catch (error) {
        expect(error).toBeInstanceOf(ConditionSyntaxError);
      }
    }
    if (nests) expect(() => parseCondition(make(MAX_CONDITION_DEPTH + 1))).toThrow(/deeper than|expected/);
    expect(() => parseCondition(make(100_000))).toThrow(/characters long/);
  });
});

// ---------------------------------------------------------------- references

describe('resolveValue on random values and scopes', () => {
  const text = fc.array(fc.oneof(referenceText, fc.string({ maxLength: 6 }), fc.constantFrom('$', '{', '}', '$$', '${item.0}', '${index}')), { maxLength: 6 }).map((parts) => parts.join(''));
  const resolvable = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, text, fc.jsonValue({ maxDepth: 1 }), tie('list'), tie('map')),
    list: fc.array(tie('node'), { maxLength: 3 }),
    map: fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 3 }),
  })).node;

  it('never throws, never mutates its input, and leaves strings without ${ as they are', () => {
    check(
      fc.tuple(resolvable, scopeOutputs, fc.option(fc.jsonValue({ maxDepth: 2 })), fc.option(fc.nat())),
      ([input, outputs, item, index]) => {
        const before = JSON.stringify(input);
        const scope: ReferenceScope = { ...scopeOf(outputs, 'succeeded'), ...(item === null ? {} : { item, index: index ?? 0 }) };
        const resolved = resolveValue(input, scope);
        expect(JSON.stringify(input)).toBe(before);
        if (typeof input === 'string' && !input.includes('${')) expect(resolved).toBe(input);
      },
      1000,
    );
  });

  it('gives the referenced value itself for a whole reference, and null for anything missing', () => {
    check(scopeOutputs, (outputs) => {
      const scope = scopeOf(outputs, 'succeeded');
      expect(resolveValue('${steps.a.outputs}', scope)).toEqual(outputs);
      expect(resolveValue('${steps.zzz.outputs.x}', scope)).toBeNull();
      expect(resolveValue('${steps.a.outputs.constructor}', scope)).toBeNull();
    });
  });

  afterAll(() => {
    process.stdout.write(`fuzz: ${totalRuns} generated cases\n`);
  });
});
