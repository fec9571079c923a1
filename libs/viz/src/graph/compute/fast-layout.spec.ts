import { fastLayeredLayout } from './fast-layout';
import { layoutGraph } from './graph-layout';
import { pipeline1000Workflow } from '../../fixtures/big-workflows';

const opts = { rankSep: 60, nodeSep: 16, margin: 16 };
const size = () => ({ width: 180, height: 50 });

describe('fastLayeredLayout', () => {
  it('ranks by longest path: every edge goes rightwards, fan-ins after all their dependencies', () => {
    const r = fastLayeredLayout(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'c'], ['a', 'd'], ['c', 'd']], size, opts);
    const x = (id: string) => r.nodes.get(id)!.x;
    expect(x('a')).toBeLessThan(x('b'));
    expect(x('b')).toBeLessThan(x('c'));
    expect(x('c')).toBeLessThan(x('d'));
    expect(r.width).toBe(4 * 180 + 3 * 60 + 2 * 16);
  });

  it('lays out 1,000 steps with no two nodes of a column overlapping, inside its bounds', () => {
    const wf = pipeline1000Workflow();
    const order = wf.steps.map((s) => s.id);
    const edges = wf.steps.flatMap((s) => (s.needs ?? []).map((d) => [d, s.id] as [string, string]));
    const r = fastLayeredLayout(order, edges, size, opts);
    for (const [a, b] of edges) expect(r.nodes.get(a)!.x).toBeLessThan(r.nodes.get(b)!.x);
    const columns = new Map<number, number[]>();
    for (const n of r.nodes.values()) columns.set(n.x, [...(columns.get(n.x) ?? []), n.y]);
    for (const ys of columns.values()) {
      ys.sort((p, q) => p - q);
      for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(50 + 16 - 1e-6);
    }
    for (const n of r.nodes.values()) {
      expect(n.y - 25).toBeGreaterThanOrEqual(16 - 1e-6);
      expect(n.y + 25).toBeLessThanOrEqual(r.height - 16 + 1e-6);
    }
  });

  it('survives a cycle (invalid input) and is what layoutGraph uses for big graphs', () => {
    const r = fastLayeredLayout(['a', 'b'], [['a', 'b'], ['b', 'a']], size, opts);
    expect(r.nodes.size).toBe(2);
    const ids = Array.from({ length: 400 }, (_, i) => `n${i}`);
    const g = layoutGraph(ids, ids.slice(1).map((id, i) => [ids[i]!, id] as [string, string]));
    expect(g.engine).toBe('fast');
    expect(layoutGraph(['a', 'b'], [['a', 'b']]).engine).toBe('dagre');
  });
});
