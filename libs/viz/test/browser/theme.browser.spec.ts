import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { serveStatic } from './static-server';

/**
 * Theming in a real browser: every widget (theme-page.ts, bundled with esbuild) in the light, dark
 * and auto themes, text contrast against the colour actually behind it measured with
 * getComputedStyle, variables set on ancestors taking effect, and the injected stylesheet under a
 * strict CSP with a nonce. The figures go to test-artifacts/viz-theme/contrast.json.
 */
const repo = join(__dirname, '../../../..');
const artifacts = join(repo, 'test-artifacts/viz-theme');
const NONCE = 'weft-test';

let dir: string;
let server: Server;
let baseUrl: string;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weft-viz-theme-'));
  await build({
    entryPoints: [join(__dirname, 'theme-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outfile: join(dir, 'page.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    plugins: [
      {
        name: 'weft-core-browser-from-source',
        setup(b) {
          b.onResolve({ filter: /^@weft\/core\/browser$/ }, () => ({ path: join(repo, 'libs/core/src/browser.ts') }));
        },
      },
    ],
  });
  writeFileSync(
    join(dir, 'index.html'),
    [
      '<!doctype html>',
      '<html><head><meta charset="utf-8">',
      // No 'unsafe-inline': the kit's <style> applies only with the nonce.
      `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'nonce-${NONCE}'">`,
      '<title>weft viz themes</title></head>',
      '<body><div id="root"></div><script type="module" src="/page.js"></script></body></html>',
    ].join('\n'),
  );
  ({ url: baseUrl, server } = await serveStatic(dir));
  ({ context, close: closeBrowser } = await launchChromium());
  mkdirSync(artifacts, { recursive: true });
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await new Promise((resolve) => server?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the page; returns it with the console errors and page errors collected so far. */
async function open(options: { colorScheme?: 'light' | 'dark'; nonce?: string | null } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  page.on('pageerror', (err) => errors.push(err.message));
  // Animations (pulses) off: contrast is measured on the resting colours.
  await page.emulateMedia({ colorScheme: options.colorScheme ?? 'light', reducedMotion: 'reduce' });
  const nonce = options.nonce === undefined ? NONCE : options.nonce;
  await page.goto(`${baseUrl}/${nonce === null ? '' : `?nonce=${nonce}`}`, { waitUntil: 'load' });
  await page.waitForSelector('#auto .weft-workers', { timeout: 15_000 });
  await page.waitForTimeout(200);
  return { page, errors };
}

interface Measured {
  readonly widget: string;
  readonly text: string;
  readonly ratio: number;
  readonly fg: string;
  readonly bg: string;
  /** True when the text is drawn (partly) outside its widget's box, on whatever is around it. */
  readonly outside: boolean;
}

/**
 * In the page: every visible text of every widget under `#<sectionId>` (SVG `<text>`, and HTML
 * elements with text of their own), its colour (fill or color, with the opacity of its ancestors)
 * composited over what is painted behind its middle (the shapes there, by elementsFromPoint, then
 * the background colours of its HTML ancestors), and the WCAG contrast ratio of the two.
 */
function measureContrast(sectionId: string): Measured[] {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  type Rgba = [number, number, number, number];
  /** Any CSS colour (rgb(), color(srgb …), color-mix results…) as 0..255 channels and 0..1 alpha. */
  const rgba = (css: string): Rgba => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = 'rgba(0, 0, 0, 0)';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return a === 0 ? [0, 0, 0, 0] : [(r * 255) / a, (g * 255) / a, (b * 255) / a, a / 255];
  };
  const over = (top: Rgba, bottom: Rgba): Rgba => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const ch = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [ch(0), ch(1), ch(2), a];
  };
  const luminance = ([r, g, b]: Rgba) => {
    const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (a: Rgba, b: Rgba) => {
    const [x, y] = [luminance(a), luminance(b)];
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const css = ([r, g, b, a]: Rgba) => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${a.toFixed(2)})`;
  /** The product of `opacity` of `el` and its ancestors. */
  const opacityOf = (el: Element | null): number => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const withAlpha = (c: Rgba, alpha: number): Rgba => [c[0], c[1], c[2], c[3] * alpha];
  /** What the HTML ancestors of `el` (itself included) paint: background colours composited, on white. */
  const htmlBackground = (el: Element | null): Rgba => {
    const layers: Rgba[] = [];
    for (let e = el; e; e = e.parentElement) {
      if (e instanceof SVGElement && !(e instanceof SVGSVGElement)) continue;
      const bg = rgba(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reduceRight<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  /** The fill of an SVG shape as painted: a pattern fill is taken as its background rect's fill. */
  const shapeFill = (shape: SVGGraphicsElement): Rgba | null => {
    const style = getComputedStyle(shape);
    let fill = style.fill;
    const url = /url\("?#([^")]+)"?\)/.exec(fill);
    if (url) {
      const background = document.getElementById(url[1])?.querySelector('rect');
      if (!background) return null;
      fill = getComputedStyle(background).fill;
    }
    if (!fill || fill === 'none') return null;
    const color = rgba(fill);
    return withAlpha(color, Number(style.fillOpacity) * opacityOf(shape));
  };
  /** What is painted behind the point (x, y) under `self`. */
  const backgroundAt = (self: Element, x: number, y: number): Rgba => {
    const layers: Rgba[] = [];
    let base: Element | null = self.closest('svg') ?? self.parentElement;
    for (const el of document.elementsFromPoint(x, y)) {
      if (el === self || el instanceof SVGTextElement || self.contains(el)) continue;
      // A line (the "now" line, grid lines) is a stroke beside the text, not a background.
      if (el instanceof SVGLineElement || el instanceof SVGPolylineElement) continue;
      if (el instanceof SVGGeometryElement) {
        const fill = shapeFill(el);
        if (fill && fill[3] > 0) layers.push(fill);
        if (fill && fill[3] >= 1) break;
        continue;
      }
      // Groups and other SVG containers paint nothing themselves; the first HTML box (or the <svg>) ends it.
      if (el instanceof SVGElement && !(el instanceof SVGSVGElement)) continue;
      base = el;
      break;
    }
    let color = htmlBackground(base);
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };

  const results: Measured[] = [];
  const root = document.getElementById(sectionId)!;
  for (const widget of Array.from(root.querySelectorAll('.weft-viz'))) {
    const name = `${Array.from(widget.classList).find((c) => c !== 'weft-viz' && c.startsWith('weft-')) ?? widget.tagName} #${Array.from(
      root.querySelectorAll('.weft-viz'),
    ).indexOf(widget)}`;
    const texts: Element[] = [];
    for (const el of Array.from(widget.querySelectorAll('*'))) {
      if (el.closest('.weft-sr-only, title, defs')) continue;
      if (el instanceof SVGTextElement) {
        if ((el.textContent ?? '').trim()) texts.push(el);
      } else if (!(el instanceof SVGElement) && Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim())) {
        texts.push(el);
      }
    }
    for (const el of texts) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      el.scrollIntoView({ block: 'center', inline: 'center' });
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const around = widget.getBoundingClientRect();
      const outside = box.left < around.left - 1 || box.right > around.right + 1 || box.top < around.top - 1 || box.bottom > around.bottom + 1;
      const fg = withAlpha(rgba(el instanceof SVGElement ? style.fill : style.color), opacityOf(el));
      // The worst of three points along the middle of the text.
      let worst: { ratio: number; bg: Rgba; fg: Rgba } | null = null;
      for (const fx of [0.2, 0.5, 0.8]) {
        const x = box.left + box.width * fx;
        const y = box.top + box.height / 2;
        const bg = el instanceof SVGElement ? backgroundAt(el, x, y) : htmlBackground(el);
        const shown = over(fg, bg);
        const r = ratio(shown, bg);
        if (!worst || r < worst.ratio) worst = { ratio: r, bg, fg: shown };
      }
      results.push({ widget: name, text: (el.textContent ?? '').trim().slice(0, 40), ratio: Math.round(worst!.ratio * 100) / 100, fg: css(worst!.fg), bg: css(worst!.bg), outside });
    }
  }
  return results;
}

const contrastFigures: Record<string, { texts: number; min: number; minText: string; outsideTheirWidget: string[] }> = {};

function summarize(theme: string, measured: Measured[]): void {
  const min = measured.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  contrastFigures[theme] = {
    texts: measured.length,
    min: min.ratio,
    minText: `${min.widget}: "${min.text}" ${min.fg} on ${min.bg}`,
    outsideTheirWidget: measured.filter((m) => m.outside).map((m) => `${m.widget}: "${m.text}"`),
  };
  writeFileSync(join(artifacts, 'contrast.json'), `${JSON.stringify(contrastFigures, null, 2)}\n`);
}

describe('@weft/viz themes in Chromium', () => {
  it.each([
    ['light', 'light' as const],
    ['dark', 'light' as const],
    ['auto', 'dark' as const],
    ['auto', 'light' as const],
  ])('text contrast is at least 4.5:1 in every widget: %s theme (prefers %s)', async (theme, colorScheme) => {
    const { page, errors } = await open({ colorScheme });
    const measured = await page.evaluate(measureContrast, theme);
    await page.locator(`#${theme}`).screenshot({ path: join(artifacts, `${theme}-prefers-${colorScheme}.png`) });
    await page.close();
    expect(errors).toEqual([]);
    // Every widget kind, and a good number of texts, were measured.
    const kinds = new Set(measured.map((m) => m.widget.split(' ')[0]));
    expect([...kinds].sort()).toEqual(['weft-connection-notice', 'weft-graph', 'weft-history', 'weft-indicator', 'weft-speedup', 'weft-timeline', 'weft-workers']);
    expect(measured.length).toBeGreaterThan(100);
    summarize(`${theme} (prefers ${colorScheme})`, measured);
    expect(measured.filter((m) => m.ratio < 4.5)).toEqual([]);
  });

  it('auto follows prefers-color-scheme; dark and light ignore it', async () => {
    const bgOf = (page: Page, id: string) => page.locator(`#${id} .weft-graph`).first().evaluate((el) => getComputedStyle(el).backgroundColor);
    for (const scheme of ['light', 'dark'] as const) {
      const { page } = await open({ colorScheme: scheme });
      expect(await bgOf(page, 'light')).toBe('rgb(255, 255, 255)');
      expect(await bgOf(page, 'dark')).toBe('rgb(22, 32, 43)');
      expect(await bgOf(page, 'auto')).toBe(scheme === 'dark' ? 'rgb(22, 32, 43)' : 'rgb(255, 255, 255)');
      await page.close();
    }
  });

  it('variables set on an ancestor apply, inside a dark part too, and a light part inside a dark one is light', async () => {
    const { page, errors } = await open();
    const plain = page.locator('#override .weft-graph');
    expect(await plain.locator('.weft-node-title').first().evaluate((el) => getComputedStyle(el).fill)).toBe('rgb(1, 2, 3)');
    expect(await plain.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(250, 240, 230)');
    const dark = page.locator('#dark-override');
    expect(await dark.locator('.weft-graph .weft-node-title').first().evaluate((el) => getComputedStyle(el).fill)).toBe('rgb(229, 233, 240)');
    expect(await dark.locator('.weft-indicator .weft-slot.weft-busy .weft-shape').first().evaluate((el) => getComputedStyle(el).fill)).toBe('rgb(7, 8, 9)');
    expect(await dark.locator('.weft-speedup').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('the injected <style> carries the CSP nonce given to WeftTheme / WeftStylesProvider (the page allows only that nonce)', async () => {
    const { page, errors } = await open();
    expect(await page.evaluate(() => Array.from(document.querySelectorAll('style[data-href="weft-viz"]')).map((s) => (s as HTMLStyleElement).nonce))).toEqual([NONCE]);
    expect(await page.locator('#light [data-testid="weft-speedup-headline"]').first().evaluate((el) => getComputedStyle(el).fontWeight)).toBe('700');
    await page.close();
    expect(errors).toEqual([]);

    // Without the nonce the policy refuses the stylesheet: the nonce is what makes it apply.
    const refused = await open({ nonce: null });
    expect(await refused.page.locator('#light [data-testid="weft-speedup-headline"]').first().evaluate((el) => getComputedStyle(el).fontWeight)).not.toBe('700');
    await refused.page.close();
    expect(refused.errors.join('\n')).toMatch(/Content Security Policy/);
  });
});
