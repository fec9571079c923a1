import type { StepReason, StepStatus } from '@weft/core/browser';
import type { RunState } from '../../state/run-state.types.js';
import { formatDuration, reasonText } from '../../shared/format.js';
import { layeredLayout, type LayoutPoint } from './layered-layout.js';
import { aggregateStatus, foreachGrid, foreachItemStatuses, progressOf, type ForeachGrid, type GroupProgress } from './graph-collapse.js';

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

/** Where the layout put the nodes and edges: depends only on the graph's shape, not on statuses. */
export interface GraphGeometry {
  readonly width: number;
  readonly height: number;
  /** Default node size (a node given its own size in `sizes` has it in `nodes`). */
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly nodes: readonly {
    readonly id: string;
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
  }[];
  /** `arrow` false: the edge ends at its target's shared in-port, whose one arrow is in `ports`. */
  readonly edges: readonly { readonly from: string; readonly to: string; readonly path: string; readonly arrow: boolean }[];
  /** One short arrow into each node with many dependencies, where their edges join (no pile of arrowheads). */
  readonly ports: readonly { readonly to: string; readonly path: string }[];
  /** Time the layout took, in ms (also recorded as the performance measure `weft-graph-layout`). */
  readonly layoutMs: number;
  /** Edge crossings between adjacent columns (long edges counted where they pass each column). */
  readonly crossings: number;
}

/** What a drawn node stands for: one step, a folded linear chain, or a `foreach` step with its items. */
export type GraphNodeKind = 'step' | 'chain' | 'foreach';

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
  /** @default 'step' (absent on layouts built before groups existed) */
  readonly kind?: GraphNodeKind;
  /** The steps a chain node stands for, in order. */
  readonly members?: readonly string[];
  /** Progress of a chain's steps or a `foreach` step's items. */
  readonly progress?: GroupProgress;
  /** Each item's status, when a `foreach` node is expanded (drawn as a grid of cells). */
  readonly items?: readonly StepStatus[];
  /** The item grid of an expanded `foreach` node. */
  readonly grid?: ForeachGrid;
  /** True for an expanded `foreach` node. */
  readonly expanded?: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly path: string;
  readonly critical: boolean;
  /** False when the edge joins its target's shared in-port (see `GraphLayout.ports`). @default true */
  readonly arrow?: boolean;
}

/** The single arrow into a node with many dependencies. */
export interface GraphPort {
  readonly to: string;
  readonly path: string;
  readonly critical: boolean;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** @default [] */
  readonly ports?: readonly GraphPort[];
}

/** A number for SVG path data: at most two decimals. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** A horizontal "bump" from `a` to `b`: a cubic leaving and arriving horizontally (d3's curveBumpX). */
export function bumpPath(a: LayoutPoint, b: LayoutPoint): string {
  const mx = (a.x + b.x) / 2;
  return `M${num(a.x)},${num(a.y)}C${num(mx)},${num(a.y)},${num(mx)},${num(b.y)},${num(b.x)},${num(b.y)}`;
}

/**
 * A smooth path from the first point to the last, pulled towards the ones between (a uniform cubic
 * B-spline clamped at both ends, as d3's curveBasis draws it): a long edge is smoothed rather than
 * wiggling through each point.
 */
export function basisPath(points: readonly LayoutPoint[]): string {
  if (points.length === 0) return '';
  const p0 = points[0]!;
  if (points.length === 1) return `M${num(p0.x)},${num(p0.y)}Z`;
  if (points.length === 2) return `M${num(p0.x)},${num(p0.y)}L${num(points[1]!.x)},${num(points[1]!.y)}`;
  const parts = [`M${num(p0.x)},${num(p0.y)}`];
  const p1 = points[1]!;
  parts.push(`L${num((5 * p0.x + p1.x) / 6)},${num((5 * p0.y + p1.y) / 6)}`);
  // Each further point adds the cubic segment of the spline between its two predecessors.
  const segment = (a: LayoutPoint, b: LayoutPoint, c: LayoutPoint) =>
    `C${num((2 * a.x + b.x) / 3)},${num((2 * a.y + b.y) / 3)},${num((a.x + 2 * b.x) / 3)},${num((a.y + 2 * b.y) / 3)},${num(
      (a.x + 4 * b.x + c.x) / 6,
    )},${num((a.y + 4 * b.y + c.y) / 6)}`;
  for (let i = 2; i < points.length; i++) parts.push(segment(points[i - 2]!, points[i - 1]!, points[i]!));
  const a = points[points.length - 2]!;
  const b = points[points.length - 1]!;
  parts.push(segment(a, b, b), `L${num(b.x)},${num(b.y)}`);
  return parts.join('');
}

/** More edges than this at one side of a node share one port (and, coming in, one arrowhead). */
export const MAX_SPREAD_PORTS = 5;
/** Length of the shared in-port's arrow, from where the edges join to the node's border. */
const PORT_STUB = 14;

type Centre = { x: number; y: number; width: number; height: number };

/**
 * Vertical offsets from the node centre of each edge's end at one side of its node: `self` is the
 * index of the node in `[from, to]` whose side this is, `other` the index of the far end. A side
 * with more than `MAX_SPREAD_PORTS` edges gets no spread (null): its edges share the middle.
 */
function ports(
  edges: readonly (readonly [string, string])[],
  centre: ReadonlyMap<string, Centre>,
  self: 0 | 1,
  other: 0 | 1,
): Map<string, number | null> {
  const bySide = new Map<string, (readonly [string, string])[]>();
  for (const e of edges) {
    const list = bySide.get(e[self]) ?? [];
    list.push(e);
    bySide.set(e[self], list);
  }
  const offsets = new Map<string, number | null>();
  for (const [id, list] of bySide) {
    if (list.length > MAX_SPREAD_PORTS) {
      for (const e of list) offsets.set(`${e[0]}→${e[1]}`, null);
      continue;
    }
    list.sort((p, q) => centre.get(p[other])!.y - centre.get(q[other])!.y);
    const h = centre.get(id)!.height;
    const step = list.length > 1 ? Math.min(10, (h - 16) / (list.length - 1)) : 0;
    list.forEach((e, i) => offsets.set(`${e[0]}→${e[1]}`, (i - (list.length - 1) / 2) * step));
  }
  return offsets;
}

function clock(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Lays the DAG out left to right with the layered layout (`layeredLayout`: long edges routed between
 * the nodes of the ranks they cross, few crossings, chains straight). Pure (apart from a
 * performance measure named `weft-graph-layout`, detail `{ nodes, edges, crossings }`, for benchmarks); depends only on the ids, edges
 * and sizes, so a live view computes it once per workflow and only re-decorates nodes as statuses
 * change. `sizes` gives some nodes their own size (expanded `foreach` nodes).
 *
 * Edges leave a node's right side and enter the next one's left side horizontally, spread over the
 * node's height; a node with more than `MAX_SPREAD_PORTS` dependencies gathers them at one in-port
 * a few px to its left, with a single arrowhead from there to its border (`ports`), instead of a
 * pile of arrowheads.
 */
export function layoutGraph(
  order: readonly string[],
  edges: readonly (readonly [string, string])[],
  options: GraphLayoutOptions = {},
  sizes?: ReadonlyMap<string, { readonly width: number; readonly height: number }>,
): GraphGeometry {
  const nodeWidth = options.nodeWidth ?? 180;
  const nodeHeight = options.nodeHeight ?? 50;
  const margin = options.margin ?? 16;
  if (order.length === 0)
    return { width: 0, height: 0, nodeWidth, nodeHeight, nodes: [], edges: [], ports: [], layoutMs: 0, crossings: 0 };
  const rankSep = options.rankSep ?? 60;
  const nodeSep = options.nodeSep ?? 16;
  const known = new Set(order);
  const kept = edges.filter(([a, b]) => known.has(a) && known.has(b) && a !== b);
  const sizeOf = (id: string) => sizes?.get(id) ?? { width: nodeWidth, height: nodeHeight };
  const t0 = clock();
  const placed = layeredLayout(order, kept, (id) => ({ ...sizeOf(id) }), { rankSep, nodeSep, margin });
  const centre = new Map<string, Centre>();
  for (const [id, n] of placed.nodes) centre.set(id, { x: n.x, y: n.y, width: n.width, height: n.height });
  const layoutMs = clock() - t0;
  try {
    performance.measure('weft-graph-layout', {
      start: t0,
      end: t0 + layoutMs,
      detail: { nodes: order.length, edges: kept.length, crossings: placed.crossings },
    });
  } catch {
    // no User Timing (old jsdom): the time is still in `layoutMs`
  }
  const nodes = order.map((id) => {
    const n = centre.get(id)!;
    return { id, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  });
  const outPort = ports(kept, centre, 0, 1);
  const inPort = ports(kept, centre, 1, 0);
  const shared = new Set<string>();
  const outEdges = kept.map(([from, to]) => {
    const a = centre.get(from)!;
    const b = centre.get(to)!;
    const key = `${from}→${to}`;
    const inOffset = inPort.get(key);
    const start = { x: a.x + a.width / 2, y: a.y + (outPort.get(key) ?? 0) };
    const end =
      inOffset === null || inOffset === undefined
        ? { x: b.x - b.width / 2 - PORT_STUB, y: b.y }
        : { x: b.x - b.width / 2, y: b.y + inOffset };
    if (inOffset === null) shared.add(to);
    // An edge spanning several ranks passes between the nodes of each rank it crosses (where its
    // dummy nodes are); an edge to the next rank needs no point (its S-curve, horizontal at both
    // ends, is enough).
    const inner = (placed.points.get(key) ?? []).filter((p) => p.x > start.x + 12 && p.x < end.x - 12);
    const path =
      inner.length > 0
        ? basisPath([start, { x: start.x + 12, y: start.y }, ...inner, { x: end.x - 12, y: end.y }, end])
        : bumpPath(start, end);
    return { from, to, path, arrow: inOffset !== null };
  });
  const portPaths = [...shared].map((to) => {
    const b = centre.get(to)!;
    const x = b.x - b.width / 2;
    return { to, path: `M${x - PORT_STUB},${b.y}L${x},${b.y}` };
  });
  return {
    width: Math.ceil(placed.width),
    height: Math.ceil(placed.height),
    nodeWidth,
    nodeHeight,
    nodes,
    edges: outEdges,
    ports: portPaths,
    layoutMs,
    crossings: placed.crossings,
  };
}

/** Short human words for a reason, to fit under a node's name. */
export function shortReason(reason: string | null | undefined): string {
  switch (reason) {
    case 'condition_false':
      return 'condition false';
    case 'upstream_failed':
      return 'a dependency failed';
    case 'upstream_skipped':
      return 'a dependency skipped';
    case 'exit_code':
      return 'non-zero exit';
    case 'signal':
      return 'killed by a signal';
    case 'timeout':
      return 'timed out';
    case 'cancelled':
      return 'cancelled';
    case 'invalid_outputs':
      return 'invalid outputs';
    case 'outputs_too_large':
      return 'outputs too large';
    case 'spawn_error':
      return 'could not start';
    case 'invalid_foreach':
      return 'foreach not a list';
    case 'condition_error':
      return 'condition error';
    case 'error':
      return 'step type error';
    default:
      return reason ? reason.replace(/_/g, ' ') : '';
  }
}

/** The folded chains and expanded `foreach` steps a layout was computed with. */
export interface GraphGroups {
  /** Chain node id → its steps. */
  readonly chains?: ReadonlyMap<string, readonly string[]>;
  /** `foreach` steps drawn expanded, with their item grid. */
  readonly expandedForeach?: ReadonlySet<string>;
}

/** Status, critical-path flag and text for one step at time `now`. */
function decorateStep(
  id: string,
  state: RunState,
  now: number,
  critical: ReadonlySet<string>,
): Omit<GraphNode, 'x' | 'y' | 'width' | 'height'> {
  const s = state.steps[id];
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
      main = `${status} · ${shortReason(reason ?? 'error')}`;
      break;
    case 'skipped':
      main = `skipped · ${shortReason(reason)}`;
      break;
    default:
      main = 'pending';
  }
  const detail = [main, ...extras].join(' · ');
  const explain = reason ? reasonText(reason) + (s?.message ? ` — ${s.message}` : '') : null;
  const tooltip = status === 'skipped' || status === 'failed' || status === 'cancelled' ? explain : null;
  const ariaLabel = [
    `Step ${id}`,
    status,
    status === 'succeeded' || status === 'failed' ? formatDuration(s?.durationMs) : null,
    explain,
    extras.join(', ') || null,
    s?.worker ? `on worker ${s.worker}` : null,
    critical.has(id) ? 'on the critical path' : null,
  ]
    .filter(Boolean)
    .join(', ');
  return { id, status, reason, critical: critical.has(id), detail, tooltip, ariaLabel, worker: s?.worker ?? null, kind: 'step' };
}

function progressText(p: GroupProgress, noun: string): string {
  const parts = [`${p.succeeded}/${p.total} ${noun} done`];
  if (p.running) parts.push(`${p.running} running`);
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.skipped) parts.push(`${p.skipped} skipped`);
  return parts.join(' · ');
}

/**
 * Status, critical-path flag and text for each node at time `now` (epoch ms). Pure. With `groups`,
 * chain nodes get their steps' combined status and progress, and `foreach` nodes their items'
 * progress (plus each item's status when expanded).
 */
export function decorateGraph(geometry: GraphGeometry, state: RunState, now: number, groups: GraphGroups = {}): GraphLayout {
  const critical = new Set(state.criticalPath);
  const owner = new Map<string, string>();
  for (const [id, members] of groups.chains ?? []) for (const m of members) owner.set(m, id);
  const ownerOf = (id: string) => owner.get(id) ?? id;
  const criticalEdges = new Set<string>();
  for (let i = 1; i < state.criticalPath.length; i++)
    criticalEdges.add(`${ownerOf(state.criticalPath[i - 1]!)}→${ownerOf(state.criticalPath[i]!)}`);
  const nodes = geometry.nodes.map((n): GraphNode => {
    const box = { x: n.x, y: n.y, width: n.width ?? geometry.nodeWidth, height: n.height ?? geometry.nodeHeight };
    const members = groups.chains?.get(n.id);
    if (members) {
      const statuses = members.map((m) => state.steps[m]?.status ?? 'pending');
      const progress = progressOf(statuses);
      const status = aggregateStatus(statuses);
      const onPath = members.some((m) => critical.has(m));
      const failed = members.find((m) => state.steps[m]?.status === 'failed');
      const running = members.filter((m) => state.steps[m]?.status === 'running');
      const detail = [
        `${members.length} steps · ${progress.succeeded}/${progress.total} done`,
        progress.running ? `${progress.running} running` : null,
        progress.failed ? `${progress.failed} failed` : null,
      ]
        .filter(Boolean)
        .join(' · ');
      const tooltip = failed ? `${failed}: ${reasonText(state.steps[failed]?.reason ?? 'error')}` : null;
      return {
        ...box,
        id: n.id,
        kind: 'chain',
        members,
        progress,
        status,
        reason: null,
        critical: onPath,
        detail,
        tooltip,
        worker: null,
        ariaLabel: [
          `Chain of ${members.length} steps, ${members[0]} to ${members[members.length - 1]}`,
          status,
          progressText(progress, 'steps'),
          running.length ? `running: ${running.join(', ')}` : null,
          tooltip,
          onPath ? 'on the critical path' : null,
          'collapsed; activate to expand',
        ]
          .filter(Boolean)
          .join(', '),
      };
    }
    const step = decorateStep(n.id, state, now, critical);
    const s = state.steps[n.id];
    if (!s?.itemCount) return { ...box, ...step };
    const itemStatuses = foreachItemStatuses(state, n.id);
    const progress = progressOf(itemStatuses);
    const expanded = groups.expandedForeach?.has(n.id) ?? false;
    const head = step.status === 'running' ? `running ${progress.succeeded}/${progress.total} items` : step.detail;
    return {
      ...box,
      ...step,
      kind: 'foreach',
      progress,
      expanded,
      detail: step.status === 'running' ? head : step.detail,
      ariaLabel: `${step.ariaLabel}, foreach: ${progressText(progress, 'items')}, ${expanded ? 'expanded' : 'collapsed'}`,
      ...(expanded ? { items: itemStatuses, grid: foreachGrid(itemStatuses.length, geometry.nodeWidth, geometry.nodeHeight) } : {}),
    };
  });
  const edges = geometry.edges.map((e) => ({ ...e, critical: criticalEdges.has(`${e.from}→${e.to}`) }));
  const criticalTargets = new Set(edges.filter((e) => e.critical).map((e) => e.to));
  const ports = (geometry.ports ?? []).map((p) => ({ ...p, critical: criticalTargets.has(p.to) }));
  return { width: geometry.width, height: geometry.height, nodes, edges, ports };
}

/** Lays out and decorates in one go. */
export function computeGraphLayout(state: RunState, now: number, options: GraphLayoutOptions = {}): GraphLayout {
  return decorateGraph(layoutGraph(state.order, state.edges, options), state, now);
}
