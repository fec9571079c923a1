import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchOptions, GoalResult, RegressionCheck, SectionResult } from '../report.types';

/** What the kit added to an app when issue 14 was filed (React and react-dom excluded): the budget. */
export const BUDGET = { minBytes: 131_000, gzipBytes: 41_000 } as const;

/** Each import an embedder might write, from every widget to a single one. */
export const ENTRIES: readonly { readonly name: string; readonly imports: readonly string[] }[] = [
  {
    name: 'the full kit (every widget, the theme, the live hook)',
    imports: ['ExecutionGraph', 'ParallelTimeline', 'ParallelismIndicator', 'SpeedupDashboard', 'ExecutionHistoryTable', 'WorkerList', 'WeftTheme', 'ConnectionNotice', 'useRunEvents'],
  },
  { name: 'ExecutionGraph', imports: ['ExecutionGraph'] },
  { name: 'ParallelTimeline', imports: ['ParallelTimeline'] },
  { name: 'SpeedupDashboard', imports: ['SpeedupDashboard'] },
  { name: 'ParallelismIndicator + useRunEvents', imports: ['ParallelismIndicator', 'useRunEvents'] },
];

export interface BundleFigures {
  readonly minBytes: number;
  readonly gzipBytes: number;
  /** Minified bytes by where they come from (a package, or a folder of @weft/viz or @weft/core). */
  readonly parts: readonly (readonly [string, number])[];
}

/** `node_modules/d3-shape/src/line.js` → `d3-shape`; `libs/viz/dist/graph/x.js` → `@weft/viz graph`. */
export function partOf(input: string): string {
  const modules = input.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = input.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const weft = /libs\/(viz|core)\/(?:dist\/esm|dist|src)\/([^/]+)/.exec(input);
  if (weft) return `@weft/${weft[1]} ${weft[2]!.replace(/\.js$/, '')}`;
  return input;
}

/**
 * Bundles `import { … } from '@weft/viz'` as an app's bundler would (esbuild: ES modules, tree
 * shaking, minified), with React and react-dom left out (the app has them anyway).
 */
export async function bundleSize(root: string, imports: readonly string[]): Promise<BundleFigures> {
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const result = await esbuild.build({
    stdin: {
      contents: `import { ${imports.join(', ')} } from '@weft/viz';\nexport const used = [${imports.join(', ')}];\n`,
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Resolve through the packages' exports as an app outside the repository does (not the repo's tsconfig paths to the sources).
    tsconfigRaw: '{}',
    external: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const parts = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) parts.set(partOf(input), (parts.get(partOf(input)) ?? 0) + bytesInOutput);
  return {
    minBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    parts: [...parts].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]),
  };
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

/** Section 10: what @weft/viz adds to an app's JavaScript, against the budget of issue 14. */
export async function vizBundleBench(options: BenchOptions): Promise<SectionResult> {
  if (!existsSync(join(options.root, 'libs/viz/dist/index.js'))) throw new Error('libs/viz/dist is missing: run `npm run build` (or the bench without --no-build)');
  const rows: (string | number)[][] = [];
  let full: BundleFigures | undefined;
  for (const entry of ENTRIES) {
    const figures = await bundleSize(options.root, entry.imports);
    full ??= figures;
    rows.push([entry.name, kB(figures.minBytes), kB(figures.gzipBytes)]);
    options.log(`  ${entry.name}: ${kB(figures.minBytes)} min, ${kB(figures.gzipBytes)} gzip`);
  }
  const goals: GoalResult[] = [
    { goal: `the full kit adds ≤ ${kB(BUDGET.minBytes)} minified`, measured: kB(full!.minBytes), pass: full!.minBytes <= BUDGET.minBytes },
    { goal: `the full kit adds ≤ ${kB(BUDGET.gzipBytes)} gzip`, measured: kB(full!.gzipBytes), pass: full!.gzipBytes <= BUDGET.gzipBytes },
  ];
  // Sizes do not depend on the machine: the quick mode holds the kit to its budget.
  const checks: RegressionCheck[] = [{ check: 'full @weft/viz kit, gzip bytes / budget', ratio: full!.gzipBytes / BUDGET.gzipBytes, limit: 1 }];
  return {
    title: '10. Component kit bundle size',
    method:
      "What `import { … } from '@weft/viz'` adds to an app's JavaScript: the packages' dist bundled by esbuild as an app's bundler " +
      'would (ES modules, tree shaking, minified, `NODE_ENV=production`), React and react-dom left out since the app has them; gzip at level 9. ' +
      `The budget is what the kit added when issue 14 was filed (${kB(BUDGET.minBytes)} min, ${kB(BUDGET.gzipBytes)} gzip), before big-graph navigation, themes and connection errors were added. ` +
      'The same measure of the kit as it was then (commit 1ecb1ad, with d3 and dagre, and the CommonJS build of @weft/core that bundlers cannot tree-shake) gave 195.4 kB min, 63.8 kB gzip.',
    tables: [
      { headers: ['import', 'minified', 'gzip'], rows },
      {
        caption: 'Where the full kit’s minified bytes come from:',
        headers: ['part', 'minified'],
        rows: full!.parts.slice(0, 12).map(([part, bytes]) => [part, kB(bytes)]),
      },
    ],
    goals,
    checks,
  };
}
