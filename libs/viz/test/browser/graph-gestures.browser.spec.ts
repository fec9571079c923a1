import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { serveStorybook } from './storybook';

/**
 * Pan and zoom of the ExecutionGraph driven by real input in Chromium, on the 1,000-step pipeline:
 * mouse wheel, mouse drag, a two-finger pinch and a one-finger drag (touch events through CDP), the
 * page not scrolling under the wheel, and clicks on nodes still reaching them. Builds Storybook (or
 * uses WEFT_STORYBOOK_DIR).
 */
const STORY = 'viz-executiongraph--pipeline-1000';

let storybook: Awaited<ReturnType<typeof serveStorybook>>;
let baseUrl: string;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  storybook = await serveStorybook();
  baseUrl = storybook.url;
  if (!storybook.stories.some((s) => s.id === STORY)) throw new Error(`story ${STORY} is missing from Storybook`);
  ({ context, close: closeBrowser } = await launchChromium());
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await storybook?.close();
});

async function open(): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${baseUrl}/iframe.html?id=${encodeURIComponent(STORY)}&viewMode=story`, { waitUntil: 'load' });
  await page.waitForSelector('#storybook-root .weft-graph-canvas [data-node]', { timeout: 60_000 });
  await page.waitForTimeout(100);
  return { page, errors };
}

interface T {
  k: number;
  x: number;
  y: number;
}

/** The zoom layer's transform, at full precision (`translate(x,y) scale(k)`). */
async function transform(page: Page): Promise<T> {
  const raw = (await page.locator('[data-zoom-layer]').getAttribute('transform'))!;
  const m = /translate\(([-\d.e+]+),([-\d.e+]+)\) scale\(([-\d.e+]+)\)/.exec(raw);
  if (!m) throw new Error(`unexpected transform ${raw}`);
  return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) };
}

/** Waits until the zoom layer's transform is no longer `before`'s. */
async function changed(page: Page, before: T): Promise<T> {
  const raw = `translate(${before.x},${before.y}) scale(${before.k})`;
  await page.waitForFunction((r) => document.querySelector('[data-zoom-layer]')?.getAttribute('transform') !== r, raw, { timeout: 5_000 });
  await page.waitForTimeout(150); // the rest of the gesture's events
  return transform(page);
}

/** The canvas's box on the page. */
async function canvas(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  return (await page.locator('.weft-graph-canvas').boundingBox())!;
}

/** The content point shown at page point (px, py). */
function contentAt(t: T, box: { x: number; y: number }, px: number, py: number) {
  return { x: (px - box.x - t.x) / t.k, y: (py - box.y - t.y) / t.k };
}

/** Nodes of `kind` whose whole box is inside the canvas, with their page centre. */
async function visibleNodes(page: Page, kind: string): Promise<{ id: string; x: number; y: number }[]> {
  return page.evaluate((k) => {
    const svg = document.querySelector('.weft-graph-canvas')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll<SVGGElement>(`.weft-graph-canvas [data-kind="${k}"]`))
      .map((g) => ({ id: g.getAttribute('data-node')!, r: g.querySelector('.weft-shape')!.getBoundingClientRect() }))
      .filter(({ r }) => r.left >= svg.left + 20 && r.right <= svg.right - 20 && r.top >= svg.top + 20 && r.bottom <= svg.bottom - 20)
      .map(({ id, r }) => ({ id, x: r.left + r.width / 2, y: r.top + r.height / 2 }));
  }, kind);
}

async function touch(cdp: CDPSession, type: 'touchStart' | 'touchMove' | 'touchEnd', points: { x: number; y: number }[]) {
  await cdp.send('Input.dispatchTouchEvent', {
    type,
    touchPoints: points.map((p, id) => ({ x: p.x, y: p.y, id, radiusX: 1, radiusY: 1, force: 1 })),
  });
}

describe('ExecutionGraph gestures in Chromium', () => {
  it('zooms in with the mouse wheel around the pointer, without scrolling the page', async () => {
    const { page, errors } = await open();
    // make the page scrollable, so a wheel the graph does not take would scroll it
    await page.evaluate(() => {
      document.body.style.minHeight = '4000px';
    });
    const box = await canvas(page);
    const px = box.x + box.width * 0.6;
    const py = box.y + box.height * 0.4;
    const before = await transform(page);
    const under = contentAt(before, box, px, py);
    await page.mouse.move(px, py);
    await page.mouse.wheel(0, -240);
    const after = await changed(page, before);
    expect(after.k).toBeCloseTo(before.k * Math.pow(2, 0.48), 3);
    const still = contentAt(after, box, px, py);
    expect(Math.abs(still.x - under.x) * after.k).toBeLessThan(0.5);
    expect(Math.abs(still.y - under.y) * after.k).toBeLessThan(0.5);
    // the wheel zoomed out again, and never scrolled the page
    await page.mouse.wheel(0, 240);
    const back = await changed(page, after);
    expect(back.k).toBeCloseTo(before.k, 3);
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // the same wheel below the graph does scroll the page (so the check above can fail)
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 40);
    await page.mouse.wheel(0, 240);
    await page.waitForFunction(() => window.scrollY > 0, undefined, { timeout: 5_000 });
    await page.close();
    expect(errors).toEqual([]);
  });

  it('lets the page scroll under the wheel once the graph is at its zoom limit (as d3-zoom did)', async () => {
    const { page, errors } = await open();
    await page.evaluate(() => {
      document.body.style.minHeight = '4000px';
    });
    const box = await canvas(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 6; i += 1) await page.mouse.wheel(0, -1000);
    await page.waitForFunction(() => document.querySelector('.weft-graph-canvas')?.getAttribute('data-transform')?.startsWith('3.0000,'));
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.waitForTimeout(400); // the wheel gesture is over
    await page.mouse.wheel(0, -200);
    await page.mouse.wheel(0, 300);
    // zooming in further is impossible: the first wheel scrolls (up, at 0: nothing); zooming out is taken
    await page.waitForFunction(() => !document.querySelector('.weft-graph-canvas')?.getAttribute('data-transform')?.startsWith('3.0000,'));
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('pans by the mouse drag distance, and a drag that ends on a node does not click it', async () => {
    const { page, errors } = await open();
    const box = await canvas(page);
    const nodes = await page.locator('.weft-graph-canvas [data-node]').count();
    const before = await transform(page);
    const sx = box.x + box.width * 0.5;
    const sy = box.y + box.height * 0.5;
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await page.mouse.move(sx + 60, sy + 30, { steps: 3 });
    await page.mouse.move(sx + 120, sy + 60, { steps: 3 });
    await page.mouse.up();
    const after = await changed(page, before);
    expect(after.k).toBe(before.k);
    expect(after.x - before.x).toBeCloseTo(120, 3);
    expect(after.y - before.y).toBeCloseTo(60, 3);
    // a drag from a chain node back onto it: the view moves, the chain does not unfold
    const chain = (await visibleNodes(page, 'chain'))[0]!;
    expect(chain).toBeDefined();
    await page.mouse.move(chain.x, chain.y);
    await page.mouse.down();
    await page.mouse.move(chain.x + 5, chain.y, { steps: 2 });
    await page.mouse.up();
    await page.waitForTimeout(100);
    expect(await page.locator('.weft-graph-canvas [data-node]').count()).toBe(nodes);
    expect(await page.locator(`[data-node="${chain.id}"]`).count()).toBe(1);
    // the right button does not pan
    const right = await transform(page);
    await page.mouse.move(sx, sy);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(sx + 50, sy + 50, { steps: 3 });
    await page.mouse.up({ button: 'right' });
    await page.waitForTimeout(100);
    expect(await transform(page)).toEqual(right);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('pinch-zooms with two touch points around their midpoint, and pans with one', async () => {
    const { page, errors } = await open();
    const cdp = await page.context().newCDPSession(page);
    const box = await canvas(page);
    const cx = box.x + box.width * 0.5;
    const cy = box.y + box.height * 0.5;
    const before = await transform(page);
    const mid = contentAt(before, box, cx, cy);
    await touch(cdp, 'touchStart', [
      { x: cx - 50, y: cy },
      { x: cx + 50, y: cy },
    ]);
    // spread to twice the distance while the pair moves 30 px right
    for (let i = 1; i <= 5; i += 1) {
      const half = 50 + 10 * i;
      await touch(cdp, 'touchMove', [
        { x: cx - half + 6 * i, y: cy },
        { x: cx + half + 6 * i, y: cy },
      ]);
    }
    await touch(cdp, 'touchEnd', []);
    const pinched = await changed(page, before);
    expect(pinched.k / before.k).toBeCloseTo(2, 1);
    const m = contentAt(pinched, box, cx + 30, cy);
    expect(Math.abs(m.x - mid.x) * pinched.k).toBeLessThan(1);
    expect(Math.abs(m.y - mid.y) * pinched.k).toBeLessThan(1);

    // one finger drags the view
    await page.waitForTimeout(100);
    await touch(cdp, 'touchStart', [{ x: cx, y: cy }]);
    for (let i = 1; i <= 4; i += 1) await touch(cdp, 'touchMove', [{ x: cx - 20 * i, y: cy - 10 * i }]);
    await touch(cdp, 'touchEnd', []);
    const dragged = await changed(page, pinched);
    expect(dragged.k).toBe(pinched.k);
    expect(dragged.x - pinched.x).toBeCloseTo(-80, 3);
    expect(dragged.y - pinched.y).toBeCloseTo(-40, 3);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await cdp.detach();
    await page.close();
    expect(errors).toEqual([]);
  });

  it('still clicks nodes: a step takes the focus, a folded chain unfolds; a double-click does not zoom', async () => {
    const { page, errors } = await open();
    const before = await transform(page);
    const step = (await visibleNodes(page, 'step'))[0]!;
    expect(step).toBeDefined();
    await page.evaluate((id) => {
      const w = window as unknown as { clicked: string[] };
      w.clicked = [];
      document.querySelector(`[data-node="${id}"]`)!.addEventListener('click', () => w.clicked.push(id));
    }, step.id);
    await page.mouse.click(step.x, step.y);
    expect(await page.evaluate(() => (window as unknown as { clicked: string[] }).clicked)).toEqual([step.id]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-node'))).toBe(step.id);
    await page.mouse.dblclick(step.x, step.y);
    await page.waitForTimeout(100);
    expect(await transform(page)).toEqual(before);

    const chain = (await visibleNodes(page, 'chain'))[0]!;
    expect(chain).toBeDefined();
    await page.mouse.click(chain.x, chain.y);
    await page.waitForFunction((id) => !document.querySelector(`[data-node="${id}"]`), chain.id, { timeout: 5_000 });
    expect(await page.getByRole('button', { name: 'Fold chains again' }).count()).toBe(1);

    // a touch tap on a step reaches it too
    const cdp = await page.context().newCDPSession(page);
    const other = (await visibleNodes(page, 'step')).find((n) => n.id !== step.id)!;
    await page.evaluate((id) => {
      const w = window as unknown as { clicked: string[] };
      document.querySelector(`[data-node="${id}"]`)!.addEventListener('click', () => w.clicked.push(id));
    }, other.id);
    await touch(cdp, 'touchStart', [{ x: other.x, y: other.y }]);
    await touch(cdp, 'touchEnd', []);
    await page.waitForFunction((id) => (window as unknown as { clicked: string[] }).clicked.includes(id), other.id, { timeout: 5_000 });
    await cdp.detach();
    await page.close();
    expect(errors).toEqual([]);
  });
});
