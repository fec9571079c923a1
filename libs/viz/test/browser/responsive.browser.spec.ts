import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { repo, serveStorybook } from './storybook';

/**
 * The widgets fill their container and stay legible from a 360 px phone to a 1440 px screen: at
 * both widths each widget's box fits its container (nothing widens the page) and every piece of
 * text is at least 11 px (computed) and 10 px tall (rendered). Screenshots under
 * test-artifacts/responsive/.
 */
const artifacts = join(repo, 'test-artifacts/responsive');

/** The stories of the widgets this covers (the graph has its own zoom and scroll). */
const STORIES = [
  'viz-paralleltimeline--finished',
  'viz-paralleltimeline--running',
  'viz-paralleltimeline--wide-fan-out',
  'viz-paralleltimeline--large',
  'viz-paralleltimeline--by-worker',
  'viz-paralleltimeline--held-back-by-server',
  'viz-speedupdashboard--finished',
  'viz-speedupdashboard--running',
  'viz-speedupdashboard--with-failure',
  'viz-parallelismindicator--running',
  'viz-parallelismindicator--wide-fan-out',
  'viz-parallelismindicator--held-back-by-server',
  'viz-parallelismindicator--stream-unauthorized',
  'viz-executionhistorytable--default',
  'viz-workerlist--connected',
  'viz-connectionnotice--unauthorized',
  'viz-connectionnotice--network-or-cors',
];

let baseUrl: string;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let closeStorybook: () => Promise<void>;

beforeAll(async () => {
  const storybook = await serveStorybook();
  baseUrl = storybook.url;
  closeStorybook = storybook.close;
  const ids = storybook.stories.map((e) => e.id);
  for (const id of STORIES) if (!ids.includes(id)) throw new Error(`no story ${id}`);
  ({ context, close: closeBrowser } = await launchChromium());
  mkdirSync(artifacts, { recursive: true });
}, 150_000);

afterAll(async () => {
  await closeBrowser?.();
  await closeStorybook?.();
});

interface Findings {
  pageOverflow: number;
  boxes: string[];
  texts: string[];
  textCount: number;
}

/** Measures the story on `page`: overflowing boxes, and text that is too small. */
function measure(page: Page): Promise<Findings> {
  return page.evaluate(() => {
    const root = document.querySelector('#storybook-root')!;
    const rootRect = root.getBoundingClientRect();
    const cs = getComputedStyle(root);
    const left = rootRect.left + parseFloat(cs.paddingLeft);
    const right = rootRect.right - parseFloat(cs.paddingRight);
    const name = (el: Element) => `${el.tagName.toLowerCase()}.${(el.getAttribute('class') ?? '').trim().split(/\s+/).join('.')}`;
    const boxes: string[] = [];
    // A table may be wider than its box: the box scrolls. Everything else must fit.
    for (const el of root.querySelectorAll('.weft-fill, .weft-table-scroll, .weft-connection-notice, svg.weft-viz')) {
      const r = el.getBoundingClientRect();
      if (r.left < left - 1 || r.right > right + 1) boxes.push(`${name(el)}: ${Math.round(r.left)}..${Math.round(r.right)} outside ${Math.round(left)}..${Math.round(right)}`);
    }
    const texts: string[] = [];
    let textCount = 0;
    const check = (el: Element, text: string) => {
      if (el.closest('title, style, script, .weft-sr-only')) return;
      textCount++;
      const size = parseFloat(getComputedStyle(el).fontSize);
      const height = el.getBoundingClientRect().height;
      if (size < 11 || height < 10) texts.push(`"${text.slice(0, 40)}" in ${name(el)}: ${size}px font, ${height.toFixed(1)}px tall`);
    };
    for (const el of root.querySelectorAll('svg text')) {
      const text = el.textContent?.trim() ?? '';
      if (text) check(el, text);
    }
    for (const el of root.querySelectorAll('*')) {
      if (el instanceof SVGElement) continue;
      const own = [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (own) check(el, own);
    }
    return { pageOverflow: document.documentElement.scrollWidth - window.innerWidth, boxes, texts, textCount };
  });
}

describe.each([360, 1440])('at %i px', (width) => {
  it('every widget fits its container and all its text is legible', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    const failures: Record<string, Findings> = {};
    for (const id of STORIES) {
      await page.goto(`${baseUrl}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`, { waitUntil: 'load' });
      await page.waitForSelector('#storybook-root .weft-viz', { timeout: 15_000 });
      // The ResizeObserver's first measure, and a redraw.
      await page.waitForTimeout(200);
      const found = await measure(page);
      await page.locator('#storybook-root').screenshot({ path: join(artifacts, `${id}--${width}.png`) });
      expect(found.textCount).toBeGreaterThan(0);
      if (found.pageOverflow > 0 || found.boxes.length > 0 || found.texts.length > 0) failures[id] = found;
    }
    await page.close();
    expect(failures).toEqual({});
  }, 300_000);

  it('draws the timeline at its container’s width, 1:1, and goes compact on a phone', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${baseUrl}/iframe.html?id=viz-paralleltimeline--finished&viewMode=story`, { waitUntil: 'load' });
    await page.waitForSelector('#storybook-root svg.weft-timeline');
    await page.waitForTimeout(200);
    const { svgWidth, boxWidth, viewBoxWidth, firstLabel } = await page.evaluate(() => {
      const svg = document.querySelector('svg.weft-timeline')!;
      return {
        svgWidth: svg.getBoundingClientRect().width,
        boxWidth: svg.parentElement!.getBoundingClientRect().width,
        viewBoxWidth: Number(svg.getAttribute('viewBox')!.split(' ')[2]),
        firstLabel: svg.querySelector('text')!.textContent,
      };
    });
    expect(Math.abs(svgWidth - boxWidth)).toBeLessThanOrEqual(1);
    expect(Math.abs(viewBoxWidth - svgWidth)).toBeLessThanOrEqual(1);
    expect(firstLabel).toBe(width < 600 ? '1' : 'slot 1');
    await page.close();
  });

  it('shows the history and worker tables as cards on a phone, as columns on a screen', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    for (const [id, table] of [
      ['viz-executionhistorytable--default', '.weft-history'],
      ['viz-workerlist--connected', '.weft-workers'],
    ] as const) {
      await page.goto(`${baseUrl}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`, { waitUntil: 'load' });
      await page.waitForSelector(`#storybook-root ${table} tbody tr`);
      const found = await page.evaluate((selector) => {
        const box = document.querySelector('#storybook-root .weft-table-scroll')!;
        const cell = document.querySelector(`${selector} tbody td[data-label]`)!;
        return {
          scrolls: box.scrollWidth > box.clientWidth + 1,
          rowDisplay: getComputedStyle(document.querySelector(`${selector} tbody tr`)!).display,
          label: getComputedStyle(cell, '::before').content,
        };
      }, table);
      if (width < 480) expect({ id, ...found }).toEqual({ id, scrolls: false, rowDisplay: 'block', label: expect.stringMatching(/^"\w[\w ]+"$/) });
      else expect({ id, rowDisplay: found.rowDisplay, label: found.label }).toEqual({ id, rowDisplay: 'table-row', label: 'none' });
    }
    await page.close();
  });
});
