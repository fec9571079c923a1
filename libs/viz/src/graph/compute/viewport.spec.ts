import { centerOn, fitTransform, initialView, LEGIBLE_SCALE, scaleExtent, visibleBox } from './viewport';

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
