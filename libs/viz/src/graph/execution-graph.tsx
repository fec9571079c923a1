import { useState, type KeyboardEvent } from 'react';
import type { GraphLayoutOptions, GraphNode } from './compute/graph-layout.js';
import { useGraphLayout } from './use-graph-layout.js';
import { useRunStateInput, type RunInputProps } from '../shared/run-input.js';
import { drawTime, useNow } from '../shared/use-now.js';
import { useSvgId } from '../shared/use-svg-id.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';

export interface ExecutionGraphProps extends RunInputProps, GraphLayoutOptions, VizStyleProps {
  /** Fixed "now" in epoch ms (stories, replays); by default the clock ticks while the run is live. */
  readonly now?: number | null;
  /** Accessible name of the graph. @default "Workflow graph" + a summary */
  readonly ariaLabel?: string;
  /** Called when a node is clicked or activated with Enter / Space. */
  readonly onSelectStep?: (stepId: string) => void;
  /** Step drawn as selected. */
  readonly selectedStep?: string | null;
}

/**
 * The workflow's DAG, left to right: nodes by status (running ones pulse), the critical path
 * highlighted, skip and failure reasons on hover and focus.
 */
export function ExecutionGraph(props: ExecutionGraphProps) {
  const state = useRunStateInput(props);
  const now = drawTime(state, useNow(state.status === 'running', props.now, 500));
  const layout = useGraphLayout(state, now, props);
  const [hot, setHot] = useState<string | null>(null);
  const arrowId = useSvgId('weft-arrow');
  const arrowCriticalId = useSvgId('weft-arrow-critical');
  const counts = countStatuses(layout.nodes);
  const label =
    props.ariaLabel ??
    `Workflow graph${state.workflow ? ` of ${state.workflow}` : ''}: ${layout.nodes.length} steps` +
      Object.entries(counts)
        .map(([status, n]) => `, ${n} ${status}`)
        .join('');
  const hotNode = hot ? layout.nodes.find((n) => n.id === hot && n.tooltip) : undefined;
  const select = props.onSelectStep;
  const onKey = (id: string) => (e: KeyboardEvent) => {
    if (select && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      select(id);
    }
  };
  const width = Math.max(layout.width, 1);
  const height = Math.max(layout.height, 1);
  return (
    <>
      {props.injectStyles !== false && <VizStyles />}
      <svg
        className={`weft-viz weft-graph ${props.className ?? ''}`}
        role="group"
        aria-roledescription="workflow graph"
        aria-label={label}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        style={{ height: 'auto' }}
      >
        <defs>
          <marker id={arrowId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path className="weft-graph-arrow" d="M0,0 L10,5 L0,10 z" />
          </marker>
          <marker
            id={arrowCriticalId}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="5"
            markerHeight="5"
            orient="auto"
          >
            <path className="weft-graph-arrow weft-critical" d="M0,0 L10,5 L0,10 z" />
          </marker>
        </defs>
        <g aria-hidden="true">
          {layout.edges
            .slice()
            .sort((a, b) => Number(a.critical) - Number(b.critical))
            .map((e) => (
              <path
                key={`${e.from}→${e.to}`}
                className={`weft-graph-edge${e.critical ? ' weft-critical' : ''}`}
                d={e.path}
                markerEnd={`url(#${e.critical ? arrowCriticalId : arrowId})`}
                data-edge={`${e.from}→${e.to}`}
              />
            ))}
        </g>
        <g>
          {layout.nodes.map((n) => (
            <g
              key={n.id}
              className={`weft-graph-node weft-status-${n.status}${n.critical ? ' weft-critical' : ''}${
                props.selectedStep === n.id ? ' weft-selected' : ''
              }`}
              transform={`translate(${n.x},${n.y})`}
              tabIndex={0}
              role={select ? 'button' : 'img'}
              aria-label={n.ariaLabel}
              aria-pressed={select ? props.selectedStep === n.id : undefined}
              data-step={n.id}
              data-status={n.status}
              onMouseEnter={() => setHot(n.id)}
              onMouseLeave={() => setHot((h) => (h === n.id ? null : h))}
              onFocus={() => setHot(n.id)}
              onBlur={() => setHot((h) => (h === n.id ? null : h))}
              onClick={select ? () => select(n.id) : undefined}
              onKeyDown={select ? onKey(n.id) : undefined}
              style={select ? { cursor: 'pointer' } : undefined}
            >
              <title>{`${n.id}: ${n.tooltip ?? n.detail}${n.worker ? ` · on worker ${n.worker}` : ''}`}</title>
              {n.status === 'running' && (
                <rect className="weft-pulse" width={n.width} height={n.height} rx={8} data-pulse="true" />
              )}
              <rect
                className="weft-shape"
                width={n.width}
                height={n.height}
                rx={8}
                strokeWidth={props.selectedStep === n.id ? 4 : undefined}
              />
              <rect className="weft-node-band" width={6} height={n.height - 8} x={4} y={4} rx={3} />
              <text className="weft-node-title" x={16} y={n.height / 2 - 4}>
                {truncate(n.id, Math.floor((n.width - 24) / 7))}
              </text>
              <text className="weft-node-detail" x={16} y={n.height / 2 + 13}>
                {truncate(n.detail, Math.floor((n.width - 24) / 6))}
              </text>
            </g>
          ))}
        </g>
        {hotNode && <Tooltip node={hotNode} width={width} />}
      </svg>
    </>
  );
}

function Tooltip({ node, width }: { node: GraphNode; width: number }) {
  const text = node.tooltip ?? '';
  const w = Math.min(Math.max(120, text.length * 6.4 + 16), Math.max(width - 8, 120));
  const x = Math.min(Math.max(4, node.x + node.width / 2 - w / 2), Math.max(4, width - w - 4));
  const above = node.y >= 30;
  const y = above ? node.y - 28 : node.y + node.height + 4;
  return (
    <g className="weft-tooltip" transform={`translate(${x},${y})`} role="tooltip" data-tooltip-for={node.id}>
      <rect width={w} height={24} rx={4} />
      <text x={8} y={16}>
        {text}
      </text>
    </g>
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function countStatuses(nodes: readonly GraphNode[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of nodes) counts[n.status] = (counts[n.status] ?? 0) + 1;
  return counts;
}
