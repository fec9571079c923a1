import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The dashboard builds to apps/dashboard/dist, which the server serves at `/`. Asset URLs are
 * relative and routing uses the hash, so the files work from any mount point without a fallback.
 */
export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [react()],
  resolve: {
    alias: {
      '@weft/viz': here('../../libs/viz/src/index.ts'),
      '@weft/core/browser': here('../../libs/core/src/browser.ts'),
    },
  },
  build: { outDir: here('dist'), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    host: '127.0.0.1',
    // `npm run dev` against a local server: `weft` API on 127.0.0.1:3000.
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
