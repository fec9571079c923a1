import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from './static-server';

export const repo = join(__dirname, '../../../..');

export interface StorybookIndexEntry {
  id: string;
  title: string;
  name: string;
  type: 'story' | 'docs';
}

/**
 * Storybook built into a temporary folder (or WEFT_STORYBOOK_DIR when it holds a build) and served
 * on 127.0.0.1; `close` stops the server and removes a folder it built.
 */
export async function serveStorybook(): Promise<{ url: string; stories: StorybookIndexEntry[]; close: () => Promise<void> }> {
  let dir: string;
  let builtHere = false;
  if (process.env.WEFT_STORYBOOK_DIR && existsSync(join(process.env.WEFT_STORYBOOK_DIR, 'index.json'))) {
    dir = process.env.WEFT_STORYBOOK_DIR;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'weft-storybook-'));
    builtHere = true;
    const build = spawnSync(join(repo, 'node_modules/.bin/storybook'), ['build', '-c', 'storybook', '-o', dir, '--quiet'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
      timeout: 110_000,
    });
    if (build.status !== 0) throw new Error(`storybook build failed:\n${build.stdout}\n${build.stderr}`);
  }
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { entries: Record<string, StorybookIndexEntry> };
  const stories = Object.values(index.entries).filter((e) => e.type === 'story');
  const { url, server } = await serveStatic(dir);
  return {
    url,
    stories,
    close: async () => {
      await new Promise((resolve) => (server as Server).close(resolve));
      if (builtHere) rmSync(dir, { recursive: true, force: true });
    },
  };
}
