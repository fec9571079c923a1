import { existsSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Where the built dashboard lives: inside the server package, so @weft/server's tarball has it. */
const published = here('../server/dashboard');

/**
 * Builds into a staging folder of its own, then swaps it in with two renames: whoever reads
 * apps/server/dashboard meanwhile (a running server, `npm pack`, another build at the same time, as
 * `npm test` runs e2e suites in parallel) sees the old files or the new ones, never a half-emptied
 * folder.
 */
function publishInto(target: string, staging: string): Plugin {
  return {
    name: 'weft-publish-dashboard',
    apply: 'build',
    writeBundle() {
      const old = `${staging}.old`;
      // Another build may swap its folder in between our two renames: then move that one aside too.
      for (let attempt = 1; ; attempt++) {
        try {
          if (existsSync(target)) renameSync(target, `${old}-${attempt}`);
          renameSync(staging, target);
          break;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (attempt >= 5 || (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT')) throw error;
        }
      }
      for (let attempt = 1; attempt <= 5; attempt++) rmSync(`${old}-${attempt}`, { recursive: true, force: true });
    },
  };
}

/**
 * The dashboard builds into the server package, apps/server/dashboard (git-ignored; published in
 * @weft/server's tarball), which the server serves at `/`. Asset URLs are relative and routing uses
 * the hash, so the files work from any mount point without a fallback.
 */
export default defineConfig(({ isPreview }) => {
  const staging = here(`../server/.dashboard-build-${process.pid}`);
  return {
    root: here('.'),
    base: './',
    plugins: [react(), publishInto(published, staging)],
    resolve: {
      alias: {
        '@weft/viz': here('../../libs/viz/src/index.ts'),
        '@weft/core/browser': here('../../libs/core/src/browser.ts'),
      },
    },
    build: { outDir: isPreview ? published : staging, emptyOutDir: true, chunkSizeWarningLimit: 1500 },
    server: {
      host: '127.0.0.1',
      // `npm run dev` against a local server: `weft` API on 127.0.0.1:3000.
      proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
    },
  };
});
