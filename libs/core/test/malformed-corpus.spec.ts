/**
 * A corpus of malformed workflows, one per file in `corpus/`, covering every rule of docs/workflows.md. Each
 * file's expected issues are in `corpus/expected.json`:
 *
 * ```json
 * { "file.yaml": { "issues": [{ "at": "3:11", "path": "steps[0].timeout", "message": "substring" }], "count": 1 } }
 * ```
 *
 * `at` is `line:column`, or `line:` for the line only, and is left out where the position is not the
 * point. `count` (the exact number of issues) defaults to the number of issues listed, so every issue
 * a file produces is accounted for.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinStepTypes } from '@weft/step-types';
import { formatIssue, parseWorkflow, StepTypeRegistry, type ValidationIssue } from '@weft/core';

interface ExpectedIssue {
  readonly at?: string;
  readonly path: string;
  readonly message: string;
}
interface Expected {
  readonly issues: readonly ExpectedIssue[];
  readonly count?: number;
}

const CORPUS = join(__dirname, 'corpus');
const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, Expected>;
const files = readdirSync(CORPUS).filter((file) => /\.(ya?ml|json)$/.test(file) && file !== 'expected.json').sort();
const stepTypes = new StepTypeRegistry(builtinStepTypes());

function matches(issue: ValidationIssue, want: ExpectedIssue): boolean {
  if (issue.path !== want.path || !issue.message.includes(want.message)) return false;
  if (want.at === undefined) return true;
  const [line, column] = want.at.split(':');
  return String(issue.line) === line && (column === '' || String(issue.column) === column);
}

describe('malformed workflow corpus', () => {
  it('has at least 50 files, each with its expected issues and each expectation with its file', () => {
    expect(files.length).toBeGreaterThanOrEqual(50);
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it.each(files)('%s is rejected with the expected issues', (file) => {
    const result = parseWorkflow(readFileSync(join(CORPUS, file), 'utf8'), { fileName: file, rootDir: CORPUS, stepTypes });
    expect(result.ok).toBe(false);
    const issues = result.issues;
    const shown = issues.map((issue) => formatIssue(issue, file)).join('\n');
    const { issues: wanted, count = wanted.length } = expected[file];
    for (const want of wanted) {
      if (!issues.some((issue) => matches(issue, want))) {
        throw new Error(`${file}: no issue matches ${JSON.stringify(want)}; got:\n${shown}`);
      }
    }
    if (issues.length !== count) throw new Error(`${file}: expected ${count} issues, got ${issues.length}:\n${shown}`);
    for (const issue of issues) {
      expect(issue.message.length).toBeGreaterThan(0);
      // A field's problem in a YAML or JSON file always says where it is.
      if (issue.path !== '' && issue.path !== 'steps') expect(issue.line).toBeGreaterThanOrEqual(1);
    }
  });
});
