import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** `useLayoutEffect` in a browser, nothing on a server (no warning when rendered to a string). */
const useBrowserLayoutEffect: typeof useLayoutEffect = typeof window === 'undefined' ? () => undefined : useLayoutEffect;

/**
 * The width, in CSS px, a widget should draw at: `fixed` when given (the old `width` prop), else the
 * content width of the element `ref` points at, followed with a `ResizeObserver`. Until it is measured
 * (first render, a test without layout, a browser without `ResizeObserver`) it is `fallback`.
 * Widths are rounded to whole px so sub-pixel jitter does not redraw.
 */
export function useContainerWidth<T extends HTMLElement = HTMLDivElement>(
  fixed: number | null | undefined,
  fallback: number,
): [RefObject<T | null>, number] {
  const ref = useRef<T | null>(null);
  const [measured, setMeasured] = useState<number | null>(null);
  const follow = fixed === undefined || fixed === null;
  useBrowserLayoutEffect(() => {
    const el = ref.current;
    if (!follow || !el) return undefined;
    const read = (w: number) => {
      if (w > 0) setMeasured(Math.floor(w));
    };
    read(el.getBoundingClientRect().width);
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (entry) read(entry.contentRect.width);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [follow]);
  return [ref, fixed ?? measured ?? fallback];
}

/** The style of the box a responsive widget measures: as wide as its container, never wider. */
export const FILL_STYLE = { width: '100%', maxWidth: '100%', minWidth: 0, boxSizing: 'border-box' } as const;

/** The box a table scrolls in, sideways, when it is wider than its container. */
export const SCROLL_STYLE = { maxWidth: '100%', overflowX: 'auto', overscrollBehaviorX: 'contain' } as const;
