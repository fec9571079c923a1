import { useMemo } from 'react';
import type { RunState } from '../state/run-state.types.js';
import { decorateGraph, layoutGraph, type GraphLayout, type GraphLayoutOptions } from './compute/graph-layout.js';
import { collapseGraph, foreachGrid, type CollapsedGraph } from './compute/graph-collapse.js';

/** How a big graph is folded. */
export interface GraphGroupingOptions {
  /**
   * A linear chain of at least this many steps is drawn as one node (click to expand); 0 never
   * folds. @default 4 when the workflow has more than 40 steps, else 0
   */
  readonly collapseChains?: number;
  /** Chain ids (`chain:<first step>`) and `foreach` step ids drawn expanded. */
  readonly expanded?: ReadonlySet<string>;
}

/** A decorated layout plus the folding it was drawn with. */
export interface GroupedGraphLayout extends GraphLayout {
  readonly collapsed: CollapsedGraph;
  /** Time the layout took, in ms. */
  readonly layoutMs: number;
}

/** Steps above which long chains fold by default. */
export const AUTO_COLLAPSE_ABOVE = 40;
/** Default shortest chain folded in a big graph. */
export const DEFAULT_MIN_CHAIN = 4;

const NO_EXPANDED: ReadonlySet<string> = new Set();

/**
 * Memoised graph layout: folding and layout run again only when the steps, edges, folding or
 * expanded `foreach` sizes change; statuses only re-decorate.
 */
export function useGraphLayout(
  state: RunState,
  now: number,
  options: GraphLayoutOptions = {},
  grouping: GraphGroupingOptions = {},
): GroupedGraphLayout {
  const { nodeWidth, nodeHeight, rankSep, nodeSep, margin } = options;
  const minChain = grouping.collapseChains ?? (state.order.length > AUTO_COLLAPSE_ABOVE ? DEFAULT_MIN_CHAIN : 0);
  const expanded = grouping.expanded ?? NO_EXPANDED;
  const expandedKey = [...expanded].sort().join('\n');
  // foreach steps never fold into a chain; their identity and expanded sizes key the layout.
  const foreachKey = state.order
    .filter((id) => state.steps[id]?.itemCount)
    .map((id) => (expanded.has(id) ? `${id}:${state.steps[id]!.itemCount}` : id))
    .join('\n');
  const collapsed = useMemo(() => {
    const foreach = new Set(foreachKey ? foreachKey.split('\n').map((k) => k.replace(/:\d+$/, '')) : []);
    return collapseGraph(state.order, state.edges, {
      minChain,
      expanded: new Set(expandedKey ? expandedKey.split('\n') : []),
      keep: (id) => foreach.has(id),
    });
  }, [state.order, state.edges, minChain, expandedKey, foreachKey]);
  const geometry = useMemo(() => {
    const w = nodeWidth ?? 180;
    const h = nodeHeight ?? 50;
    const sizes = new Map<string, { width: number; height: number }>();
    for (const key of foreachKey ? foreachKey.split('\n') : []) {
      const m = /^(.*):(\d+)$/.exec(key);
      if (m) sizes.set(m[1]!, foreachGrid(Number(m[2]), w, h));
    }
    return layoutGraph(collapsed.order, collapsed.edges, { nodeWidth, nodeHeight, rankSep, nodeSep, margin }, sizes);
  }, [collapsed, foreachKey, nodeWidth, nodeHeight, rankSep, nodeSep, margin]);
  return useMemo(() => {
    const expandedForeach = new Set([...expanded].filter((id) => state.steps[id]?.itemCount));
    const layout = decorateGraph(geometry, state, now, { chains: collapsed.chains, expandedForeach });
    return { ...layout, collapsed, layoutMs: geometry.layoutMs };
  }, [geometry, state, now, collapsed, expanded]);
}
