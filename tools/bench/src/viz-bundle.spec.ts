import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUDGET, ENTRIES, bundleSize, partOf } from './sections/viz-bundle.bench';

describe('component kit bundle section', () => {
  it('names where bundled bytes come from', () => {
    expect(partOf('node_modules/d3-shape/src/line.js')).toBe('d3-shape');
    expect(partOf('../../node_modules/@dagrejs/dagre/dist/dagre.esm.js')).toBe('@dagrejs/dagre');
    expect(partOf('libs/viz/dist/graph/compute/graph-layout.js')).toBe('@weft/viz graph');
    expect(partOf('libs/core/dist/esm/coordinator/run-coordinator.js')).toBe('@weft/core coordinator');
    expect(partOf('libs/core/dist/browser.js')).toBe('@weft/core browser');
    expect(partOf('<stdin>')).toBe('<stdin>');
  });

  it('measures the full kit first', () => {
    expect(ENTRIES[0]!.imports).toEqual(expect.arrayContaining(['ExecutionGraph', 'ParallelTimeline', 'SpeedupDashboard', 'useRunEvents']));
    expect(BUDGET.gzipBytes).toBeLessThan(BUDGET.minBytes);
  });

  it('bundles as an app does: through package exports, tree-shaken, React left out', async () => {
    const root = mkdtempSync(join(tmpdir(), 'weft-bundle-'));
    try {
      const pkg = join(root, 'node_modules/@weft/viz');
      mkdirSync(join(pkg, 'dist'), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@weft/viz', type: 'module', exports: { '.': { default: './dist/index.js' } } }));
      writeFileSync(
        join(pkg, 'dist/index.js'),
        [
          "import { createElement } from 'react';",
          "export const Small = () => createElement('b', null, 'small widget');",
          `export const Big = () => createElement('i', null, ${JSON.stringify('x'.repeat(20_000))});`,
        ].join('\n'),
      );
      const small = await bundleSize(root, ['Small']);
      const both = await bundleSize(root, ['Small', 'Big']);
      expect(small.minBytes).toBeLessThan(300);
      expect(both.minBytes).toBeGreaterThan(20_000);
      expect(both.gzipBytes).toBeLessThan(both.minBytes / 10);
      expect(small.parts.map(([part]) => part).sort()).toEqual(['<stdin>', '@weft/viz']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
