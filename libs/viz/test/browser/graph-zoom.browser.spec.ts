import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { repo, serveStorybook } from './storybook';

/**
 * The ExecutionGraph on big workflows in Chromium: the layout benchmark (the layered layout's time
 * for the 1,000-step pipeline, folded and unfolded, read from the `weft-graph-layout` measure), and zoom, pan, fit,
 * minimap and search driven by keys and buttons. Builds Storybook (or uses WEFT_STORYBOOK_DIR).
 */
const artifacts = join(repo, 'test-artifacts/storybook');

let storybook: Awaited<ReturnType<typeof serveStorybook>>;
let baseUrl: string;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  storybook = await serveStorybook();
  baseUrl = storybook.url;
  for (const id of [
    'viz-executiongraph--pipeline-1000',
    'viz-executiongraph--pipeline-1000-unfolded',
    'viz-executiongraph--pipeline-1000-running',
  ])
    if (!storybook.stories.some((s) => s.id === id)) throw new Error(`story ${id} is missing from Storybook`);
  ({ context, close: closeBrowser } = await launchChromium());
  mkdirSync(artifacts, { recursive: true });
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await storybook?.close();
});

async function open(id: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${baseUrl}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`, { waitUntil: 'load' });
  await page.waitForSelector('#storybook-root .weft-graph-canvas [data-node]', { timeout: 60_000 });
  await page.waitForTimeout(100);
  return { page, errors };
}

/** The layout runs measured on the page: `{ ms, nodes, edges, crossings }` each. */
async function layoutMeasures(page: Page) {
  return page.evaluate(() =>
    performance.getEntriesByName('weft-graph-layout').map((e) => {
      const m = e as PerformanceMeasure;
      const d = m.detail as { nodes: number; edges: number; crossings: number };
      return { ms: Math.round(m.duration * 10) / 10, nodes: d.nodes, edges: d.edges, crossings: d.crossings };
    }),
  );
}

async function transform(page: Page): Promise<{ k: number; x: number; y: number }> {
  const raw = await page.locator('.weft-graph-canvas').getAttribute('data-transform');
  const [k, x, y] = raw!.split(',').map(Number);
  return { k: k!, x: x!, y: y! };
}

/** True when every drawn node is inside the visible canvas. */
async function wholeGraphVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const svg = document.querySelector('.weft-graph-canvas')!.getBoundingClientRect();
    const layer = document.querySelector('[data-zoom-layer] > g:last-child')!.getBoundingClientRect();
    return layer.left >= svg.left - 4 && layer.top >= svg.top - 4 && layer.right <= svg.right + 4 && layer.bottom <= svg.bottom + 4;
  });
}

describe('ExecutionGraph on 1,000 steps in Chromium', () => {
  it('lays out the 1,000-step pipeline in under a second, folded and unfolded', async () => {
    const figures: string[] = [];
    const measured: Record<string, { ms: number; nodes: number; edges: number; crossings: number }> = {};
    for (const [story, name] of [
      ['viz-executiongraph--pipeline-1000', 'default (chains folded)'],
      ['viz-executiongraph--pipeline-1000-unfolded', 'unfolded'],
    ] as const) {
      const { page, errors } = await open(story);
      const runs = await layoutMeasures(page);
      const drawn = await page.locator('.weft-graph-canvas [data-node]').count();
      if (story === 'viz-executiongraph--pipeline-1000')
        await page.screenshot({ path: join(artifacts, 'viz-executiongraph--pipeline-1000--first-view.png') });
      await page.close();
      expect(errors).toEqual([]);
      const last = runs[runs.length - 1]!;
      expect(last.nodes).toBe(drawn);
      measured[story] = last;
      figures.push(`${name}: ${last.ms} ms (${last.nodes} nodes, ${last.edges} edges, ${last.crossings} crossings)`);
    }
    console.log(`Layout of the 1,000-step pipeline in Chromium:\n${figures.join('\n')}`);
    expect(measured['viz-executiongraph--pipeline-1000-unfolded']!.nodes).toBe(1000);
    expect(measured['viz-executiongraph--pipeline-1000']!.nodes).toBeLessThan(700);
    expect(measured['viz-executiongraph--pipeline-1000']!.ms).toBeLessThan(1000);
    expect(measured['viz-executiongraph--pipeline-1000-unfolded']!.ms).toBeLessThan(1000);
  }, 240_000);

  it('zooms, pans and fits with the keyboard; the focused graph shows a focus ring', async () => {
    const { page, errors } = await open('viz-executiongraph--pipeline-1000-running');
    const viewport = page.locator('.weft-graph-viewport');
    const start = await transform(page);
    expect(start.k).toBeGreaterThanOrEqual(0.75);
    expect(await wholeGraphVisible(page)).toBe(false);
    await viewport.focus();
    expect(await viewport.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await page.keyboard.press('+');
    const zoomed = await transform(page);
    expect(zoomed.k).toBeGreaterThan(start.k);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    const panned = await transform(page);
    expect(panned.x).toBeLessThan(zoomed.x);
    expect(panned.y).toBeLessThan(zoomed.y);
    await page.keyboard.press('-');
    expect((await transform(page)).k).toBeLessThan(zoomed.k);
    await page.keyboard.press('f');
    const fitted = await transform(page);
    expect(fitted.k).toBeLessThan(start.k);
    expect(await wholeGraphVisible(page)).toBe(true);
    await page.screenshot({ path: join(artifacts, 'viz-executiongraph--pipeline-1000-running--fit.png') });
    await page.close();
    expect(errors).toEqual([]);
  });

  it('zooms and fits with the on-screen buttons, jumps to running steps and moves with the minimap', async () => {
    const { page, errors } = await open('viz-executiongraph--pipeline-1000-running');
    const start = await transform(page);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect((await transform(page)).k).toBeGreaterThan(start.k);
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.getByRole('button', { name: 'Zoom out' }).click();
    expect((await transform(page)).k).toBeLessThan(start.k);
    await page.getByRole('button', { name: 'Fit the whole graph' }).click();
    expect(await wholeGraphVisible(page)).toBe(true);
    // the minimap marks running steps and the critical path
    expect(await page.locator('[data-minimap-running]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-minimap-critical]').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: /Jump to a running step/ }).click();
    const found = page.locator('.weft-graph-canvas .weft-found');
    expect(await found.count()).toBe(1);
    expect(await found.getAttribute('data-status')).toBe('running');
    const before = await transform(page);
    const map = page.locator('[data-minimap]');
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.9, box.y + box.height * 0.5);
    const after = await transform(page);
    expect(after.x).not.toBe(before.x);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('finds a step by name and centres it', async () => {
    const { page, errors } = await open('viz-executiongraph--pipeline-1000');
    await page.getByRole('combobox', { name: 'Find a step' }).fill('s077 mark dup');
    await page.keyboard.press('Enter');
    const node = page.locator('[data-node="s077_mark_duplicates"]');
    await node.waitFor();
    expect(await node.evaluate((el) => el.classList.contains('weft-found'))).toBe(true);
    const centred = await page.evaluate(() => {
      const svg = document.querySelector('.weft-graph-canvas')!.getBoundingClientRect();
      const n = document.querySelector('[data-node="s077_mark_duplicates"]')!.getBoundingClientRect();
      return Math.abs(n.left + n.width / 2 - (svg.left + svg.width / 2)) < 2 && Math.abs(n.top + n.height / 2 - (svg.top + svg.height / 2)) < 2;
    });
    expect(centred).toBe(true);
    await page.close();
    expect(errors).toEqual([]);
  });
});
