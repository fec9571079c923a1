import { useMemo } from 'react';
import type { RunState } from '../state/run-state.types.js';
import { decorateGraph, layoutGraph, type GraphLayout, type GraphLayoutOptions } from './compute/graph-layout.js';

/** Memoised graph layout: dagre runs again only when the steps or edges change. */
export function useGraphLayout(state: RunState, now: number, options: GraphLayoutOptions = {}): GraphLayout {
  const { nodeWidth, nodeHeight, rankSep, nodeSep, margin } = options;
  const geometry = useMemo(
    () => layoutGraph(state.order, state.edges, { nodeWidth, nodeHeight, rankSep, nodeSep, margin }),
    [state.order, state.edges, nodeWidth, nodeHeight, rankSep, nodeSep, margin],
  );
  return useMemo(() => decorateGraph(geometry, state, now), [geometry, state, now]);
}
