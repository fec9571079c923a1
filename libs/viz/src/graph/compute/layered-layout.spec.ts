import { layeredLayout, type LayeredLayoutResult, type LayoutPoint } from './layered-layout';
import { basisPath, bumpPath, layoutGraph } from './graph-layout';
import { collapseGraph } from './graph-collapse';
import { pipeline200Workflow, pipeline1000Workflow } from '../../fixtures/big-workflows';
import type { FixtureWorkflow } from '../../fixtures/run-fixture';

const opts = { rankSep: 60, nodeSep: 16, margin: 16 };
const W = 180;
const H = 50;
const size = () => ({ width: W, height: H });
type Edge = [string, string];

const lay = (order: readonly string[], edges: readonly Edge[], sizes?: Record<string, { width: number; height: number }>) =>
  layeredLayout(order, edges, (id) => sizes?.[id] ?? size(), opts);

function graphOf(wf: FixtureWorkflow): { order: string[]; edges: Edge[] } {
  return { order: wf.steps.map((s) => s.id), edges: wf.steps.flatMap((s) => (s.needs ?? []).map((d) => [d, s.id] as Edge)) };
}

/** A fixed pseudo-random sequence (tests must not depend on Math.random). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** No two nodes overlap (boxes, with `nodeSep` between nodes of a column), all inside the bounds. */
function expectNoOverlap(r: LayeredLayoutResult) {
  const columns = new Map<number, { y: number; height: number }[]>();
  for (const n of r.nodes.values()) columns.set(n.x, [...(columns.get(n.x) ?? []), n]);
  for (const col of columns.values()) {
    col.sort((p, q) => p.y - q.y);
    for (let i = 1; i < col.length; i++)
      expect(col[i]!.y - col[i]!.height / 2 - (col[i - 1]!.y + col[i - 1]!.height / 2)).toBeGreaterThanOrEqual(opts.nodeSep - 1e-6);
  }
  for (const n of r.nodes.values()) {
    expect(n.y - n.height / 2).toBeGreaterThanOrEqual(opts.margin - 1e-6);
    expect(n.y + n.height / 2).toBeLessThanOrEqual(r.height - opts.margin + 1e-6);
    expect(n.x + n.width / 2).toBeLessThanOrEqual(r.width - opts.margin + 1e-6);
  }
}

/** Every edge ends further right than it starts, with its points in between, left to right. */
function expectRightwards(r: LayeredLayoutResult, edges: readonly Edge[]) {
  for (const [a, b] of edges) {
    const from = r.nodes.get(a)!;
    const to = r.nodes.get(b)!;
    expect(from.x + from.width / 2).toBeLessThan(to.x - to.width / 2);
    let x = from.x;
    for (const p of r.points.get(`${a}→${b}`) ?? []) {
      expect(p.x).toBeGreaterThan(x);
      x = p.x;
    }
    expect(to.x).toBeGreaterThan(x);
  }
}

const inside = (p: LayoutPoint, n: { x: number; y: number; width: number; height: number }, pad = 0) =>
  Math.abs(p.x - n.x) < n.width / 2 + pad && Math.abs(p.y - n.y) < n.height / 2 + pad;

/** Edge crossings between adjacent columns, counted from the drawing (each edge through its points). */
function drawnCrossings(r: LayeredLayoutResult, edges: readonly Edge[]): number {
  const segments: { x: number; y0: number; y1: number; edge: number }[] = [];
  edges.forEach(([a, b], i) => {
    const line = [r.nodes.get(a)!, ...(r.points.get(`${a}→${b}`) ?? []), r.nodes.get(b)!];
    for (let k = 1; k < line.length; k++) segments.push({ x: line[k - 1]!.x, y0: line[k - 1]!.y, y1: line[k]!.y, edge: i });
  });
  let count = 0;
  for (let i = 0; i < segments.length; i++)
    for (let j = i + 1; j < segments.length; j++) {
      const s = segments[i]!;
      const t = segments[j]!;
      if (s.x === t.x && s.edge !== t.edge && (s.y0 - t.y0) * (s.y1 - t.y1) < 0) count++;
    }
  return count;
}

describe('layeredLayout', () => {
  it('ranks by longest path: every edge goes rightwards, fan-ins after all their dependencies', () => {
    const edges: Edge[] = [['a', 'b'], ['b', 'c'], ['a', 'd'], ['c', 'd']];
    const r = lay(['a', 'b', 'c', 'd'], edges);
    const x = (id: string) => r.nodes.get(id)!.x;
    expect(x('a')).toBeLessThan(x('b'));
    expect(x('b')).toBeLessThan(x('c'));
    expect(x('c')).toBeLessThan(x('d'));
    expect(r.width).toBe(4 * W + 3 * 60 + 2 * 16);
    expect(r.ranks).toBe(4);
    expectRightwards(r, edges);
  });

  it('draws a chain as one straight horizontal line', () => {
    const r = lay(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'c'], ['c', 'd']]);
    const ys = ['a', 'b', 'c', 'd'].map((id) => r.nodes.get(id)!.y);
    for (const y of ys) expect(y).toBeCloseTo(ys[0]!, 6);
    expect(r.height).toBe(H + 2 * 16);
  });

  it('keeps chains straight inside a bigger graph: a fan-out into parallel chains', () => {
    const order = ['root'];
    const edges: Edge[] = [];
    for (let i = 0; i < 4; i++) {
      order.push(`a${i}`, `b${i}`, `c${i}`);
      edges.push(['root', `a${i}`], [`a${i}`, `b${i}`], [`b${i}`, `c${i}`]);
    }
    const r = lay(order, edges);
    for (let i = 0; i < 4; i++) {
      expect(r.nodes.get(`b${i}`)!.y).toBeCloseTo(r.nodes.get(`a${i}`)!.y, 6);
      expect(r.nodes.get(`c${i}`)!.y).toBeCloseTo(r.nodes.get(`a${i}`)!.y, 6);
    }
    const a = [0, 1, 2, 3].map((i) => r.nodes.get(`a${i}`)!.y);
    expect(r.nodes.get('root')!.y).toBeCloseTo((Math.min(...a) + Math.max(...a)) / 2, 6);
  });

  it.each([5, 4])('centres a node on its %i dependants, and a fan-in on its dependencies', (k) => {
    const kids = Array.from({ length: k }, (_, i) => `c${i}`);
    const out = lay(['p', ...kids], kids.map((c) => ['p', c] as Edge));
    const ys = kids.map((c) => out.nodes.get(c)!.y).sort((p, q) => p - q);
    expect(out.nodes.get('p')!.y).toBeCloseTo((ys[0]! + ys[k - 1]!) / 2, 6);
    // packed: nodeSep apart, no more
    for (let i = 1; i < k; i++) expect(ys[i]! - ys[i - 1]!).toBeCloseTo(H + 16, 6);
    expect(out.height).toBe(k * H + (k - 1) * 16 + 2 * 16);

    const into = lay([...kids, 'q'], kids.map((c) => [c, 'q'] as Edge));
    const ins = kids.map((c) => into.nodes.get(c)!.y).sort((p, q) => p - q);
    expect(into.nodes.get('q')!.y).toBeCloseTo((ins[0]! + ins[k - 1]!) / 2, 6);
  });

  it('routes a long edge through a point in each rank it crosses, clear of every node', () => {
    // a→d spans three ranks; b and c sit on the straight line from a to d.
    const order = ['a', 'b', 'c', 'd', 'e', 'f'];
    const edges: Edge[] = [['a', 'b'], ['b', 'c'], ['c', 'd'], ['a', 'd'], ['a', 'e'], ['e', 'f'], ['f', 'd']];
    const r = lay(order, edges);
    const pts = r.points.get('a→d')!;
    expect(pts).toHaveLength(2);
    expect(pts.map((p) => p.x)).toEqual([r.nodes.get('b')!.x, r.nodes.get('c')!.x]);
    for (const p of pts) for (const n of r.nodes.values()) expect(inside(p, n, opts.nodeSep - 1e-6)).toBe(false);
    expect(r.points.has('a→b')).toBe(false);
    expectRightwards(r, edges);
    expectNoOverlap(r);
    expect(r.crossings).toBe(0);
    expect(drawnCrossings(r, edges)).toBe(0);
  });

  it('routes every long edge of the big fixtures clear of every node', () => {
    const { order, edges } = graphOf(pipeline200Workflow());
    const r = lay(order, edges);
    const boxes = [...r.nodes.values()];
    let long = 0;
    for (const pts of r.points.values())
      for (const p of pts) {
        long++;
        for (const n of boxes) expect(inside(p, n)).toBe(false);
      }
    expect(long).toBeGreaterThan(10);
  });

  it('finds a drawing without crossings when there is one (a shuffled tree, a ladder)', () => {
    const rnd = lcg(7);
    const ids = Array.from({ length: 60 }, (_, i) => `n${i}`);
    const tree: Edge[] = ids.slice(1).map((id, i) => [ids[Math.floor(rnd() * (i + 1))]!, id]);
    const shuffled = [...ids].sort(() => rnd() - 0.5);
    const t = lay(shuffled, [...tree].reverse());
    expect(t.crossings).toBe(0);
    expect(drawnCrossings(t, tree)).toBe(0);
    // a ladder declared in an order that crosses every rung: a_i→a_i+1, b_i→b_i+1, a_i→b_i+1
    const order: string[] = [];
    const ladder: Edge[] = [];
    for (let i = 0; i < 8; i++) order.push(i % 2 ? `a${i}` : `b${i}`, i % 2 ? `b${i}` : `a${i}`);
    for (let i = 0; i < 7; i++) ladder.push([`b${i}`, `b${i + 1}`], [`a${i}`, `b${i + 1}`], [`a${i}`, `a${i + 1}`]);
    const l = lay(order, ladder);
    expect(l.crossings).toBe(0);
    expect(drawnCrossings(l, ladder)).toBe(0);
  });

  it('gives every node of a column its own room, with the column as wide as its widest node', () => {
    const sizes = { big: { width: 300, height: 200 }, small: { width: 100, height: 20 } };
    const edges: Edge[] = [['a', 'big'], ['a', 'small'], ['a', 'c'], ['big', 'd'], ['small', 'd'], ['c', 'd']];
    const r = lay(['a', 'big', 'small', 'c', 'd'], edges, sizes);
    expectNoOverlap(r);
    expectRightwards(r, edges);
    expect(r.nodes.get('d')!.x - W / 2).toBe(16 + W + 60 + 300 + 60);
    expect(r.nodes.get('big')!.x).toBe(r.nodes.get('small')!.x);
  });

  // Every sample lane of the pipelines joins two fans (`index_reference` into each lane's `align`,
  // each lane's `qc_report` into `multiqc_report`), so any layered drawing of n lanes has on the
  // order of n²/2 crossings: 17 lanes (200 steps) and 90 lanes (1,000 steps). The bounds are the
  // figures the layout reaches (208 and 6,030; the depth-first start order has 289 and 8,100).
  it.each([
    ['200', pipeline200Workflow, 220],
    ['1,000', pipeline1000Workflow, 6_300],
  ])('lays out the %s-step pipeline (unfolded and folded) rightwards, without overlaps, in few crossings', (_, wf, most) => {
    const { order, edges } = graphOf(wf());
    const folded = collapseGraph(order, edges, { minChain: 4, expanded: new Set(), keep: () => false });
    for (const [o, e] of [
      [order, edges],
      [folded.order, folded.edges as Edge[]],
    ] as const) {
      const r = lay(o, e);
      expect(r.nodes.size).toBe(o.length);
      expectNoOverlap(r);
      expectRightwards(r, e);
      expect(r.crossings).toBeLessThanOrEqual(most);
      // the ordering sweeps remove at least a fifth of the start order's crossings
      const start = layeredLayout(o, e, size, { ...opts, sweeps: 0 });
      expect(r.crossings).toBeLessThan(start.crossings * 0.8);
    }
  });

  it('lays out 1,000 steps in well under a second', () => {
    const { order, edges } = graphOf(pipeline1000Workflow());
    lay(order, edges);
    const t0 = performance.now();
    lay(order, edges);
    // ~20 ms in plain Node; generous for instrumented or busy test runs
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('is deterministic: the same input gives the same layout', () => {
    const { order, edges } = graphOf(pipeline200Workflow());
    const a = lay(order, edges);
    const b = lay([...order], edges.map((e) => [...e] as Edge));
    expect([...b.nodes]).toEqual([...a.nodes]);
    expect([...b.points]).toEqual([...a.points]);
    expect(b.width).toBe(a.width);
    expect(b.height).toBe(a.height);
  });

  it('terminates on cycles, self-loops, duplicate edges and unknown ids (invalid input)', () => {
    const edges: Edge[] = [['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd'], ['d', 'd'], ['a', 'b'], ['x', 'a']];
    const r = lay(['a', 'b', 'c', 'd'], edges);
    expect([...r.nodes.keys()]).toEqual(['a', 'b', 'c', 'd']);
    expectNoOverlap(r);
    // the cycle is broken by declaration order: a first
    expect(r.nodes.get('a')!.x).toBeLessThan(r.nodes.get('b')!.x);
    expect(r.nodes.get('b')!.x).toBeLessThan(r.nodes.get('c')!.x);
    const ring = Array.from({ length: 500 }, (_, i) => `r${i}`);
    const ringEdges = ring.map((id, i) => [id, ring[(i + 1) % 500]!] as Edge);
    const big = lay(ring, [...ringEdges, ['r10', 'r400'], ['r450', 'r20']]);
    expect(big.nodes.size).toBe(500);
    for (const n of big.nodes.values()) expect(Number.isFinite(n.x) && Number.isFinite(n.y)).toBe(true);
    expectNoOverlap(big);
    expect(lay([], [])).toMatchObject({ width: 0, height: 0, ranks: 0 });
  });
});

describe('layoutGraph with the layered layout', () => {
  it('draws an edge to the next rank as one horizontal bump, a long edge as a spline through its points', () => {
    const g = layoutGraph(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'c'], ['c', 'd'], ['a', 'd']]);
    expect(g).not.toHaveProperty('engine');
    const path = (from: string, to: string) => g.edges.find((e) => e.from === from && e.to === to)!.path;
    expect(path('a', 'b')).toMatch(/^M[\d.]+,[\d.]+C[^C]+$/);
    expect(path('a', 'd').match(/C/g)!.length).toBeGreaterThan(3);
    // the long edge's drawn curve stays clear of b and c
    const box = (id: string) => {
      const n = g.nodes.find((m) => m.id === id)!;
      return { x: n.x + n.width / 2, y: n.y + n.height / 2, width: n.width, height: n.height };
    };
    for (const p of sample(path('a', 'd'))) for (const id of ['b', 'c']) expect(inside(p, box(id))).toBe(false);
    expect(g.crossings).toBe(0);
  });

  it('draws paths as d3 did (curveBumpX, curveBasis)', () => {
    expect(bumpPath({ x: 0, y: 10 }, { x: 100, y: 40 })).toBe('M0,10C50,10,50,40,100,40');
    const pts = [
      { x: 0, y: 0 },
      { x: 12, y: 0 },
      { x: 60, y: 30 },
      { x: 120, y: 30 },
      { x: 132, y: 0 },
      { x: 144, y: 0 },
    ];
    // d3's curveBasis algorithm (d3-shape src/curve/basis.js) run by hand on the same points
    expect(basisPath(pts)).toBe(
      'M0,0L2,0C4,0,8,0,18,5C28,10,44,20,62,25C80,30,100,30,112,25C124,20,128,10,132,5C136,0,140,0,142,0L144,0',
    );
    expect(basisPath(pts.slice(0, 2))).toBe('M0,0L12,0');
  });
});

/** Points along an SVG path made of M, L and C commands. */
function sample(d: string): LayoutPoint[] {
  const out: LayoutPoint[] = [];
  let at = { x: 0, y: 0 };
  for (const [, cmd, args] of d.matchAll(/([MLC])([^MLC]*)/g)) {
    const v = args!.split(',').map(Number);
    if (cmd === 'C') {
      const [x1, y1, x2, y2, x, y] = v as [number, number, number, number, number, number];
      for (let t = 0; t <= 1; t += 0.05) {
        const s = 1 - t;
        out.push({
          x: s * s * s * at.x + 3 * s * s * t * x1 + 3 * s * t * t * x2 + t * t * t * x,
          y: s * s * s * at.y + 3 * s * s * t * y1 + 3 * s * t * t * y2 + t * t * t * y,
        });
      }
      at = { x, y };
    } else {
      at = { x: v[0]!, y: v[1]! };
      out.push(at);
    }
  }
  return out;
}
