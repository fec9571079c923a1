/** Where the layered layout put a node: its centre and size. */
export interface PlacedNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A point an edge passes through. */
export interface LayoutPoint {
  readonly x: number;
  readonly y: number;
}

export interface LayeredLayoutResult {
  readonly nodes: ReadonlyMap<string, PlacedNode>;
  /**
   * For each edge spanning more than one rank (key `from→to`): where it crosses each rank between
   * its ends (its dummy nodes), from `from` to `to`. Edges to the next rank have none.
   */
  readonly points: ReadonlyMap<string, readonly LayoutPoint[]>;
  readonly width: number;
  readonly height: number;
  /** Number of ranks (columns). */
  readonly ranks: number;
  /** Edge crossings between adjacent ranks in the final order (long edges counted through their dummies). */
  readonly crossings: number;
}

export interface LayeredLayoutOptions {
  /** Gap between ranks (columns). */
  readonly rankSep: number;
  /** Gap between nodes of a rank. */
  readonly nodeSep: number;
  readonly margin: number;
  /** Most ordering sweeps (down or up); by default scaled to the graph's size. */
  readonly sweeps?: number;
}

/** Edge weights for the coordinate assignment: long edges (through dummies) pull hardest, so they stay straight. */
const W_REAL = 1;
const W_MIXED = 2;
const W_DUMMY = 8;
/** Most coordinate passes of each kind (they usually settle well before). */
const MAX_PLACEMENT_PASSES = 60;
/** Sweeps without fewer crossings after which the ordering stops. */
const PATIENCE = 4;

/** The edges between two adjacent ranks crossing each other, given the lower rank's order (Barth–Jünger–Mutzel accumulator tree, O(E log V)). */
function countCrossings(upper: readonly number[], lowerSize: number, down: readonly (readonly number[])[], pos: Int32Array, tree: Int32Array): number {
  let first = 1;
  while (first < lowerSize) first <<= 1;
  const size = 2 * first - 1;
  tree.fill(0, 0, size);
  first -= 1;
  let count = 0;
  const ends: number[] = [];
  for (const u of upper) {
    ends.length = 0;
    for (const w of down[u]!) ends.push(pos[w]!);
    if (ends.length > 1) ends.sort((p, q) => p - q);
    for (const e of ends) {
      let i = e + first;
      tree[i]!++;
      while (i > 0) {
        if (i % 2) count += tree[i + 1]!;
        i = (i - 1) >> 1;
        tree[i]!++;
      }
    }
  }
  return count;
}

/** Heights with weights, sorted by height: what a block of nodes is pulled towards. */
interface Pulls {
  readonly t: number[];
  readonly w: number[];
  total: number;
}

/**
 * The weighted median of sorted pulls. When the weights split evenly, any height between the two
 * middle ones is as good: the one nearest `now` (so a placement that is already optimal stays put).
 */
function weightedMedian(p: Pulls, now: number): number {
  const half = p.total / 2;
  let acc = 0;
  for (let k = 0; k < p.t.length; k++) {
    acc += p.w[k]!;
    if (Math.abs(acc - half) < 1e-9 * p.total && k + 1 < p.t.length) return Math.min(Math.max(now, p.t[k]!), p.t[k + 1]!);
    if (acc > half) return p.t[k]!;
  }
  return p.t[p.t.length - 1]!;
}

/** Both sorted pull lists in one (a linear merge). */
function mergePulls(a: Pulls, b: Pulls): Pulls {
  const t: number[] = [];
  const w: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.t.length || j < b.t.length) {
    if (j >= b.t.length || (i < a.t.length && a.t[i]! <= b.t[j]!)) {
      t.push(a.t[i]!);
      w.push(a.w[i++]!);
    } else {
      t.push(b.t[j]!);
      w.push(b.w[j++]!);
    }
  }
  return { t, w, total: a.total + b.total };
}

/**
 * A layered (Sugiyama-style) layout, left to right. Deterministic and pure.
 *
 * 1. Ranks: longest path from the sources over a topological order; then nodes with more edges out
 *    than in move right up to their nearest dependant, shortening edges. Cycles (invalid input) are
 *    broken by declaration order: an edge back against the topological order is laid out reversed.
 * 2. An edge spanning several ranks gets a dummy node in each rank it crosses, so it is routed
 *    between the nodes (its `points`) rather than across them.
 * 3. Order within ranks: a depth-first initial order, then barycenter sweeps down and up, keeping
 *    the order with the fewest crossings seen; stops after a few sweeps without improvement.
 * 4. Coordinates: columns as wide as their widest node. Heights keep the order and `nodeSep`
 *    (dummies need less room) and first minimise the weighted squared length of the edges, then
 *    their weighted absolute length (long edges weigh most, so they stay straight): one rank at a
 *    time, exactly (pooling adjacent violators, at the weighted mean or median of the neighbours),
 *    sweeping down and up until nothing moves. Chains come out straight, a node with many
 *    dependants (or dependencies) centred on them.
 *
 * About O((V + E) log V) per sweep, V counting the dummies; the sweeps are bounded.
 */
export function layeredLayout(
  order: readonly string[],
  edges: readonly (readonly [string, string])[],
  size: (id: string) => { width: number; height: number },
  options: LayeredLayoutOptions,
): LayeredLayoutResult {
  const n = order.length;
  const { rankSep, nodeSep, margin } = options;
  if (n === 0) return { nodes: new Map(), points: new Map(), width: 0, height: 0, ranks: 0, crossings: 0 };
  const index = new Map<string, number>();
  order.forEach((id, i) => {
    if (!index.has(id)) index.set(id, i);
  });
  // Unique edges between distinct known nodes, in the given order.
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  for (const [a, b] of edges) {
    const ia = index.get(a);
    const ib = index.get(b);
    if (ia === undefined || ib === undefined || ia === ib || seen.has(ia * n + ib)) continue;
    seen.add(ia * n + ib);
    pairs.push([ia, ib]);
  }
  const succs: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  for (const [a, b] of pairs) {
    succs[a]!.push(b);
    indeg[b]!++;
  }

  // Topological order (Kahn); when a cycle stops it, the first node left in declaration order goes next.
  const topo: number[] = [];
  const done = new Uint8Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  for (let head = 0, stuck = 0; topo.length < n; ) {
    if (head >= queue.length) {
      while (done[stuck]) stuck++;
      queue.push(stuck);
    }
    const v = queue[head++]!;
    if (done[v]) continue;
    done[v] = 1;
    topo.push(v);
    for (const w of succs[v]!) if (--indeg[w]! === 0 && !done[w]) queue.push(w);
  }
  const tpos = new Int32Array(n);
  topo.forEach((v, i) => (tpos[v] = i));

  // Layout edges follow the topological order (a cycle's back edge is reversed).
  const out: number[][] = Array.from({ length: n }, () => []);
  const inCount = new Int32Array(n);
  for (const [a, b] of pairs) {
    const [s, t] = tpos[a]! < tpos[b]! ? [a, b] : [b, a];
    out[s]!.push(t);
    inCount[t]!++;
  }
  for (const list of out) list.sort((p, q) => tpos[p]! - tpos[q]!);

  // 1. Ranks: longest path, then pull nodes with more dependants than dependencies towards them.
  const rank = new Int32Array(n);
  for (const v of topo) for (const w of out[v]!) if (rank[w]! <= rank[v]!) rank[w] = rank[v]! + 1;
  for (let i = n - 1; i >= 0; i--) {
    const v = topo[i]!;
    const list = out[v]!;
    if (list.length === 0 || list.length <= inCount[v]!) continue;
    let lowest = Infinity;
    for (const w of list) lowest = Math.min(lowest, rank[w]!);
    if (lowest - 1 > rank[v]!) rank[v] = lowest - 1;
  }
  let rankCount = 0;
  for (let v = 0; v < n; v++) rankCount = Math.max(rankCount, rank[v]! + 1);

  // 2. Dummy nodes: ids n.. ; up/down hold each node's neighbours in the previous/next rank.
  const rankOf: number[] = Array.from(rank);
  const up: number[][] = Array.from({ length: n }, () => []);
  const down: number[][] = Array.from({ length: n }, () => []);
  const chains = new Map<number, { from: number; to: number; dummies: number[] }>();
  const link = (a: number, b: number) => {
    down[a]!.push(b);
    up[b]!.push(a);
  };
  for (const v of topo) {
    for (const w of out[v]!) {
      if (rank[w]! - rank[v]! === 1) {
        link(v, w);
        continue;
      }
      const dummies: number[] = [];
      let prev = v;
      for (let r = rank[v]! + 1; r < rank[w]!; r++) {
        const d = rankOf.length;
        rankOf.push(r);
        up.push([]);
        down.push([]);
        dummies.push(d);
        link(prev, d);
        prev = d;
      }
      link(prev, w);
      chains.set(v * n + w, { from: v, to: w, dummies });
    }
  }
  const total = rankOf.length;
  const isDummy = (v: number) => v >= n;

  // 3. Order. Initial: depth first from the nodes in topological order.
  const layers: number[][] = Array.from({ length: rankCount }, () => []);
  {
    const visited = new Uint8Array(total);
    const stack: number[] = [];
    for (const s of topo) {
      if (visited[s]) continue;
      stack.push(s);
      while (stack.length) {
        const v = stack.pop()!;
        if (visited[v]) continue;
        visited[v] = 1;
        layers[rankOf[v]!]!.push(v);
        const next = down[v]!;
        for (let i = next.length - 1; i >= 0; i--) if (!visited[next[i]!]) stack.push(next[i]!);
      }
    }
  }
  const pos = new Int32Array(total);
  const renumber = (layer: readonly number[]) => layer.forEach((v, i) => (pos[v] = i));
  layers.forEach(renumber);
  let widest = 1;
  for (const layer of layers) widest = Math.max(widest, layer.length);
  const tree = new Int32Array(4 * widest + 4);
  const crossingsNow = () => {
    let c = 0;
    for (let r = 0; r + 1 < rankCount; r++) c += countCrossings(layers[r]!, layers[r + 1]!.length, down, pos, tree);
    return c;
  };
  let best = layers.map((l) => l.slice());
  let bestCrossings = crossingsNow();
  const maxSweeps = options.sweeps ?? (total <= 2_000 ? 32 : total <= 10_000 ? 16 : 8);
  const bary = new Float64Array(total);
  for (let s = 0, stale = 0; s < maxSweeps && stale < PATIENCE && bestCrossings > 0; s++) {
    const goingDown = s % 2 === 0;
    // Every other pair of sweeps breaks ties the other way round, to get out of a local optimum.
    const flip = Math.floor(s / 2) % 2 === 1 ? -1 : 1;
    for (let k = 1; k < rankCount; k++) {
      const r = goingDown ? k : rankCount - 1 - k;
      const layer = layers[r]!;
      const sortable: number[] = [];
      const slots: boolean[] = [];
      for (const v of layer) {
        const nb = goingDown ? up[v]! : down[v]!;
        if (nb.length === 0) {
          slots.push(false);
          continue;
        }
        let sum = 0;
        for (const u of nb) sum += pos[u]!;
        bary[v] = sum / nb.length;
        sortable.push(v);
        slots.push(true);
      }
      sortable.sort((a, b) => bary[a]! - bary[b]! || flip * (pos[a]! - pos[b]!));
      // Nodes with no neighbour on that side keep their place.
      const fixed = layer.filter((_, i) => !slots[i]);
      for (let i = 0, si = 0, fi = 0; i < layer.length; i++) layer[i] = slots[i] ? sortable[si++]! : fixed[fi++]!;
      renumber(layer);
    }
    const c = crossingsNow();
    if (c < bestCrossings) {
      bestCrossings = c;
      best = layers.map((l) => l.slice());
      stale = 0;
    } else stale++;
  }
  for (let r = 0; r < rankCount; r++) {
    layers[r] = best[r]!;
    renumber(layers[r]!);
  }

  // 4. Coordinates.
  const sizes = order.map((id) => size(id));
  const height = (v: number) => (isDummy(v) ? 0 : sizes[v]!.height);
  const gapDummy = Math.max(4, nodeSep / 2);
  const sep = (a: number, b: number) => (height(a) + height(b)) / 2 + (isDummy(a) && isDummy(b) ? gapDummy : nodeSep);
  const weight = (a: number, b: number) => (isDummy(a) && isDummy(b) ? W_DUMMY : isDummy(a) || isDummy(b) ? W_MIXED : W_REAL);
  const y = new Float64Array(total);
  const offset = new Float64Array(widest);
  for (const layer of layers) {
    let acc = 0;
    layer.forEach((v, i) => {
      if (i > 0) acc += sep(layer[i - 1]!, v);
      offset[i] = acc;
    });
    layer.forEach((v, i) => (y[v] = offset[i]! - acc / 2));
  }
  // Pool-adjacent-violators, reused buffers: each block's start, weight and weighted sum.
  const want = new Float64Array(widest);
  const wt = new Float64Array(widest);
  const bStart = new Int32Array(widest + 1);
  const bW = new Float64Array(widest);
  const bS = new Float64Array(widest);
  const placeLayer = (layer: readonly number[]) => {
    const m = layer.length;
    let acc = 0;
    for (let i = 0; i < m; i++) {
      const v = layer[i]!;
      if (i > 0) acc += sep(layer[i - 1]!, v);
      offset[i] = acc;
      let sw = 0;
      let s = 0;
      for (const u of up[v]!) {
        const w = weight(u, v);
        sw += w;
        s += w * y[u]!;
      }
      for (const u of down[v]!) {
        const w = weight(u, v);
        sw += w;
        s += w * y[u]!;
      }
      if (sw === 0) {
        // No neighbour: stays where it is unless pushed.
        sw = 1e-3;
        s = sw * y[v]!;
      }
      want[i] = s / sw - acc;
      wt[i] = sw;
    }
    let top = 0;
    for (let i = 0; i < m; i++) {
      bStart[top] = i;
      bW[top] = wt[i]!;
      bS[top] = wt[i]! * want[i]!;
      top++;
      while (top > 1 && bS[top - 2]! / bW[top - 2]! >= bS[top - 1]! / bW[top - 1]!) {
        bW[top - 2]! += bW[top - 1]!;
        bS[top - 2]! += bS[top - 1]!;
        top--;
      }
    }
    bStart[top] = m;
    let moved = 0;
    for (let b = 0; b < top; b++) {
      const z = bS[b]! / bW[b]!;
      for (let i = bStart[b]!; i < bStart[b + 1]!; i++) {
        const v = layer[i]!;
        const ny = z + offset[i]!;
        moved = Math.max(moved, Math.abs(ny - y[v]!));
        y[v] = ny;
      }
    }
    return moved;
  };
  // The same per rank for the weighted sum of |lengths| (blocks at the weighted median of their
  // neighbours' heights): from the balanced squared solution, edges snap straight wherever they can.
  const placeLayerStraight = (layer: readonly number[]) => {
    const m = layer.length;
    const blocks: { start: number; pulls: Pulls; z: number; now: number }[] = [];
    let acc = 0;
    const pull: [number, number][] = [];
    for (let i = 0; i < m; i++) {
      const v = layer[i]!;
      if (i > 0) acc += sep(layer[i - 1]!, v);
      offset[i] = acc;
      pull.length = 0;
      for (const u of up[v]!) pull.push([y[u]! - acc, weight(u, v)]);
      for (const u of down[v]!) pull.push([y[u]! - acc, weight(u, v)]);
      if (pull.length === 0) pull.push([y[v]! - acc, 1e-3]);
      if (pull.length > 1) pull.sort((p, q) => p[0] - q[0]);
      const pulls: Pulls = { t: pull.map((p) => p[0]), w: pull.map((p) => p[1]), total: 0 };
      for (const x of pulls.w) pulls.total += x;
      // `now`: the sum of the block's current heights less their offsets
      const block = { start: i, pulls, z: weightedMedian(pulls, y[v]! - acc), now: y[v]! - acc };
      while (blocks.length && blocks[blocks.length - 1]!.z >= block.z) {
        const prev = blocks.pop()!;
        block.now += prev.now;
        block.start = prev.start;
        block.pulls = mergePulls(prev.pulls, block.pulls);
        block.z = weightedMedian(block.pulls, block.now / (i + 1 - block.start));
      }
      blocks.push(block);
    }
    let moved = 0;
    blocks.forEach((b, k) => {
      const end = k + 1 < blocks.length ? blocks[k + 1]!.start : m;
      for (let i = b.start; i < end; i++) {
        const v = layer[i]!;
        const ny = b.z + offset[i]!;
        moved = Math.max(moved, Math.abs(ny - y[v]!));
        y[v] = ny;
      }
    });
    return moved;
  };
  // Squared lengths first (balanced, a parent centred on its children), then absolute lengths
  // (straight where possible); each pass sweeps down or up and stops once nothing moves.
  for (const place of [placeLayer, placeLayerStraight])
    for (let p = 0; p < MAX_PLACEMENT_PASSES; p++) {
      let moved = 0;
      for (let k = 0; k < rankCount; k++) moved = Math.max(moved, place(layers[p % 2 === 0 ? k : rankCount - 1 - k]!));
      if (moved < 0.5) break;
    }

  const colX: number[] = [];
  let x = margin;
  for (const layer of layers) {
    let w = 0;
    for (const v of layer) if (!isDummy(v)) w = Math.max(w, sizes[v]!.width);
    colX.push(x + w / 2);
    x += w + rankSep;
  }
  let minY = Infinity;
  let maxY = -Infinity;
  for (let v = 0; v < total; v++) {
    minY = Math.min(minY, y[v]! - height(v) / 2);
    maxY = Math.max(maxY, y[v]! + height(v) / 2);
  }
  const dy = margin - minY;
  const nodes = new Map<string, PlacedNode>();
  order.forEach((id, v) => {
    if (index.get(id) === v) nodes.set(id, { x: colX[rank[v]!]!, y: y[v]! + dy, width: sizes[v]!.width, height: sizes[v]!.height });
  });
  const points = new Map<string, LayoutPoint[]>();
  for (const [a, b] of pairs) {
    const reversed = tpos[a]! > tpos[b]!;
    const chain = reversed ? chains.get(b * n + a) : chains.get(a * n + b);
    if (!chain) continue;
    const list = chain.dummies.map((d) => ({ x: colX[rankOf[d]!]!, y: y[d]! + dy }));
    if (reversed) list.reverse();
    points.set(`${order[a]}→${order[b]}`, list);
  }
  return { nodes, points, width: x - rankSep + margin, height: maxY - minY + 2 * margin, ranks: rankCount, crossings: bestCrossings };
}
