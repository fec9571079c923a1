import {
  anchorAt,
  centerOn,
  clampScale,
  constrainTransform,
  fitTransform,
  initialView,
  invertPoint,
  LEGIBLE_SCALE,
  panTransform,
  pinchTransform,
  scaleExtent,
  viewLimits,
  visibleBox,
  wheelFactor,
  zoomAround,
  type ViewTransform,
} from './viewport';

describe('fitTransform', () => {
  it('fits the whole content, centred, within the padding', () => {
    const t = fitTransform({ x: 0, y: 0, width: 4000, height: 1000 }, { width: 1000, height: 500 }, 10);
    expect(t.k).toBeCloseTo(980 / 4000, 6);
    // left edge at the padding, vertically centred
    expect(t.x).toBeCloseTo(10, 6);
    expect(t.y).toBeCloseTo((500 - 1000 * t.k) / 2, 6);
  });

  it('never enlarges past maxScale and handles offsets and empty content', () => {
    const t = fitTransform({ x: 100, y: 50, width: 200, height: 100 }, { width: 1000, height: 500 });
    expect(t.k).toBe(1);
    expect(t.x).toBe((1000 - 200) / 2 - 100);
    expect(fitTransform({ x: 0, y: 0, width: 0, height: 0 }, { width: 10, height: 10 })).toEqual({ k: 1, x: 0, y: 0 });
  });

  it('shows the whole content: its corners land inside the view', () => {
    const content = { x: 0, y: 0, width: 4052, height: 5702 };
    const view = { width: 1200, height: 600 };
    const t = fitTransform(content, view);
    const box = visibleBox(t, view);
    expect(box.x).toBeLessThanOrEqual(0);
    expect(box.y).toBeLessThanOrEqual(0);
    expect(box.x + box.width).toBeGreaterThanOrEqual(4052);
    expect(box.y + box.height).toBeGreaterThanOrEqual(5702);
  });
});

describe('centerOn and visibleBox', () => {
  it('puts a point at the middle of the view, and visibleBox inverts it', () => {
    const t = centerOn({ x: 300, y: 200 }, { width: 800, height: 400 }, 2);
    expect(t).toEqual({ k: 2, x: 400 - 600, y: 200 - 400 });
    const box = visibleBox(t, { width: 800, height: 400 });
    expect(box.x + box.width / 2).toBeCloseTo(300, 6);
    expect(box.y + box.height / 2).toBeCloseTo(200, 6);
    expect(box.width).toBe(400);
  });
});

describe('initialView', () => {
  it('fits a small graph to the width at no more than 1x, as tall as it needs', () => {
    const v = initialView({ x: 0, y: 0, width: 700, height: 200 }, 1000);
    expect(v.transform.k).toBe(1);
    expect(v.whole).toBe(true);
    expect(v.height).toBe(216);
  });

  it('fits a wide graph when its text stays legible', () => {
    const v = initialView({ x: 0, y: 0, width: 1200, height: 300 }, 1000);
    expect(v.transform.k).toBeGreaterThanOrEqual(LEGIBLE_SCALE);
    expect(v.transform.k).toBeCloseTo(984 / 1200, 6);
    expect(v.whole).toBe(true);
  });

  it('starts a huge graph at a legible zoom on its start (left edge), the first step centred', () => {
    const v = initialView({ x: 0, y: 0, width: 4052, height: 5702 }, 1200, { focusY: 2800, maxHeight: 600 });
    expect(v.transform.k).toBe(LEGIBLE_SCALE);
    expect(v.whole).toBe(false);
    expect(v.height).toBe(600);
    expect(v.transform.x).toBe(8);
    expect(v.transform.y).toBeCloseTo(300 - 2800 * LEGIBLE_SCALE, 6);
  });

  it('never shows space above the top when the first step is near it', () => {
    const v = initialView({ x: 0, y: 0, width: 4052, height: 5702 }, 1200, { focusY: 10 });
    expect(v.transform.y).toBe(8);
    expect(initialView({ x: 0, y: 0, width: 4052, height: 5702 }, 1200, { height: 300 }).height).toBe(300);
  });

  it('lets the reader zoom out to the whole graph and in to 3x', () => {
    const [lo, hi] = scaleExtent({ x: 0, y: 0, width: 4052, height: 5702 }, { width: 1200, height: 600 });
    expect(lo).toBeLessThan(fitTransform({ x: 0, y: 0, width: 4052, height: 5702 }, { width: 1200, height: 600 }).k);
    expect(hi).toBe(3);
  });
});

describe('gesture math', () => {
  const content = { x: 0, y: 0, width: 4000, height: 3000 };
  const view = { width: 1000, height: 500 };
  const limits = viewLimits(content, view);
  const screen = (t: ViewTransform, c: { x: number; y: number }) => ({ x: c.x * t.k + t.x, y: c.y * t.k + t.y });

  it('derives the limits: scaleExtent, and the content grown by max(view w, h) on each side', () => {
    expect(limits.scale).toEqual(scaleExtent(content, view));
    expect(limits.translate).toEqual([
      [-1000, -1000],
      [5000, 4000],
    ]);
    expect(limits.view).toEqual(view);
  });

  it('clamps a scale to the extent', () => {
    expect(clampScale(5, [0.1, 3])).toBe(3);
    expect(clampScale(0.01, [0.1, 3])).toBe(0.1);
    expect(clampScale(1.5, [0.1, 3])).toBe(1.5);
  });

  it('inverts a screen point, and anchorAt puts that content point back', () => {
    const t = { k: 2, x: -100, y: 50 };
    const c = invertPoint(t, { x: 300, y: 250 });
    expect(c).toEqual({ x: 200, y: 100 });
    expect(screen(anchorAt(0.5, c, { x: 10, y: 20 }), c)).toEqual({ x: 10, y: 20 });
  });

  it('zooms around a screen point: the content point under it stays under it', () => {
    const t = { k: 1, x: -200, y: -300 };
    const p = { x: 700, y: 120 };
    const under = invertPoint(t, p);
    const z = zoomAround(t, 1.5, p, limits);
    expect(z.k).toBeCloseTo(1.5, 9);
    const back = screen(z, under);
    expect(back.x).toBeCloseTo(p.x, 6);
    expect(back.y).toBeCloseTo(p.y, 6);
    // zooming out by the inverse factor comes back to where it started
    const round = zoomAround(z, 1 / 1.5, p, limits);
    expect(round.k).toBeCloseTo(1, 9);
    expect(round.x).toBeCloseTo(t.x, 6);
    expect(round.y).toBeCloseTo(t.y, 6);
  });

  it('keeps the scale within the extent when zooming', () => {
    const t = { k: 2.5, x: -2000, y: -2000 };
    expect(zoomAround(t, 10, { x: 500, y: 250 }, limits).k).toBe(3);
    expect(zoomAround(t, 1e-6, { x: 500, y: 250 }, limits).k).toBe(limits.scale[0]);
  });

  it('leaves a transform inside the translate extent alone', () => {
    const t = { k: 1, x: -1500, y: -1200 };
    expect(constrainTransform(t, limits)).toEqual(t);
  });

  it('never lets the graph leave the screen: the view stays within the grown content box', () => {
    // dragged far right and down: the view's left edge would show content x = -5000
    const far = constrainTransform({ k: 1, x: 5000, y: 4000 }, limits);
    expect(far.k).toBe(1);
    expect(visibleBox(far, view).x).toBeCloseTo(-1000, 6);
    expect(visibleBox(far, view).y).toBeCloseTo(-1000, 6);
    // dragged far left and up: the right / bottom edges stop at the grown box
    const other = constrainTransform({ k: 2, x: -50_000, y: -50_000 }, limits);
    const box = visibleBox(other, view);
    expect(box.x + box.width).toBeCloseTo(5000, 6);
    expect(box.y + box.height).toBeCloseTo(4000, 6);
    // at 1x on the wider axis the margin (max(w, h), in content px) stops the graph's edge at the view's edge
    const out = visibleBox(constrainTransform({ k: 1, x: -50_000, y: -50_000 }, limits), view);
    expect(out.x).toBeCloseTo(content.x + content.width, 6);
    expect(out.y + out.height).toBeCloseTo(content.y + content.height + 1000, 6);
  });

  it('centres the extent on an axis where the view is larger than it', () => {
    const small = viewLimits({ x: 0, y: 0, width: 100, height: 100 }, { width: 400, height: 300 });
    // grown box is [-400, 500] on both axes: 900 content px; at k 0.1 the view spans 4000 x 3000
    const t = constrainTransform({ k: 0.1, x: 123, y: -77 }, small);
    const box = visibleBox(t, { width: 400, height: 300 });
    expect(box.x + box.width / 2).toBeCloseTo(50, 6);
    expect(box.y + box.height / 2).toBeCloseTo(50, 6);
  });

  it('pans by screen px, within the extent', () => {
    const t = { k: 0.8, x: -1000, y: -900 };
    expect(panTransform(t, 30, -40, limits)).toEqual({ k: 0.8, x: -970, y: -940 });
    const stopped = panTransform(t, 1e6, 0, limits);
    expect(visibleBox(stopped, view).x).toBeCloseTo(-1000, 6);
  });

  it('pinches: the scale follows the finger distance and the midpoint content follows the midpoint', () => {
    const t = { k: 1, x: -1000, y: -1000 };
    const before = [
      { x: 400, y: 250 },
      { x: 600, y: 250 },
    ] as const;
    const mid = invertPoint(t, { x: 500, y: 250 });
    // fingers spread to twice the distance, and the pair moves 50 px right
    const after = [
      { x: 350, y: 250 },
      { x: 750, y: 250 },
    ] as const;
    const z = pinchTransform(t, before, after, limits);
    expect(z.k).toBeCloseTo(2, 9);
    const m = screen(z, mid);
    expect(m.x).toBeCloseTo(550, 6);
    expect(m.y).toBeCloseTo(250, 6);
    // fingers closing zooms out; fingers moving together without spreading only pans
    expect(pinchTransform(t, before, [before[0], { x: 500, y: 250 }], limits).k).toBeCloseTo(0.5, 9);
    const pan = pinchTransform(t, before, [{ x: 420, y: 270 }, { x: 620, y: 270 }], limits);
    expect(pan).toEqual({ k: 1, x: -980, y: -980 });
    // clamped to the extent, and a zero distance does not divide by zero
    expect(pinchTransform(t, before, [{ x: 0, y: 0 }, { x: 5000, y: 0 }], limits).k).toBe(3);
    expect(pinchTransform(t, [before[0], before[0]], after, limits).k).toBe(1);
  });

  it('turns a wheel event into a zoom factor as d3-zoom did', () => {
    // pixels: 100 px down = 2^-0.2
    expect(wheelFactor({ deltaY: 100, deltaMode: 0, ctrlKey: false })).toBeCloseTo(Math.pow(2, -0.2), 9);
    expect(wheelFactor({ deltaY: -100, deltaMode: 0, ctrlKey: false })).toBeCloseTo(Math.pow(2, 0.2), 9);
    // lines and pages
    expect(wheelFactor({ deltaY: 3, deltaMode: 1, ctrlKey: false })).toBeCloseTo(Math.pow(2, -0.15), 9);
    expect(wheelFactor({ deltaY: 1, deltaMode: 2, ctrlKey: false })).toBeCloseTo(0.5, 9);
    // a trackpad pinch (ctrlKey) is ten times stronger
    expect(wheelFactor({ deltaY: -10, deltaMode: 0, ctrlKey: true })).toBeCloseTo(Math.pow(2, 0.2), 9);
    expect(wheelFactor({ deltaY: 0, deltaMode: 0, ctrlKey: false })).toBe(1);
  });
});
