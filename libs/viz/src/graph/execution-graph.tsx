import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { GraphLayoutOptions, GraphNode } from './compute/graph-layout.js';
import { useGraphLayout, type GraphGroupingOptions } from './use-graph-layout.js';
import { useGraphZoom } from './use-graph-zoom.js';
import { GraphMinimap } from './graph-minimap.js';
import { GraphSearchBox } from './graph-search-box.js';
import { centerOn, fitTransform, initialView, LEGIBLE_SCALE, type ContentBox } from './compute/viewport.js';
import { CHAIN_PREFIX } from './compute/graph-collapse.js';
import { useRunStateInput, type RunInputProps } from '../shared/run-input.js';
import { drawTime, useNow } from '../shared/use-now.js';
import { useSvgId } from '../shared/use-svg-id.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';

const useBrowserLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

export interface ExecutionGraphProps extends RunInputProps, GraphLayoutOptions, VizStyleProps {
  /** Fixed "now" in epoch ms (stories, replays); by default the clock ticks while the run is live. */
  readonly now?: number | null;
  /** Accessible name of the graph. @default "Workflow graph" + a summary */
  readonly ariaLabel?: string;
  /** Called when a node is clicked or activated with Enter / Space. */
  readonly onSelectStep?: (stepId: string) => void;
  /** Step drawn as selected. */
  readonly selectedStep?: string | null;
  /**
   * A linear chain of at least this many steps is drawn as one node with its count (click to
   * expand); 0 never folds. @default 4 when the workflow has more than 40 steps, else 0
   */
  readonly collapseChains?: number;
  /** Height of the viewport in px. @default as tall as the graph at its first zoom, at most `maxHeight` */
  readonly height?: number;
  /** @default 600 */
  readonly maxHeight?: number;
  /** Zoom below which text is too small to read; see {@link initialView}. @default 0.75 */
  readonly legibleScale?: number;
  /** Show the overview map. @default when the whole graph is not legible in the first view */
  readonly minimap?: boolean;
  /** Show the "find a step" box. @default when the workflow has more than 12 steps */
  readonly search?: boolean;
  /** Show the zoom / fit / jump buttons. @default true */
  readonly controls?: boolean;
}

/** Width used before the container is measured (server render, tests without layout). */
const FALLBACK_WIDTH = 800;

function useContainerWidth(): [RefObject<HTMLDivElement | null>, number | null] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState<number | null>(null);
  useBrowserLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const read = (w: number) => {
      if (w > 0) setWidth(Math.floor(w));
    };
    read(el.getBoundingClientRect().width);
    if (typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver((entries) => {
      const e = entries[entries.length - 1];
      if (e) read(e.contentRect.width);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

const buttonStyle: CSSProperties = {
  font: 'inherit',
  color: 'var(--weft-fg, #1f2933)',
  background: 'var(--weft-surface, #f5f7fa)',
  border: '1px solid var(--weft-edge, #9aa5b1)',
  borderRadius: 4,
  padding: '2px 8px',
  minWidth: 28,
  minHeight: 26,
  cursor: 'pointer',
};

/**
 * The workflow's DAG, left to right: nodes by status (running ones pulse), the critical path
 * highlighted, skip and failure reasons on hover and focus.
 *
 * Big graphs stay readable: the view pans and zooms (wheel, drag, pinch; `+` `-`, arrows, `0` or
 * `F` to fit when the graph has focus; buttons), follows its container's width, starts fitted only
 * when the text stays legible (else at a readable zoom on the start of the graph, see
 * {@link initialView}), has an overview map, a "find a step" box and "jump to running"; long
 * linear chains fold into one node with their count, and a `foreach` step shows its items'
 * progress, expanding to one cell per item on click.
 */
export function ExecutionGraph(props: ExecutionGraphProps) {
  const state = useRunStateInput(props);
  const now = drawTime(state, useNow(state.status === 'running', props.now, 500));
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const grouping: GraphGroupingOptions = { collapseChains: props.collapseChains, expanded };
  const layout = useGraphLayout(state, now, props, grouping);
  const [hot, setHot] = useState<string | null>(null);
  const [found, setFound] = useState<string | null>(null);
  const pending = useRef<{ id: string; focus: boolean } | null>(null);
  const runningIndex = useRef(0);
  const arrowId = useSvgId('weft-arrow');
  const arrowCriticalId = useSvgId('weft-arrow-critical');
  const helpId = useSvgId('weft-graph-help');
  const svgRef = useRef<SVGSVGElement | null>(null);
  const [frameRef, measured] = useContainerWidth();
  const width = measured ?? FALLBACK_WIDTH;

  const stepCount = state.order.length;
  const counts = countStatuses(state.order.map((id) => state.steps[id]?.status ?? 'pending'));
  const label =
    props.ariaLabel ??
    `Workflow graph${state.workflow ? ` of ${state.workflow}` : ''}: ${stepCount} steps` +
      Object.entries(counts)
        .map(([status, n]) => `, ${n} ${status}`)
        .join('');

  const content: ContentBox = useMemo(
    () => ({ x: 0, y: 0, width: Math.max(layout.width, 1), height: Math.max(layout.height, 1) }),
    [layout.width, layout.height],
  );
  const firstNode = layout.nodes[0];
  const legible = props.legibleScale ?? LEGIBLE_SCALE;
  const first = initialView(content, width, {
    legibleScale: legible,
    maxHeight: props.maxHeight ?? 600,
    ...(props.height !== undefined ? { height: props.height } : {}),
    ...(firstNode ? { focusY: firstNode.y + firstNode.height / 2 } : {}),
  });
  // The viewport's height is decided once per workflow (and width), so expanding a group does not make the page jump.
  const resetKey = `${state.runId ?? ''}|${state.workflow ?? ''}|${stepCount}`;
  const [frozen, setFrozen] = useState<{ key: string; height: number; whole: boolean } | null>(null);
  const viewHeight = frozen?.key === resetKey ? frozen.height : first.height;
  const view = useMemo(() => ({ width, height: viewHeight }), [width, viewHeight]);
  const zoom = useGraphZoom(svgRef, content, view, first.transform);
  const { apply } = zoom;

  // First view of each workflow, and again when the container resizes before the reader moved.
  const lastReset = useRef<string | null>(null);
  useBrowserLayoutEffect(() => {
    const key = `${resetKey}|${measured ?? 0}`;
    if (lastReset.current === key) return;
    const sameWorkflow = lastReset.current?.startsWith(`${resetKey}|`) ?? false;
    if (sameWorkflow && zoom.moved.current) {
      lastReset.current = key;
      return;
    }
    lastReset.current = key;
    setFrozen({ key: resetKey, height: first.height, whole: first.whole });
    apply(first.transform, false);
  });

  const showMinimap = props.minimap ?? !(frozen?.whole ?? first.whole);
  const showSearch = props.search ?? stepCount > 12;
  const showControls = props.controls ?? true;

  const nodeById = useMemo(() => new Map(layout.nodes.map((n) => [n.id, n])), [layout.nodes]);
  const goTo = useCallback(
    (id: string, focusNode: boolean) => {
      const owner = layout.collapsed.owner.get(id) ?? id;
      const n = nodeById.get(owner);
      if (!n) return false;
      apply(centerOn({ x: n.x + n.width / 2, y: n.y + n.height / 2 }, view, Math.max(zoom.transform.k, 1)));
      setFound(owner);
      if (focusNode) {
        const el = Array.from(svgRef.current?.querySelectorAll<SVGGElement>('[data-node]') ?? []).find(
          (g) => g.getAttribute('data-node') === owner,
        );
        el?.focus({ preventScroll: true });
      }
      return true;
    },
    [layout.collapsed.owner, nodeById, apply, view, zoom.transform.k],
  );

  // A step asked for (search, expand) after the layout that shows it is ready.
  useEffect(() => {
    const p = pending.current;
    if (!p) return;
    if (goTo(p.id, p.focus)) pending.current = null;
  }, [goTo]);

  const find = (id: string) => {
    const owner = layout.collapsed.owner.get(id);
    if (owner && owner !== id) {
      // hidden in a folded chain: unfold it, then go there
      setExpanded((e) => new Set([...e, owner]));
      pending.current = { id, focus: true };
      return;
    }
    goTo(id, true);
  };

  const toggle = useCallback((n: GraphNode) => {
    setExpanded((e) => {
      const next = new Set(e);
      if (next.has(n.id)) next.delete(n.id);
      else next.add(n.id);
      return next;
    });
    // keep the unfolded chain's first step (or the foreach node) in view
    pending.current = { id: n.kind === 'chain' ? n.members![0]! : n.id, focus: true };
  }, []);

  const running = state.order.filter((id) => state.steps[id]?.status === 'running');
  const jumpToRunning = () => {
    if (running.length === 0) return;
    const id = running[runningIndex.current++ % running.length]!;
    goTo(id, false);
  };
  const fit = () => apply(fitTransform(content, view, 12, 1));

  const onViewportKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.shiftKey ? 300 : 80;
    switch (e.key) {
      case '+':
      case '=':
        zoom.zoomBy(1.25);
        break;
      case '-':
      case '_':
        zoom.zoomBy(0.8);
        break;
      case '0':
      case 'f':
      case 'F':
        fit();
        break;
      case 'ArrowLeft':
        zoom.panBy(-step, 0);
        break;
      case 'ArrowRight':
        zoom.panBy(step, 0);
        break;
      case 'ArrowUp':
        zoom.panBy(0, -step);
        break;
      case 'ArrowDown':
        zoom.panBy(0, step);
        break;
      case 'Escape':
        setFound(null);
        return;
      default:
        return;
    }
    e.preventDefault();
  };

  const select = props.onSelectStep;
  const far = zoom.transform.k < 0.4;
  const drawn = useMemo(
    () => (
      <GraphContent
        nodes={layout.nodes}
        edges={layout.edges}
        ports={layout.ports ?? []}
        arrowId={arrowId}
        arrowCriticalId={arrowCriticalId}
        select={select}
        selectedStep={props.selectedStep ?? null}
        found={found}
        far={far}
        setHot={setHot}
        toggle={toggle}
      />
    ),
    [layout, arrowId, arrowCriticalId, select, props.selectedStep, found, far, toggle],
  );

  const hotNode = hot ? nodeById.get(hot) : undefined;
  const t = zoom.transform;
  const [focused, setFocused] = useState(false);
  const expandedChains = [...expanded].filter((id) => id.startsWith(CHAIN_PREFIX)).length;
  const candidates = useMemo(
    () => state.order.map((id) => ({ id, name: state.steps[id]?.type ?? null })),
    [state.order, state.steps],
  );

  return (
    <>
      {props.injectStyles !== false && <VizStyles />}
      <div
        ref={frameRef}
        className={`weft-viz weft-graph ${props.className ?? ''}`}
        style={{ width: '100%', maxWidth: '100%', minWidth: 0, boxSizing: 'border-box', position: 'relative' }}
      >
        {(showControls || showSearch) && (
          <div
            className="weft-graph-toolbar"
            style={{ display: 'flex', flexWrap: 'wrap', gap: 4, alignItems: 'center', padding: '0 0 4px' }}
          >
            {showSearch && (
              <GraphSearchBox
                candidates={candidates}
                statusOf={(id) => state.steps[id]?.status ?? 'pending'}
                onChoose={find}
              />
            )}
            {showControls && (
              <>
                <button type="button" aria-label="Zoom out" title="Zoom out (−)" style={buttonStyle} onClick={() => zoom.zoomBy(0.8)} data-zoom="out">
                  −
                </button>
                <button type="button" aria-label="Zoom in" title="Zoom in (+)" style={buttonStyle} onClick={() => zoom.zoomBy(1.25)} data-zoom="in">
                  +
                </button>
                <button type="button" aria-label="Fit the whole graph" title="Fit (F or 0)" style={buttonStyle} onClick={fit} data-zoom="fit">
                  Fit
                </button>
                {running.length > 0 && (
                  <button
                    type="button"
                    aria-label={`Jump to a running step (${running.length} running)`}
                    title="Centre the next running step"
                    style={buttonStyle}
                    onClick={jumpToRunning}
                    data-jump="running"
                  >
                    Running ({running.length})
                  </button>
                )}
                {expandedChains > 0 && (
                  <button
                    type="button"
                    style={buttonStyle}
                    onClick={() => setExpanded((e) => new Set([...e].filter((id) => !id.startsWith(CHAIN_PREFIX))))}
                  >
                    Fold chains again
                  </button>
                )}
                <span aria-hidden="true" style={{ color: 'var(--weft-fg, #1f2933)', marginLeft: 4 }} data-zoom-level="">
                  {Math.round(t.k * 100)}%
                </span>
              </>
            )}
          </div>
        )}
        <div
          className="weft-graph-viewport"
          tabIndex={0}
          role="group"
          aria-roledescription="workflow graph"
          aria-label={label}
          aria-describedby={helpId}
          onKeyDown={onViewportKey}
          onFocus={(e) => setFocused(e.target === e.currentTarget)}
          onBlur={() => setFocused(false)}
          style={{
            position: 'relative',
            height: viewHeight,
            overflow: 'hidden',
            borderRadius: 4,
            outline: focused ? '2px solid var(--weft-focus, #7c3aed)' : 'none',
            outlineOffset: 2,
          }}
        >
          <span id={helpId} hidden>
            Drag or use the arrow keys to pan, the wheel, pinch or plus and minus to zoom, F or 0 to fit the whole graph.
          </span>
          <svg
            ref={svgRef}
            className="weft-graph-canvas"
            width={width}
            height={viewHeight}
            style={{ display: 'block', touchAction: 'none', cursor: 'grab' }}
            data-transform={`${t.k.toFixed(4)},${t.x.toFixed(1)},${t.y.toFixed(1)}`}
            data-content={`${content.width},${content.height}`}
            data-layout-ms={layout.layoutMs.toFixed(1)}
          >
            <g transform={`translate(${t.x},${t.y}) scale(${t.k})`} data-zoom-layer="">
              {drawn}
            </g>
            {hotNode?.tooltip && <Tooltip node={hotNode} k={t.k} tx={t.x} ty={t.y} width={width} />}
          </svg>
          {showMinimap && layout.nodes.length > 0 && (
            <GraphMinimap layout={layout} transform={t} view={view} onCenter={(p) => apply(centerOn(p, view, t.k))} />
          )}
        </div>
      </div>
    </>
  );
}

interface GraphContentProps {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly { from: string; to: string; path: string; critical: boolean; arrow?: boolean }[];
  readonly ports: readonly { to: string; path: string; critical: boolean }[];
  readonly arrowId: string;
  readonly arrowCriticalId: string;
  readonly select: ((id: string) => void) | undefined;
  readonly selectedStep: string | null;
  readonly found: string | null;
  readonly far: boolean;
  readonly setHot: (f: (h: string | null) => string | null) => void;
  readonly toggle: (n: GraphNode) => void;
}

/** Edges and nodes in graph coordinates (memoised: panning and zooming do not redraw them). */
function GraphContent({ nodes, edges, ports, arrowId, arrowCriticalId, select, selectedStep, found, far, setHot, toggle }: GraphContentProps) {
  const nonScaling: CSSProperties | undefined = far ? { vectorEffect: 'non-scaling-stroke' } : undefined;
  return (
    <>
      <defs>
        <marker id={arrowId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path className="weft-graph-arrow" d="M0,0 L10,5 L0,10 z" />
        </marker>
        <marker id={arrowCriticalId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto">
          <path className="weft-graph-arrow weft-critical" d="M0,0 L10,5 L0,10 z" />
        </marker>
      </defs>
      <g aria-hidden="true">
        {edges
          .slice()
          .sort((a, b) => Number(a.critical) - Number(b.critical))
          .map((e) => (
            <path
              key={`${e.from}→${e.to}`}
              className={`weft-graph-edge${e.critical ? ' weft-critical' : ''}`}
              d={e.path}
              markerEnd={e.arrow === false ? undefined : `url(#${e.critical ? arrowCriticalId : arrowId})`}
              data-edge={`${e.from}→${e.to}`}
              style={nonScaling}
            />
          ))}
        {ports.map((p) => (
          <path
            key={`port→${p.to}`}
            className={`weft-graph-edge-port${p.critical ? ' weft-critical' : ''}`}
            d={p.path}
            markerEnd={`url(#${p.critical ? arrowCriticalId : arrowId})`}
            data-port={p.to}
            style={{
              fill: 'none',
              stroke: p.critical ? 'var(--weft-color-critical, #f59e0b)' : 'var(--weft-edge, #9aa5b1)',
              strokeWidth: p.critical ? 3 : 1.5,
            }}
          />
        ))}
      </g>
      <g>
        {nodes.map((n) => (
          <GraphNodeView
            key={n.id}
            n={n}
            select={select}
            selected={selectedStep === n.id}
            found={found === n.id}
            far={far}
            setHot={setHot}
            toggle={toggle}
          />
        ))}
      </g>
    </>
  );
}

function GraphNodeView({
  n,
  select,
  selected,
  found,
  far,
  setHot,
  toggle,
}: {
  n: GraphNode;
  select: ((id: string) => void) | undefined;
  selected: boolean;
  found: boolean;
  far: boolean;
  setHot: (f: (h: string | null) => string | null) => void;
  toggle: (n: GraphNode) => void;
}) {
  const kind = n.kind ?? 'step';
  const activate = () => {
    if (kind !== 'step') toggle(n);
    if (kind !== 'chain') select?.(n.id);
  };
  const interactive = kind !== 'step' || !!select;
  const onKey = (e: KeyboardEvent) => {
    if (interactive && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      e.stopPropagation();
      activate();
    }
  };
  const base = kind === 'foreach' && n.expanded && n.grid ? n.height - n.grid.rows * n.grid.cell - 6 : n.height;
  const titleMax = Math.floor((n.width - 24) / 7);
  const title = kind === 'chain' ? chainTitle(n, titleMax) : truncate(n.id, titleMax);
  const p = n.progress;
  let extra: ReactNode = null;
  if (p && p.total > 0 && kind !== 'step') {
    const w = n.width - 24;
    extra = (
      <g aria-hidden="true" data-progress={`${p.succeeded}/${p.total}`}>
        <rect x={16} y={base - 7} width={w} height={3} rx={1.5} style={{ fill: 'var(--weft-grid, #e4e7eb)' }} />
        <rect x={16} y={base - 7} width={(w * p.succeeded) / p.total} height={3} rx={1.5} style={{ fill: 'var(--weft-color-succeeded, #15803d)' }} />
        {p.failed > 0 && (
          <rect
            x={16 + (w * p.succeeded) / p.total}
            y={base - 7}
            width={(w * p.failed) / p.total}
            height={3}
            style={{ fill: 'var(--weft-color-failed, #dc2626)' }}
          />
        )}
        {p.running > 0 && (
          <rect
            x={16 + (w * (p.succeeded + p.failed)) / p.total}
            y={base - 7}
            width={(w * p.running) / p.total}
            height={3}
            style={{ fill: 'var(--weft-color-running, #2563eb)' }}
          />
        )}
      </g>
    );
  }
  return (
    <g
      className={`weft-graph-node weft-status-${n.status}${n.critical ? ' weft-critical' : ''}${selected ? ' weft-selected' : ''}${
        found ? ' weft-found' : ''
      } weft-node-${kind}`}
      transform={`translate(${n.x},${n.y})`}
      tabIndex={0}
      role={interactive ? 'button' : 'img'}
      aria-label={n.ariaLabel}
      aria-pressed={select && kind === 'step' ? selected : undefined}
      aria-expanded={kind === 'step' ? undefined : kind === 'foreach' ? !!n.expanded : false}
      data-step={kind === 'chain' ? undefined : n.id}
      data-node={n.id}
      data-kind={kind}
      data-status={n.status}
      onMouseEnter={() => setHot(() => n.id)}
      onMouseLeave={() => setHot((h) => (h === n.id ? null : h))}
      onFocus={() => setHot(() => n.id)}
      onBlur={() => setHot((h) => (h === n.id ? null : h))}
      onClick={interactive ? activate : undefined}
      onKeyDown={interactive ? onKey : undefined}
      style={interactive ? { cursor: 'pointer' } : undefined}
    >
      <title>{`${kind === 'chain' ? n.members!.join(' → ') : n.id}: ${n.tooltip ?? n.detail}${n.worker ? ` · on worker ${n.worker}` : ''}`}</title>
      {found && (
        <rect
          x={-6}
          y={-6}
          width={n.width + 12}
          height={n.height + 12}
          rx={12}
          data-found=""
          style={{ fill: 'none', stroke: 'var(--weft-focus, #7c3aed)', strokeWidth: 3, strokeDasharray: '6 3', vectorEffect: 'non-scaling-stroke' }}
        />
      )}
      {kind === 'chain' && (
        <>
          <rect x={6} y={-6} width={n.width} height={n.height} rx={8} style={{ fill: 'var(--weft-surface, #f5f7fa)', stroke: 'var(--weft-edge, #9aa5b1)' }} />
          <rect x={3} y={-3} width={n.width} height={n.height} rx={8} style={{ fill: 'var(--weft-surface, #f5f7fa)', stroke: 'var(--weft-edge, #9aa5b1)' }} />
        </>
      )}
      {n.status === 'running' && <rect className="weft-pulse" width={n.width} height={base} rx={8} data-pulse="true" />}
      <rect
        className="weft-shape"
        width={n.width}
        height={n.height}
        rx={8}
        strokeWidth={selected ? 4 : undefined}
        style={far && n.status === 'running' ? { strokeWidth: 3, vectorEffect: 'non-scaling-stroke', fill: 'var(--weft-color-running, #2563eb)' } : undefined}
      />
      <rect className="weft-node-band" width={6} height={n.height - 8} x={4} y={4} rx={3} />
      {!far && (
        <>
          <text className="weft-node-title" x={16} y={base / 2 - 4}>
            {title}
          </text>
          <text className="weft-node-detail" x={16} y={base / 2 + 13}>
            {truncate(n.detail, Math.floor((n.width - 24) / 6))}
          </text>
        </>
      )}
      {extra}
      {n.items && n.grid && (
        <g aria-hidden="true" data-items={n.items.length}>
          {n.items.map((s, i) => (
            <rect
              key={i}
              className={`weft-status-${s}`}
              x={8 + (i % n.grid!.cols) * n.grid!.cell}
              y={base + Math.floor(i / n.grid!.cols) * n.grid!.cell}
              width={n.grid!.cell - 2}
              height={n.grid!.cell - 2}
              rx={2}
              data-item={i}
              style={{ fill: 'var(--weft-status)' }}
            >
              <title>{`${n.id} item ${i}: ${s}`}</title>
            </rect>
          ))}
        </g>
      )}
    </g>
  );
}

function chainTitle(n: GraphNode, max: number): string {
  const more = ` +${(n.members?.length ?? 1) - 1}`;
  return truncate(n.members?.[0] ?? n.id, Math.max(4, max - more.length)) + more;
}

/** The reason of a muted node, drawn in screen space (it stays readable at any zoom). */
function Tooltip({ node, k, tx, ty, width }: { node: GraphNode; k: number; tx: number; ty: number; width: number }) {
  const text = node.tooltip ?? '';
  const w = Math.min(Math.max(120, text.length * 6.4 + 16), Math.max(width - 8, 120));
  const nx = node.x * k + tx;
  const ny = node.y * k + ty;
  const x = Math.min(Math.max(4, nx + (node.width * k) / 2 - w / 2), Math.max(4, width - w - 4));
  const above = ny >= 30;
  const y = above ? ny - 28 : ny + node.height * k + 4;
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

function countStatuses(statuses: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}
