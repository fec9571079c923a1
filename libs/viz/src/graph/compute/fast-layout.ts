/** Where the fast layered layout put a node: its centre and size, as dagre reports them. */
export interface PlacedNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface FastLayoutResult {
  readonly nodes: ReadonlyMap<string, PlacedNode>;
  readonly width: number;
  readonly height: number;
}

/**
 * A linear-time layered layout, left to right, for graphs too big for dagre to lay out in a
 * second: ranks by longest path from the sources, orders each rank by a few barycenter sweeps
 * (down and up, over every neighbour whatever its rank), places each node at the mean height of
 * its dependencies and pushes overlapping neighbours apart. No dummy nodes, so an edge that skips
 * ranks is drawn straight across them. Deterministic. Cycles (invalid input) are broken by
 * declaration order.
 */
export function fastLayeredLayout(
  order: readonly string[],
  edges: readonly (readonly [string, string])[],
  size: (id: string) => { width: number; height: number },
  options: { rankSep: number; nodeSep: number; margin: number; sweeps?: number },
): FastLayoutResult {
  const index = new Map(order.map((id, i) => [id, i]));
  const preds: number[][] = order.map(() => []);
  const succs: number[][] = order.map(() => []);
  for (const [a, b] of edges) {
    const ia = index.get(a);
    const ib = index.get(b);
    if (ia === undefined || ib === undefined || ia === ib) continue;
    preds[ib]!.push(ia);
    succs[ia]!.push(ib);
  }
  // Ranks: longest path from the sources, over a topological order (Kahn; leftovers of a cycle last).
  const indeg = preds.map((p) => p.length);
  const queue: number[] = [];
  indeg.forEach((d, i) => d === 0 && queue.push(i));
  const topo: number[] = [];
  const done = new Uint8Array(order.length);
  for (let head = 0; topo.length < order.length; ) {
    if (head >= queue.length) {
      const stuck = order.findIndex((_, i) => !done[i]);
      queue.push(stuck);
      indeg[stuck] = 0;
    }
    const v = queue[head++]!;
    if (done[v]) continue;
    done[v] = 1;
    topo.push(v);
    for (const w of succs[v]!) if (--indeg[w]! === 0) queue.push(w);
  }
  const rank = new Int32Array(order.length);
  for (const v of topo) for (const w of succs[v]!) if (done[w] && rank[w]! <= rank[v]!) rank[w] = rank[v]! + 1;
  const rankCount = Math.max(0, ...rank) + 1;
  const layers: number[][] = Array.from({ length: rankCount }, () => []);
  for (const v of topo) layers[rank[v]!]!.push(v);

  // Order: barycenter sweeps on positions within each rank.
  const pos = new Float64Array(order.length);
  const renumber = (layer: number[]) => layer.forEach((v, i) => (pos[v] = i / Math.max(1, layer.length)));
  layers.forEach(renumber);
  const sweeps = options.sweeps ?? 4;
  const bary = (v: number, nb: readonly number[]) => {
    if (nb.length === 0) return pos[v]!;
    let s = 0;
    for (const u of nb) s += pos[u]!;
    return s / nb.length;
  };
  for (let s = 0; s < sweeps; s++) {
    const down = s % 2 === 0;
    for (let r = down ? 1 : rankCount - 2; down ? r < rankCount : r >= 0; r += down ? 1 : -1) {
      const layer = layers[r]!;
      const key = new Map(layer.map((v) => [v, bary(v, down ? preds[v]! : succs[v]!)]));
      layer.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
      renumber(layer);
    }
  }

  // Coordinates: columns as wide as their widest node; heights from the dependencies, then no overlap.
  const sizes = order.map((id) => size(id));
  const colX: number[] = [];
  let x = options.margin;
  for (const layer of layers) {
    const w = Math.max(0, ...layer.map((v) => sizes[v]!.width));
    colX.push(x + w / 2);
    x += w + options.rankSep;
  }
  const cy = new Float64Array(order.length);
  const sep = options.nodeSep;
  for (let r = 0; r < rankCount; r++) {
    const layer = layers[r]!;
    // wanted: the mean centre of its dependencies (already placed, earlier ranks)
    const want = layer.map((v) => {
      const p = preds[v]!.filter((u) => rank[u]! < r);
      return p.length ? p.reduce((s, u) => s + cy[u]!, 0) / p.length : NaN;
    });
    // nodes without dependencies stack from the top
    let y = 0;
    const placed: number[] = [];
    layer.forEach((v, i) => {
      const h = sizes[v]!.height;
      const top = Number.isNaN(want[i]!) ? y : Math.max(y, want[i]! - h / 2);
      placed.push(top);
      y = top + h + sep;
    });
    // shift the whole column up by the mean overshoot (never above 0), to stay near the wanted heights
    let over = 0;
    let n = 0;
    layer.forEach((v, i) => {
      if (!Number.isNaN(want[i]!)) {
        over += placed[i]! + sizes[v]!.height / 2 - want[i]!;
        n++;
      }
    });
    const shift = n ? Math.min(over / n, placed[0] ?? 0) : 0;
    layer.forEach((v, i) => (cy[v] = placed[i]! - shift + sizes[v]!.height / 2));
  }
  let minY = Infinity;
  let maxY = -Infinity;
  order.forEach((_, v) => {
    minY = Math.min(minY, cy[v]! - sizes[v]!.height / 2);
    maxY = Math.max(maxY, cy[v]! + sizes[v]!.height / 2);
  });
  if (!Number.isFinite(minY)) minY = maxY = 0;
  const nodes = new Map<string, PlacedNode>();
  order.forEach((id, v) =>
    nodes.set(id, { x: colX[rank[v]!]!, y: cy[v]! - minY + options.margin, width: sizes[v]!.width, height: sizes[v]!.height }),
  );
  return { nodes, width: x - options.rankSep + options.margin, height: maxY - minY + 2 * options.margin };
}
