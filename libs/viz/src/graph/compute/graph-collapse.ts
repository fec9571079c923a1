import type { StepStatus } from '@weft/core/browser';
import type { RunState } from '../../state/run-state.types.js';

/** Prefix of a collapsed chain's node id: `chain:` + the id of its first step. */
export const CHAIN_PREFIX = 'chain:';

/** The graph actually drawn: steps, with long linear chains folded into one node each. */
export interface CollapsedGraph {
  /** Ids of the drawn nodes (step ids and `chain:<first step>` ids), in declaration order. */
  readonly order: readonly string[];
  /** Edges between drawn nodes, without duplicates. */
  readonly edges: readonly (readonly [string, string])[];
  /** Each collapsed chain's steps, in order, by its node id. */
  readonly chains: ReadonlyMap<string, readonly string[]>;
  /** The drawn node that shows each step (the step itself, or the chain hiding it). */
  readonly owner: ReadonlyMap<string, string>;
}

export interface CollapseOptions {
  /** A chain of at least this many steps is drawn as one node; 0 or Infinity turn it off. */
  readonly minChain: number;
  /** Chain ids (`chain:<first step>`) the user expanded: drawn step by step. */
  readonly expanded?: ReadonlySet<string>;
  /** Steps that never join a chain (`foreach` steps, which have their own group node). */
  readonly keep?: (stepId: string) => boolean;
}

/**
 * The maximal linear chains of a DAG: runs of steps `a → b → … → z` where every link is the only
 * edge out of its source and the only edge into its target. So the steps inside a chain are
 * single-in single-out; its first step may have several dependencies and its last several
 * dependants, which the folded node inherits, and folding never changes what depends on what.
 * Chains of one step are not returned. Pure.
 */
export function findChains(
  order: readonly string[],
  edges: readonly (readonly [string, string])[],
  keep: (stepId: string) => boolean = () => false,
): string[][] {
  const known = new Set(order);
  const outs = new Map<string, Set<string>>();
  const ins = new Map<string, Set<string>>();
  for (const [a, b] of edges) {
    if (!known.has(a) || !known.has(b) || a === b) continue;
    (outs.get(a) ?? outs.set(a, new Set()).get(a)!).add(b);
    (ins.get(b) ?? ins.set(b, new Set()).get(b)!).add(a);
  }
  const next = new Map<string, string>();
  const hasPrev = new Set<string>();
  for (const a of order) {
    const o = outs.get(a);
    if (!o || o.size !== 1 || keep(a)) continue;
    const b = [...o][0]!;
    if (ins.get(b)!.size !== 1 || keep(b)) continue;
    next.set(a, b);
    hasPrev.add(b);
  }
  const chains: string[][] = [];
  for (const id of order) {
    if (hasPrev.has(id) || !next.has(id)) continue;
    const chain = [id];
    for (let n = next.get(id); n !== undefined && chain.length <= order.length; n = next.get(n)) chain.push(n);
    chains.push(chain);
  }
  return chains;
}

/** Folds every chain of at least `minChain` steps (not expanded) into one node. Pure. */
export function collapseGraph(
  order: readonly string[],
  edges: readonly (readonly [string, string])[],
  options: CollapseOptions,
): CollapsedGraph {
  const owner = new Map<string, string>(order.map((id) => [id, id]));
  const chains = new Map<string, readonly string[]>();
  if (options.minChain >= 2 && Number.isFinite(options.minChain)) {
    for (const chain of findChains(order, edges, options.keep)) {
      const id = CHAIN_PREFIX + chain[0]!;
      if (chain.length < options.minChain || options.expanded?.has(id)) continue;
      chains.set(id, chain);
      for (const step of chain) owner.set(step, id);
    }
  }
  if (chains.size === 0) return { order, edges, chains, owner };
  const visible: string[] = [];
  const seen = new Set<string>();
  for (const id of order) {
    const o = owner.get(id)!;
    if (!seen.has(o)) {
      seen.add(o);
      visible.push(o);
    }
  }
  const kept: [string, string][] = [];
  const seenEdges = new Set<string>();
  for (const [a, b] of edges) {
    const oa = owner.get(a);
    const ob = owner.get(b);
    if (oa === undefined || ob === undefined || oa === ob) continue;
    const key = `${oa}→${ob}`;
    if (seenEdges.has(key)) continue;
    seenEdges.add(key);
    kept.push([oa, ob]);
  }
  return { order: visible, edges: kept, chains, owner };
}

/** One status for several steps: running wins, then failed, cancelled; all done is succeeded. */
export function aggregateStatus(statuses: readonly StepStatus[]): StepStatus {
  if (statuses.length === 0) return 'pending';
  if (statuses.includes('running')) return 'running';
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('cancelled')) return 'cancelled';
  if (statuses.every((s) => s === 'skipped')) return 'skipped';
  if (statuses.every((s) => s === 'succeeded' || s === 'skipped')) return 'succeeded';
  return 'pending';
}

/** How far a group of processes got. */
export interface GroupProgress {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
  readonly skipped: number;
}

export function progressOf(statuses: readonly StepStatus[]): GroupProgress {
  let succeeded = 0;
  let failed = 0;
  let running = 0;
  let skipped = 0;
  for (const s of statuses) {
    if (s === 'succeeded') succeeded++;
    else if (s === 'failed' || s === 'cancelled') failed++;
    else if (s === 'running') running++;
    else if (s === 'skipped') skipped++;
  }
  return { total: statuses.length, succeeded, failed, running, skipped };
}

/**
 * The status of each item of a `foreach` step, from its attempts (the last attempt of an item
 * decides; a failed one that will be retried counts as running). Items not started are pending,
 * or skipped / cancelled like their step once it has finished so. Pure.
 */
export function foreachItemStatuses(state: RunState, stepId: string): StepStatus[] {
  const step = state.steps[stepId];
  const count = step?.itemCount ?? 0;
  const fallback: StepStatus =
    step?.status === 'skipped' ? 'skipped' : step?.status === 'cancelled' ? 'cancelled' : 'pending';
  const out: StepStatus[] = Array.from({ length: count }, () => fallback);
  for (const a of state.attempts) {
    if (a.stepId !== stepId || a.item === null || a.item >= count) continue;
    out[a.item] =
      a.endMs === null || a.ok === null
        ? 'running'
        : a.ok
          ? 'succeeded'
          : a.willRetry
            ? 'running'
            : a.reason === 'cancelled'
              ? 'cancelled'
              : 'failed';
  }
  return out;
}

/** Grid of item cells drawn inside an expanded `foreach` node. */
export interface ForeachGrid {
  readonly cols: number;
  readonly rows: number;
  /** Cell pitch in px (the cell is 2 px smaller). */
  readonly cell: number;
  readonly width: number;
  readonly height: number;
}

/** Size of an expanded `foreach` node with `items` cells under its usual two lines of text. Pure. */
export function foreachGrid(items: number, nodeWidth: number, nodeHeight: number, cell = 14): ForeachGrid {
  const minCols = Math.max(1, Math.floor((nodeWidth - 16) / cell));
  const cols = Math.max(minCols, Math.ceil(Math.sqrt(items * 2.5)));
  const rows = Math.max(1, Math.ceil(items / cols));
  return { cols, rows, cell, width: Math.max(nodeWidth, cols * cell + 16), height: nodeHeight + rows * cell + 6 };
}
