import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';
import { curveBumpX, line } from 'd3';
import type { StepReason, StepStatus } from '@weft/core/browser';
import type { RunState } from '../../state/run-state.types.js';
import { formatDuration, reasonText } from '../../shared/format.js';

/** Sizes of the graph drawing, in px. */
export interface GraphLayoutOptions {
  /** @default 180 */
  readonly nodeWidth?: number;
  /** @default 50 */
  readonly nodeHeight?: number;
  /** Gap between ranks (columns). @default 60 */
  readonly rankSep?: number;
  /** Gap between nodes of a rank. @default 16 */
  readonly nodeSep?: number;
  /** @default 16 */
  readonly margin?: number;
}

/** Where dagre put the nodes and edges: depends only on the graph's shape, not on statuses. */
export interface GraphGeometry {
  readonly width: number;
  readonly height: number;
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly nodes: readonly { readonly id: string; readonly x: number; readonly y: number }[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly path: string }[];
}

/** A node ready to draw: top-left corner, size, status and text. */
export interface GraphNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly status: StepStatus;
  readonly reason: StepReason | null;
  readonly critical: boolean;
  /** Second line: duration, elapsed time, or why it did not succeed. */
  readonly detail: string;
  /** Shown on hover and focus when there is something to explain (a skip or failure reason). */
  readonly tooltip: string | null;
  /** Full description for assistive technology. */
  readonly ariaLabel: string;
  /** Worker that ran its last attempt; null for the server itself (or when it has not run). */
  readonly worker: string | null;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly path: string;
  readonly critical: boolean;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const edgePath = line<{ x: number; y: number }>()
  .x((p) => p.x)
  .y((p) => p.y)
  .curve(curveBumpX);

/**
 * Vertical offsets from the node centre of each edge's end at one side of its node: `self` is the
 * index of the node in `[from, to]` whose side this is, `other` the index of the far end.
 */
function ports(
  edges: readonly (readonly [string, string])[],
  centre: ReadonlyMap<string, { x: number; y: number }>,
  self: 0 | 1,
  other: 0 | 1,
  nodeHeight: number,
): Map<string, number> {
  const bySide = new Map<string, (readonly [string, string])[]>();
  for (const e of edges) {
    const list = bySide.get(e[self]) ?? [];
    list.push(e);
    bySide.set(e[self], list);
  }
  const offsets = new Map<string, number>();
  for (const list of bySide.values()) {
    list.sort((p, q) => centre.get(p[other])!.y - centre.get(q[other])!.y);
    const step = list.length > 1 ? Math.min(10, (nodeHeight - 16) / (list.length - 1)) : 0;
    list.forEach((e, i) => offsets.set(`${e[0]}→${e[1]}`, (i - (list.length - 1) / 2) * step));
  }
  return offsets;
}

/**
 * Lays the DAG out left to right with dagre. Pure; depends only on the ids and edges, so a live
 * view computes it once per workflow and only re-decorates nodes as statuses change.
 */
export function layoutGraph(
  order: readonly string[],
  edges: readonly (readonly [string, string])[],
  options: GraphLayoutOptions = {},
): GraphGeometry {
  const nodeWidth = options.nodeWidth ?? 180;
  const nodeHeight = options.nodeHeight ?? 50;
  const margin = options.margin ?? 16;
  if (order.length === 0) return { width: 0, height: 0, nodeWidth, nodeHeight, nodes: [], edges: [] };
  const g = new graphlib.Graph({ multigraph: false });
  g.setGraph({
    rankdir: 'LR',
    ranksep: options.rankSep ?? 60,
    nodesep: options.nodeSep ?? 16,
    marginx: margin,
    marginy: margin,
  });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(order);
  for (const id of order) g.setNode(id, { width: nodeWidth, height: nodeHeight });
  const kept = edges.filter(([a, b]) => known.has(a) && known.has(b) && a !== b);
  for (const [from, to] of kept) g.setEdge(from, to);
  dagreLayout(g);
  const graph = g.graph() as { width?: number; height?: number };
  const centre = new Map<string, { x: number; y: number }>();
  const nodes = order.map((id) => {
    const n = g.node(id) as { x: number; y: number };
    centre.set(id, { x: n.x, y: n.y });
    return { id, x: n.x - nodeWidth / 2, y: n.y - nodeHeight / 2 };
  });
  // Edges leave a node's right side and enter the next one's left side, horizontally, so the
  // arrowheads always point into the node; several edges at one side are spread over its height
  // (ordered by the other end's position, so they do not cross there).
  const outPort = ports(kept, centre, 0, 1, nodeHeight);
  const inPort = ports(kept, centre, 1, 0, nodeHeight);
  const outEdges = kept.map(([from, to]) => {
    const e = g.edge(from, to) as { points?: { x: number; y: number }[] };
    const a = centre.get(from)!;
    const b = centre.get(to)!;
    const start = { x: a.x + nodeWidth / 2, y: a.y + outPort.get(`${from}→${to}`)! };
    const end = { x: b.x - nodeWidth / 2, y: b.y + inPort.get(`${from}→${to}`)! };
    // Dagre's inner points route an edge that spans several ranks around the nodes between; an
    // edge to the next rank needs none (its S-curve, horizontal at both ends, is enough).
    const inner = (e.points ?? []).slice(1, -1).filter((p) => p.x > start.x + 1 && p.x < end.x - 1);
    const points = [start, ...(inner.length > 1 ? inner : []), end];
    return { from, to, path: edgePath(points) ?? '' };
  });
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodeWidth,
    nodeHeight,
    nodes,
    edges: outEdges,
  };
}

/** Status, critical-path flag and text for each node at time `now` (epoch ms). Pure. */
export function decorateGraph(geometry: GraphGeometry, state: RunState, now: number): GraphLayout {
  const critical = new Set(state.criticalPath);
  const criticalEdges = new Set<string>();
  for (let i = 1; i < state.criticalPath.length; i++)
    criticalEdges.add(`${state.criticalPath[i - 1]}→${state.criticalPath[i]}`);
  const nodes = geometry.nodes.map((n): GraphNode => {
    const s = state.steps[n.id];
    const status: StepStatus = s?.status ?? 'pending';
    const reason = s?.reason ?? null;
    const extras: string[] = [];
    if (s?.itemCount) extras.push(`${s.itemCount} items`);
    if (s && s.attempts > 1) extras.push(`${s.attempts} attempts`);
    if (s?.reused) extras.push('reused');
    let main: string;
    switch (status) {
      case 'running':
        main = `running ${formatDuration(s?.startMs != null ? Math.max(0, now - s.startMs) : 0)}`;
        break;
      case 'succeeded':
        main = formatDuration(s?.durationMs);
        break;
      case 'failed':
      case 'cancelled':
        main = `${status} · ${reason ?? 'error'}`;
        break;
      case 'skipped':
        main = `skipped · ${reason ?? ''}`;
        break;
      default:
        main = 'pending';
    }
    const detail = [main, ...extras].join(' · ');
    const explain = reason ? reasonText(reason) + (s?.message ? ` — ${s.message}` : '') : null;
    const tooltip = status === 'skipped' || status === 'failed' || status === 'cancelled' ? explain : null;
    const ariaLabel = [
      `Step ${n.id}`,
      status,
      status === 'succeeded' || status === 'failed' ? formatDuration(s?.durationMs) : null,
      explain,
      extras.join(', ') || null,
      s?.worker ? `on worker ${s.worker}` : null,
      critical.has(n.id) ? 'on the critical path' : null,
    ]
      .filter(Boolean)
      .join(', ');
    return {
      id: n.id,
      x: n.x,
      y: n.y,
      width: geometry.nodeWidth,
      height: geometry.nodeHeight,
      status,
      reason,
      critical: critical.has(n.id),
      detail,
      tooltip,
      ariaLabel,
      worker: s?.worker ?? null,
    };
  });
  const edges = geometry.edges.map((e) => ({ ...e, critical: criticalEdges.has(`${e.from}→${e.to}`) }));
  return { width: geometry.width, height: geometry.height, nodes, edges };
}

/** Lays out and decorates in one go. */
export function computeGraphLayout(state: RunState, now: number, options: GraphLayoutOptions = {}): GraphLayout {
  return decorateGraph(layoutGraph(state.order, state.edges, options), state, now);
}
