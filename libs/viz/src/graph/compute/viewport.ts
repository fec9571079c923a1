/** A pan + zoom: screen = content × k + (x, y), as d3-zoom's `ZoomTransform`. */
export interface ViewTransform {
  readonly k: number;
  readonly x: number;
  readonly y: number;
}

export interface ContentBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface ViewSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Scale at which node text stays legible: the titles are 12 px, so 0.75 draws them at 9 px, about
 * the smallest a reader can still read without effort.
 */
export const LEGIBLE_SCALE = 0.75;

/** The transform that shows all of `content` inside `view`, centred, never above `maxScale`. Pure. */
export function fitTransform(content: ContentBox, view: ViewSize, padding = 12, maxScale = 1): ViewTransform {
  if (content.width <= 0 || content.height <= 0 || view.width <= 0 || view.height <= 0) return { k: 1, x: 0, y: 0 };
  const k = Math.min(
    Math.max(view.width - 2 * padding, 1) / content.width,
    Math.max(view.height - 2 * padding, 1) / content.height,
    maxScale,
  );
  return {
    k,
    x: (view.width - content.width * k) / 2 - content.x * k,
    y: (view.height - content.height * k) / 2 - content.y * k,
  };
}

/** The transform at scale `k` that puts content point `p` at the centre of `view`. Pure. */
export function centerOn(p: { x: number; y: number }, view: ViewSize, k: number): ViewTransform {
  return { k, x: view.width / 2 - p.x * k, y: view.height / 2 - p.y * k };
}

/** The part of the content a transform shows in `view`, in content coordinates. Pure. */
export function visibleBox(t: ViewTransform, view: ViewSize): ContentBox {
  return { x: -t.x / t.k, y: -t.y / t.k, width: view.width / t.k, height: view.height / t.k };
}

/** The first view of a graph, and the height its viewport takes. */
export interface InitialView {
  readonly transform: ViewTransform;
  readonly height: number;
  /** True when the whole graph is in view. */
  readonly whole: boolean;
}

/**
 * Decides how a graph first appears in a viewport `width` px wide:
 *
 * - **Fits legibly** (fit-to-width scale ≥ `legibleScale`, never enlarged past 1): the whole width
 *   is shown at that scale and the viewport is as tall as the scaled graph, up to `maxHeight`
 *   (beyond that, the top of the graph shows and the rest is a pan away).
 * - **Too big to read when fitted** (a 200-step graph shrunk to page width has 3 px text): the view
 *   starts at `legibleScale` on the start of the graph — its left edge, where the run begins,
 *   vertically centred on `focusY` (the first step) — in a viewport `maxHeight` tall. The minimap,
 *   the fit button (F / 0) and search reach the rest; fitting the whole graph stays one key away.
 *
 * A fixed `height` overrides the computed one. Pure.
 */
export function initialView(
  content: ContentBox,
  width: number,
  options: { legibleScale?: number; maxHeight?: number; minHeight?: number; height?: number; focusY?: number; padding?: number } = {},
): InitialView {
  const legible = options.legibleScale ?? LEGIBLE_SCALE;
  const maxHeight = options.maxHeight ?? 600;
  const minHeight = options.minHeight ?? 120;
  const pad = options.padding ?? 8;
  if (content.width <= 0 || content.height <= 0 || width <= 0)
    return { transform: { k: 1, x: 0, y: 0 }, height: options.height ?? minHeight, whole: true };
  const kWidth = Math.min(1, (width - 2 * pad) / content.width);
  if (kWidth >= legible) {
    const height = options.height ?? Math.min(maxHeight, Math.max(minHeight, Math.ceil(content.height * kWidth + 2 * pad)));
    const whole = content.height * kWidth + 2 * pad <= height + 0.5;
    const y = whole ? (height - content.height * kWidth) / 2 - content.y * kWidth : pad - content.y * kWidth;
    return { transform: { k: kWidth, x: (width - content.width * kWidth) / 2 - content.x * kWidth, y }, height, whole };
  }
  const k = legible;
  const height = options.height ?? Math.min(maxHeight, Math.max(minHeight, Math.ceil(content.height * k + 2 * pad)));
  const focusY = options.focusY ?? content.y + content.height / 2;
  // Centre the first step vertically, but never show space beyond the graph's top or bottom.
  let y = height / 2 - focusY * k;
  const top = pad - content.y * k;
  const bottom = height - pad - (content.y + content.height) * k;
  y = content.height * k + 2 * pad <= height ? (height - content.height * k) / 2 - content.y * k : Math.min(top, Math.max(bottom, y));
  return { transform: { k, x: pad - content.x * k, y }, height, whole: false };
}

/** Zoom limits: from a bit below "whole graph" (or 0.05) up to 3x. Pure. */
export function scaleExtent(content: ContentBox, view: ViewSize): [number, number] {
  const fit = fitTransform(content, view, 12, Infinity).k;
  return [Math.min(0.5, fit * 0.8, 1), 3];
}
