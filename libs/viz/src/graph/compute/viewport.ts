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

// ---------------------------------------------------------------------------------------------
// Gesture math for pan and zoom (what d3-zoom did for us): pure functions on `ViewTransform`s.

/** A point in screen px, relative to the view's top-left corner. */
export interface ScreenPoint {
  readonly x: number;
  readonly y: number;
}

/** Where the view may go: its size, the zoom limits and the content-space box it may show. */
export interface ViewLimits {
  readonly view: ViewSize;
  /** `[min, max]` scale. */
  readonly scale: readonly [number, number];
  /** Content-space box `[[x0, y0], [x1, y1]]` the view must stay within (as d3-zoom's `translateExtent`). */
  readonly translate: readonly [readonly [number, number], readonly [number, number]];
}

/**
 * The limits of a graph's view: {@link scaleExtent}, and a translate extent of the content box
 * grown by max(view width, height) on each side, so the graph can never be lost off-screen. Pure.
 */
export function viewLimits(content: ContentBox, view: ViewSize): ViewLimits {
  const margin = Math.max(view.width, view.height);
  return {
    view: { width: Math.max(1, view.width), height: Math.max(1, view.height) },
    scale: scaleExtent(content, view),
    translate: [
      [content.x - margin, content.y - margin],
      [content.x + content.width + margin, content.y + content.height + margin],
    ],
  };
}

/** `k` within `[min, max]`. Pure. */
export function clampScale(k: number, [min, max]: readonly [number, number]): number {
  return Math.max(min, Math.min(max, k));
}

/** The content point shown at screen point `p`. Pure. */
export function invertPoint(t: ViewTransform, p: ScreenPoint): ScreenPoint {
  return { x: (p.x - t.x) / t.k, y: (p.y - t.y) / t.k };
}

/** The transform at scale `k` that keeps content point `c` at screen point `p`. Pure. */
export function anchorAt(k: number, c: ScreenPoint, p: ScreenPoint): ViewTransform {
  return { k, x: p.x - c.x * k, y: p.y - c.y * k };
}

/**
 * Shifts `t` so the view shows nothing beyond `limits.translate` (d3-zoom's default constrain):
 * when the view is larger than the extent on an axis, the extent is centred on it. Pure.
 */
export function constrainTransform(t: ViewTransform, limits: ViewLimits): ViewTransform {
  const [[ex0, ey0], [ex1, ey1]] = limits.translate;
  const dx0 = -t.x / t.k - ex0;
  const dx1 = (limits.view.width - t.x) / t.k - ex1;
  const dy0 = -t.y / t.k - ey0;
  const dy1 = (limits.view.height - t.y) / t.k - ey1;
  const tx = dx1 > dx0 ? (dx0 + dx1) / 2 : Math.min(0, dx0) || Math.max(0, dx1);
  const ty = dy1 > dy0 ? (dy0 + dy1) / 2 : Math.min(0, dy0) || Math.max(0, dy1);
  return { k: t.k, x: t.x + t.k * tx, y: t.y + t.k * ty };
}

/** Zooms by `factor` around screen point `p` (it keeps showing the same content point), within the limits. Pure. */
export function zoomAround(t: ViewTransform, factor: number, p: ScreenPoint, limits: ViewLimits): ViewTransform {
  const k = clampScale(t.k * factor, limits.scale);
  return constrainTransform(anchorAt(k, invertPoint(t, p), p), limits);
}

/** Pans by screen px: positive `dx` moves the content right (as a drag to the right does), within the limits. Pure. */
export function panTransform(t: ViewTransform, dx: number, dy: number, limits: ViewLimits): ViewTransform {
  return constrainTransform({ k: t.k, x: t.x + dx, y: t.y + dy }, limits);
}

/**
 * A two-finger gesture: the fingers were at `before` under transform `t` and are now at `after`.
 * The scale follows the change of their distance, and the content point that was midway between them
 * stays midway between them (so the pinch also pans). Within the limits. Pure.
 */
export function pinchTransform(
  t: ViewTransform,
  before: readonly [ScreenPoint, ScreenPoint],
  after: readonly [ScreenPoint, ScreenPoint],
  limits: ViewLimits,
): ViewTransform {
  const d0 = Math.hypot(before[1].x - before[0].x, before[1].y - before[0].y);
  const d1 = Math.hypot(after[1].x - after[0].x, after[1].y - after[0].y);
  const k = clampScale(d0 > 0 && d1 > 0 ? (t.k * d1) / d0 : t.k, limits.scale);
  const m0 = { x: (before[0].x + before[1].x) / 2, y: (before[0].y + before[1].y) / 2 };
  const m1 = { x: (after[0].x + after[1].x) / 2, y: (after[0].y + after[1].y) / 2 };
  return constrainTransform(anchorAt(k, invertPoint(t, m0), m1), limits);
}

/** What a wheel event carries that decides the zoom. */
export interface WheelLike {
  readonly deltaY: number;
  /** 0: pixels, 1: lines, 2: pages. */
  readonly deltaMode: number;
  /** Set by browsers on a trackpad pinch. */
  readonly ctrlKey: boolean;
}

/**
 * The zoom factor of one wheel event, as d3-zoom's default: 2^(−deltaY × 0.002 for pixels, 0.05 for
 * lines, 1 for pages), ten times stronger when ctrlKey is set (a trackpad pinch). Wheel up zooms in. Pure.
 */
export function wheelFactor(e: WheelLike): number {
  const delta = -e.deltaY * (e.deltaMode === 1 ? 0.05 : e.deltaMode ? 1 : 0.002) * (e.ctrlKey ? 10 : 1);
  return Math.pow(2, delta);
}
