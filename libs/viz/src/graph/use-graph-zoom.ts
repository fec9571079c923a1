import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { select, zoom, zoomIdentity, zoomTransform, type D3ZoomEvent, type ZoomBehavior } from 'd3';
import { scaleExtent, type ContentBox, type ViewSize, type ViewTransform } from './compute/viewport.js';

const useBrowserLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/** Pan and zoom of one SVG with d3-zoom: wheel, drag, pinch and touch drag, plus calls for keys and buttons. */
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

export function useGraphZoom(svg: RefObject<SVGSVGElement | null>, content: ContentBox, view: ViewSize, initial: ViewTransform): GraphZoom {
  const [transform, setTransform] = useState<ViewTransform>(initial);
  const behaviour = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const moved = useRef(false);
  const programmatic = useRef(false);

  useBrowserLayoutEffect(() => {
    const el = svg.current;
    if (!el) return undefined;
    const z = zoom<SVGSVGElement, unknown>().on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => {
      if (!programmatic.current) moved.current = true;
      setTransform({ k: e.transform.k, x: e.transform.x, y: e.transform.y });
    });
    behaviour.current = z;
    const sel = select(el);
    sel.call(z).on('dblclick.zoom', null);
    return () => {
      sel.on('.zoom', null);
      behaviour.current = null;
    };
  }, [svg]);

  // Extents follow the view size and the graph: never lose the graph entirely off-screen.
  useBrowserLayoutEffect(() => {
    const z = behaviour.current;
    if (!z) return;
    const margin = Math.max(view.width, view.height);
    z.extent([
      [0, 0],
      [Math.max(1, view.width), Math.max(1, view.height)],
    ])
      .scaleExtent(scaleExtent(content, view))
      .translateExtent([
        [content.x - margin, content.y - margin],
        [content.x + content.width + margin, content.y + content.height + margin],
      ]);
  }, [content.x, content.y, content.width, content.height, view.width, view.height]);

  const apply = useCallback(
    (t: ViewTransform, user = true) => {
      const el = svg.current;
      const z = behaviour.current;
      if (!el || !z) {
        setTransform(t);
        moved.current = user;
        return;
      }
      programmatic.current = !user;
      try {
        select(el).call(z.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
      } finally {
        programmatic.current = false;
      }
      moved.current = user;
    },
    [svg],
  );

  const zoomBy = useCallback(
    (factor: number) => {
      const el = svg.current;
      const z = behaviour.current;
      if (el && z) select(el).call(z.scaleBy, factor);
      moved.current = true;
    },
    [svg],
  );

  const panBy = useCallback(
    (dx: number, dy: number) => {
      const el = svg.current;
      const z = behaviour.current;
      if (!el || !z) return;
      const k = zoomTransform(el).k;
      select(el).call(z.translateBy, -dx / k, -dy / k);
      moved.current = true;
    },
    [svg],
  );

  return { transform, apply, zoomBy, panBy, moved };
}
