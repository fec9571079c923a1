/**
 * The longest chain through a DAG by node weight, as a list of ids from a root to a leaf.
 * `order` fixes the tie-break (declaration order). Edges to unknown ids are ignored.
 */
export function longestPath(
  order: readonly string[],
  edges: readonly (readonly [string, string])[],
  weight: (id: string) => number,
): string[] {
  const known = new Set(order);
  const preds = new Map<string, string[]>(order.map((id) => [id, []]));
  const succs = new Map<string, string[]>(order.map((id) => [id, []]));
  for (const [from, to] of edges) {
    if (!known.has(from) || !known.has(to)) continue;
    preds.get(to)!.push(from);
    succs.get(from)!.push(to);
  }
  const topo = topologicalOrder(order, preds, succs);
  const best = new Map<string, number>();
  const via = new Map<string, string | null>();
  for (const id of topo) {
    let bestPred: string | null = null;
    let bestLen = 0;
    for (const p of preds.get(id)!) {
      const len = best.get(p) ?? 0;
      if (len > bestLen) {
        bestLen = len;
        bestPred = p;
      }
    }
    best.set(id, bestLen + Math.max(0, weight(id)));
    via.set(id, bestPred);
  }
  let end: string | null = null;
  let endLen = -1;
  for (const id of order) {
    const len = best.get(id) ?? -1;
    if (len > endLen) {
      endLen = len;
      end = id;
    }
  }
  const path: string[] = [];
  for (let at = end; at !== null; at = via.get(at) ?? null) path.unshift(at);
  return path;
}

/** Kahn's algorithm, keeping declaration order among ready nodes; nodes on a cycle are appended last. */
export function topologicalOrder(
  order: readonly string[],
  preds: ReadonlyMap<string, readonly string[]>,
  succs: ReadonlyMap<string, readonly string[]>,
): string[] {
  const indegree = new Map(order.map((id) => [id, preds.get(id)?.length ?? 0]));
  const rank = new Map(order.map((id, i) => [id, i]));
  const ready = order.filter((id) => indegree.get(id) === 0);
  const out: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank.get(a)! - rank.get(b)!);
    const id = ready.shift()!;
    out.push(id);
    for (const s of succs.get(id) ?? []) {
      const d = indegree.get(s)! - 1;
      indegree.set(s, d);
      if (d === 0) ready.push(s);
    }
  }
  if (out.length < order.length) out.push(...order.filter((id) => !out.includes(id)));
  return out;
}
