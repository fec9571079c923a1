import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import {
  panTransform,
  pinchTransform,
  viewLimits,
  wheelFactor,
  zoomAround,
  type ContentBox,
  type ScreenPoint,
  type ViewLimits,
  type ViewSize,
  type ViewTransform,
} from './compute/viewport.js';

const useBrowserLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/** How long after the last wheel event a wheel gesture still counts as going on (as d3-zoom). */
const WHEEL_IDLE_MS = 150;
/** Movement (px) past which a touch or pen press is a pan rather than a tap. A mouse pans from the first pixel. */
const TAP_SLOP = 4;

/** Pan and zoom of one SVG: wheel, drag, pinch and touch drag, plus calls for keys and buttons. */
export interface GraphZoom {
  readonly transform: ViewTransform;
  /** Moves to `t` (instantly). `user` false: a programmatic move that does not count as the reader's. */
  readonly apply: (t: ViewTransform, user?: boolean) => void;
  /** Zooms by `factor` around the middle of the view. */
  readonly zoomBy: (factor: number) => void;
  /** Pans by screen px (positive `dx` shows what is further right). */
  readonly panBy: (dx: number, dy: number) => void;
  /** True once the reader moved the view (gesture, key or button) since the last programmatic move. */
  readonly moved: RefObject<boolean>;
}

/** One press on the SVG: where it started and where it is now (px in the SVG). */
interface Press {
  readonly type: string;
  readonly start: ScreenPoint;
  at: ScreenPoint;
}

export function useGraphZoom(svg: RefObject<SVGSVGElement | null>, content: ContentBox, view: ViewSize, initial: ViewTransform): GraphZoom {
  const [transform, setTransform] = useState<ViewTransform>(initial);
  // The live transform: gestures, keys and buttons build on it, not on the last rendered state.
  const current = useRef<ViewTransform>(initial);
  const limits = useRef<ViewLimits>(viewLimits(content, view));
  const moved = useRef(false);

  // Limits follow the view size and the graph: never lose the graph entirely off-screen.
  useBrowserLayoutEffect(() => {
    limits.current = viewLimits(content, view);
  }, [content.x, content.y, content.width, content.height, view.width, view.height]);

  const set = useCallback((t: ViewTransform) => {
    current.current = t;
    setTransform(t);
  }, []);

  useBrowserLayoutEffect(() => {
    const el = svg.current;
    if (!el) return undefined;
    const win = el.ownerDocument.defaultView ?? window;
    const presses = new Map<number, Press>();
    let dragging = false;
    let restCursor = '';
    let wheelUntil = 0;

    const local = (e: { clientX: number; clientY: number }): ScreenPoint => {
      const r = el.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    const userMove = (t: ViewTransform) => {
      moved.current = true;
      set(t);
    };

    const onWheel = (e: WheelEvent) => {
      const t = current.current;
      const next = zoomAround(t, wheelFactor(e), local(e), limits.current);
      const now = e.timeStamp || performance.now();
      // At a zoom limit, outside a wheel gesture, the page scrolls as usual (as with d3-zoom).
      if (now > wheelUntil && next.k === t.k) return;
      e.preventDefault();
      wheelUntil = now + WHEEL_IDLE_MS;
      if (next.k !== t.k || next.x !== t.x || next.y !== t.y) userMove(next);
    };

    // The first two presses drive the view: one pans, two pinch (zoom around their midpoint, and pan).
    // Moves are measured from an anchor (the transform and the presses' positions when the set of
    // presses last changed), so the content under the fingers stays under them.
    let anchor: { t: ViewTransform; at: ScreenPoint[] } = { t: current.current, at: [] };
    const reanchor = () => {
      anchor = { t: current.current, at: [...presses.values()].map((p) => p.at) };
    };

    const startDrag = () => {
      if (!dragging) {
        dragging = true;
        restCursor = el.style.cursor;
        el.style.cursor = 'grabbing';
      }
      for (const id of presses.keys()) {
        try {
          if (!el.hasPointerCapture(id)) el.setPointerCapture(id);
        } catch {
          // the pointer is gone already
        }
      }
    };

    const onPointerDown = (e: PointerEvent) => {
      if (e.pointerType === 'mouse' && (e.button !== 0 || e.ctrlKey || presses.size > 0)) return;
      if (presses.size >= 2) return;
      const p = local(e);
      presses.set(e.pointerId, { type: e.pointerType, start: p, at: p });
      reanchor();
      // A second finger makes it a gesture at once: capture both so neither ends in a click.
      if (presses.size === 2) startDrag();
    };

    const onPointerMove = (e: PointerEvent) => {
      const press = presses.get(e.pointerId);
      if (!press) return;
      const p = local(e);
      if (p.x === press.at.x && p.y === press.at.y) return;
      if (!dragging) {
        const slop = press.type === 'mouse' ? 0 : TAP_SLOP;
        if (Math.hypot(p.x - press.start.x, p.y - press.start.y) <= slop) return;
        // Capture only once the press moves: a click on a node without movement reaches the node.
        startDrag();
      }
      press.at = p;
      const now = [...presses.values()].map((q) => q.at);
      const [a0, b0] = anchor.at;
      const [a1, b1] = now;
      if (a0 && b0 && a1 && b1) userMove(pinchTransform(anchor.t, [a0, b0], [a1, b1], limits.current));
      else if (a0 && a1) userMove(panTransform(anchor.t, a1.x - a0.x, a1.y - a0.y, limits.current));
    };

    const onPointerUp = (e: PointerEvent) => {
      if (!presses.delete(e.pointerId)) return;
      if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
      reanchor();
      if (presses.size > 0 || !dragging) return;
      dragging = false;
      el.style.cursor = restCursor;
      // The press moved the view: swallow the click that follows it (it is not a click on a node).
      if (e.type === 'pointerup') {
        const swallow = (c: MouseEvent) => {
          c.preventDefault();
          c.stopImmediatePropagation();
        };
        win.addEventListener('click', swallow, true);
        win.setTimeout(() => win.removeEventListener('click', swallow, true), 0);
      }
    };

    // The SVG lost a capture it held (not a node's implicit touch capture: that event bubbles here too).
    const onLostCapture = (e: PointerEvent) => {
      if (e.target === el && dragging) onPointerUp(e);
    };

    // No text selection or native drag while a press is down on the graph.
    const onSelectStart = (e: Event) => {
      if (presses.size > 0) e.preventDefault();
    };

    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('pointerdown', onPointerDown);
    el.addEventListener('pointermove', onPointerMove);
    el.addEventListener('pointerup', onPointerUp);
    el.addEventListener('pointercancel', onPointerUp);
    el.addEventListener('lostpointercapture', onLostCapture);
    el.addEventListener('selectstart', onSelectStart);
    el.addEventListener('dragstart', onSelectStart);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('pointerdown', onPointerDown);
      el.removeEventListener('pointermove', onPointerMove);
      el.removeEventListener('pointerup', onPointerUp);
      el.removeEventListener('pointercancel', onPointerUp);
      el.removeEventListener('lostpointercapture', onLostCapture);
      el.removeEventListener('selectstart', onSelectStart);
      el.removeEventListener('dragstart', onSelectStart);
      if (dragging) el.style.cursor = restCursor;
    };
  }, [svg, set]);

  const apply = useCallback(
    (t: ViewTransform, user = true) => {
      set(t);
      moved.current = user;
    },
    [set],
  );

  const zoomBy = useCallback(
    (factor: number) => {
      const l = limits.current;
      set(zoomAround(current.current, factor, { x: l.view.width / 2, y: l.view.height / 2 }, l));
      moved.current = true;
    },
    [set],
  );

  const panBy = useCallback(
    (dx: number, dy: number) => {
      set(panTransform(current.current, -dx, -dy, limits.current));
      moved.current = true;
    },
    [set],
  );

  return { transform, apply, zoomBy, panBy, moved };
}
