import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { serveStatic } from './static-server';

/**
 * Every Storybook story renders in a real browser without console errors. Builds Storybook into a
 * temporary folder (or uses WEFT_STORYBOOK_DIR when set), serves it on 127.0.0.1, opens each story
 * from index.json and keeps a screenshot under test-artifacts/storybook/.
 */
const repo = join(__dirname, '../../../..');
const artifacts = join(repo, 'test-artifacts/storybook');

interface IndexEntry {
  id: string;
  title: string;
  name: string;
  type: 'story' | 'docs';
}

let dir: string;
let builtHere = false;
let server: Server;
let baseUrl: string;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let stories: IndexEntry[];

beforeAll(async () => {
  if (process.env.WEFT_STORYBOOK_DIR && existsSync(join(process.env.WEFT_STORYBOOK_DIR, 'index.json'))) {
    dir = process.env.WEFT_STORYBOOK_DIR;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'weft-storybook-'));
    builtHere = true;
    const build = spawnSync(
      join(repo, 'node_modules/.bin/storybook'),
      ['build', '-c', 'storybook', '-o', dir, '--quiet'],
      { cwd: repo, encoding: 'utf8', env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' }, timeout: 90_000 },
    );
    if (build.status !== 0) throw new Error(`storybook build failed:\n${build.stdout}\n${build.stderr}`);
  }
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { entries: Record<string, IndexEntry> };
  stories = Object.values(index.entries).filter((e) => e.type === 'story');
  ({ url: baseUrl, server } = await serveStatic(dir));
  ({ context, close: closeBrowser } = await launchChromium());
  mkdirSync(artifacts, { recursive: true });
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await new Promise((resolve) => server?.close(resolve));
  if (builtHere) rmSync(dir, { recursive: true, force: true });
});

/** Opens one story and returns the console errors and page errors it produced. */
async function openStory(page: Page, id: string): Promise<string[]> {
  const errors: string[] = [];
  const onConsole = (msg: { type(): string; text(): string }) => {
    if (msg.type() === 'error') errors.push(msg.text());
  };
  const onError = (err: Error) => errors.push(err.message);
  page.on('console', onConsole);
  page.on('pageerror', onError);
  try {
    await page.goto(`${baseUrl}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`, { waitUntil: 'load' });
    // The 1,000-step stories build their fixture first: allow for a loaded CI machine.
    await page.waitForSelector('#storybook-root .weft-viz', { timeout: 60_000 });
    await page.waitForTimeout(150);
    await page.locator('#storybook-root').screenshot({ path: join(artifacts, `${id}.png`) });
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onError);
  }
  return errors;
}

describe('Storybook stories in Chromium', () => {
  it('finds at least one story per component state', () => {
    expect(stories.length).toBeGreaterThanOrEqual(30);
    const titles = new Set(stories.map((s) => s.title));
    for (const title of ['ExecutionGraph', 'ParallelTimeline', 'ParallelismIndicator', 'SpeedupDashboard', 'ExecutionHistoryTable'])
      expect(titles).toContain(`Viz/${title}`);
  });

  it('renders every story without console errors', async () => {
    const page = await context.newPage();
    const failures: Record<string, string[]> = {};
    for (const story of stories) {
      const errors = await openStory(page, story.id);
      if (errors.length > 0) failures[story.id] = errors;
    }
    await page.close();
    expect(failures).toEqual({});
    // About 2 s a story alone, several times that in CI, where Chromium shares two cores with every
    // other project's tests: a generous bound, so only a real hang fails here.
  }, 600_000);

  it('shows three pulsing nodes and "3 steps running in parallel" while the seed demo runs', async () => {
    const page = await context.newPage();
    await openStory(page, 'viz-executiongraph--running');
    expect(await page.locator('.weft-graph-node.weft-status-running .weft-pulse').count()).toBe(3);
    const animation = await page
      .locator('.weft-pulse')
      .first()
      .evaluate((el) => getComputedStyle(el).animationName);
    expect(animation).toBe('weft-pulse');
    await openStory(page, 'viz-parallelismindicator--running');
    expect(await page.getByText('3 steps running in parallel', { exact: true }).count()).toBe(1);
    await openStory(page, 'viz-speedupdashboard--finished');
    expect(await page.getByText('2.0x faster', { exact: true }).count()).toBe(1);
    await page.close();
  });

  it('stops the pulse when the user prefers reduced motion', async () => {
    const page = await context.newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openStory(page, 'viz-executiongraph--running');
    const animation = await page
      .locator('.weft-pulse')
      .first()
      .evaluate((el) => getComputedStyle(el).animationName);
    expect(animation).toBe('none');
    await page.close();
  });

  it('shows the skip reason when a skipped node gets keyboard focus', async () => {
    const page = await context.newPage();
    await openStory(page, 'viz-executiongraph--with-failure');
    await page.locator('[data-step="train_model"]').focus();
    await expect(page.locator('[data-tooltip-for="train_model"]').textContent()).resolves.toContain('a step it needs failed');
    await page.screenshot({ path: join(artifacts, 'viz-executiongraph--with-failure--focused.png') });
    await page.close();
  });

  it('rings the history row that has keyboard focus, and only then', async () => {
    const page = await context.newPage();
    await openStory(page, 'viz-executionhistorytable--selectable');
    const row = page.locator('.weft-history tbody tr[tabindex]').first();
    // Tab until the first row has focus (the sort buttons come first).
    for (let i = 0; i < 20 && !(await row.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await row.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    // A row focused by the mouse gets no ring (hover and focus only tint it).
    const second = page.locator('.weft-history tbody tr[tabindex]').nth(1);
    await second.click();
    expect(await second.evaluate((el) => el === document.activeElement && !el.matches(':focus-visible'))).toBe(true);
    expect(await second.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');
    await page.close();
  });
});
