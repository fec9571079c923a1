import { useRef, type PointerEvent } from 'react';
import type { GraphLayout } from './compute/graph-layout.js';
import { visibleBox, type ViewSize, type ViewTransform } from './compute/viewport.js';

export interface GraphMinimapProps {
  readonly layout: GraphLayout;
  readonly transform: ViewTransform;
  /** Size of the main view, in screen px. */
  readonly view: ViewSize;
  /** Called with a content point to centre the main view on (click or drag on the minimap). */
  readonly onCenter: (p: { x: number; y: number }) => void;
  /** Largest size of the minimap, in px. @default 200 × 130 */
  readonly maxWidth?: number;
  readonly maxHeight?: number;
}

const STATUS_FILL: Record<string, string> = {
  running: 'var(--weft-color-running, #2563eb)',
  succeeded: 'var(--weft-color-succeeded, #15803d)',
  failed: 'var(--weft-color-failed, #dc2626)',
  skipped: 'var(--weft-color-skipped, #e4e7eb)',
  cancelled: 'var(--weft-color-cancelled, #616e7c)',
  pending: 'var(--weft-color-pending, #cbd2d9)',
};

/**
 * The whole graph in small: nodes by status, the critical path as an amber line, running steps as
 * blue dots big enough to see at any size, and the part the main view shows as a rectangle. Click
 * or drag on it to move the view there. Mouse and touch only (hidden from assistive technology):
 * the keyboard has the arrows, fit and search.
 */
export function GraphMinimap({ layout, transform, view, onCenter, maxWidth = 200, maxHeight = 130 }: GraphMinimapProps) {
  const dragging = useRef(false);
  const w = Math.max(layout.width, 1);
  const h = Math.max(layout.height, 1);
  const m = Math.min(maxWidth / w, maxHeight / h);
  const width = Math.max(20, Math.round(w * m));
  const height = Math.max(20, Math.round(h * m));
  const box = visibleBox(transform, view);
  const centre = new Map(layout.nodes.map((n) => [n.id, { x: n.x + n.width / 2, y: n.y + n.height / 2 }]));
  const critical = layout.edges.filter((e) => e.critical);
  const running = layout.nodes.filter((n) => n.status === 'running');

  const move = (e: PointerEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    onCenter({ x: (e.clientX - r.left) / m, y: (e.clientY - r.top) / m });
  };
  const clampRect = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const rx = clampRect(box.x * m, -2, width);
  const ry = clampRect(box.y * m, -2, height);
  const rw = clampRect((box.x + box.width) * m, 0, width + 2) - rx;
  const rh = clampRect((box.y + box.height) * m, 0, height + 2) - ry;

  return (
    <svg
      className="weft-graph-minimap"
      aria-hidden="true"
      data-minimap=""
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      style={{
        position: 'absolute',
        right: 8,
        bottom: 8,
        background: 'var(--weft-bg, #fff)',
        border: '1px solid var(--weft-edge, #9aa5b1)',
        borderRadius: 4,
        boxShadow: '0 1px 4px rgb(0 0 0 / 0.2)',
        cursor: 'pointer',
        touchAction: 'none',
        overflow: 'hidden',
      }}
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture?.(e.pointerId);
        move(e);
      }}
      onPointerMove={(e) => {
        if (dragging.current) move(e);
      }}
      onPointerUp={() => {
        dragging.current = false;
      }}
      onPointerCancel={() => {
        dragging.current = false;
      }}
    >
      {layout.nodes.map((n) => (
        <rect
          key={n.id}
          x={n.x * m}
          y={n.y * m}
          width={Math.max(1, n.width * m)}
          height={Math.max(1, n.height * m)}
          style={{ fill: STATUS_FILL[n.status] ?? STATUS_FILL.pending }}
        />
      ))}
      {critical.map((e) => {
        const a = centre.get(e.from);
        const b = centre.get(e.to);
        return a && b ? (
          <line
            key={`${e.from}→${e.to}`}
            x1={a.x * m}
            y1={a.y * m}
            x2={b.x * m}
            y2={b.y * m}
            data-minimap-critical=""
            style={{ stroke: 'var(--weft-color-critical, #f59e0b)', strokeWidth: 2 }}
          />
        ) : null;
      })}
      {running.map((n) => (
        <circle
          key={n.id}
          cx={(n.x + n.width / 2) * m}
          cy={(n.y + n.height / 2) * m}
          r={3.5}
          data-minimap-running=""
          style={{ fill: 'var(--weft-color-running, #2563eb)', stroke: 'var(--weft-bg, #fff)', strokeWidth: 1 }}
        />
      ))}
      <rect
        data-minimap-view=""
        x={rx}
        y={ry}
        width={Math.max(2, rw)}
        height={Math.max(2, rh)}
        style={{ fill: 'var(--weft-focus, #7c3aed)', fillOpacity: 0.12, stroke: 'var(--weft-focus, #7c3aed)', strokeWidth: 1.5 }}
      />
    </svg>
  );
}
