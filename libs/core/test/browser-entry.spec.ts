/**
 * `@weft/core/browser` stays browser-safe: the `weft/browser-safe` lint rule finds nothing from the
 * real entry, and does find a Node module or a Node global however deep a test entry reaches it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Linter, type Rule } from 'eslint';
import { parser as tsParser } from 'typescript-eslint';
import * as browser from '../src/browser';

interface BrowserSafeRule {
  readonly rule: Rule.RuleModule;
  readonly findNodeOnlyUses: (
    entryFile: string,
  ) => readonly { file: string; line: number; message: string }[];
}
// Plain CommonJS, so that eslint.config.mjs loads it as it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rule, findNodeOnlyUses } = require('../../../tools/eslint/browser-safe.rule.cjs') as BrowserSafeRule;

const entry = join(__dirname, '../src/browser.ts');

describe('the browser entry', () => {
  it('reaches no Node module and no Node global', () => {
    expect(findNodeOnlyUses(entry)).toEqual([]);
  });

  it('exports the graph analysis, the list schedule, the coordinator and the speedup math', () => {
    const names = [
      'buildGraph',
      'topologicalLevels',
      'criticalPath',
      'DependencyGraphAnalyzer',
      'StepSchedule',
      'RunCoordinator',
      'simulateRun',
      'computeSpeedup',
      'parseCondition',
    ];
    expect(names.filter((name) => typeof (browser as Record<string, unknown>)[name] !== 'function')).toEqual(
      [],
    );
  });
});

describe('the weft/browser-safe rule', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const lint = (file: string, text: string) => {
    write(file, text);
    const config: Linter.Config[] = [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        plugins: { weft: { rules: { 'browser-safe': rule } } },
        rules: { 'weft/browser-safe': 'error' },
      },
    ];
    return new Linter({ cwd: root })
      .verify(text, config, { filename: join(root, file) })
      .map((m) => `${m.line}: ${m.message}`);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'weft-browser-safe-'));
    write('graph/pure.ts', 'export const pure = (n: number): number => n + 1;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('passes an entry whose imports are all pure', () => {
    expect(lint('entry.ts', "export * from './graph/pure';\n")).toEqual([]);
  });

  it('names the file, the import and the chain when a module deep down imports a Node built-in', () => {
    write(
      'graph/deep.ts',
      "import { pure } from './pure';\nexport * from './reads-file';\nexport const deep = pure;\n",
    );
    write(
      'graph/reads-file.ts',
      "import { readFileSync } from 'node:fs';\nexport const read = (p: string) => readFileSync(p, 'utf8');\n",
    );
    expect(
      lint('entry.ts', "export * from './graph/pure';\nexport { deep } from './graph/deep.js';\n"),
    ).toEqual([
      "2: graph/reads-file.ts:1 imports the Node module 'node:fs', reached through entry.ts → graph/deep.ts → graph/reads-file.ts. " +
        "A browser entry must not reach Node-only code: keep that module out of the entry's imports, or move its Node part to a module the entry does not import.",
    ]);
  });

  it('follows type-only imports and finds builtins without the node: prefix, Node globals and Node types', () => {
    write(
      'types.ts',
      "import type { Stats } from 'fs';\nexport type Size = Stats['size'];\nexport type Timer = NodeJS.Timeout;\n",
    );
    write('env.ts', "export const home = () => process.env.HOME ?? Buffer.from('').toString();\n");
    const messages = lint(
      'entry.ts',
      "export type { Size } from './types';\nexport { home } from './env';\n",
    );
    expect(messages.map((m) => m.slice(0, m.indexOf(', reached')))).toEqual([
      "1: types.ts:3 uses the Node global 'NodeJS'",
      "1: types.ts:1 imports the Node module 'fs'",
      "2: env.ts:1 uses the Node global 'process'",
      "2: env.ts:1 uses the Node global 'Buffer'",
    ]);
  });

  it('leaves a local that shadows a Node global alone, and reports an import it cannot resolve', () => {
    write('local.ts', 'export function run(process: { id: number }): number {\n  return process.id;\n}\n');
    expect(lint('entry.ts', "export * from './local';\nexport * from './missing';\n")).toEqual([
      "2: entry.ts:2 imports './missing', which this check cannot resolve to a TypeScript file, reached through entry.ts. " +
        "A browser entry must not reach Node-only code: keep that module out of the entry's imports, or move its Node part to a module the entry does not import.",
    ]);
  });
});
