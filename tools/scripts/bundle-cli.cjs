#!/usr/bin/env node
/**
 * Bundles the built CLI (apps/cli/dist/main.js and the @weft packages it loads) into one file,
 * apps/cli/dist/weft.cjs: one file to read and compile instead of a few hundred modules, which
 * takes about a third off `weft`'s start-up. @weft/history (TypeORM, loaded only for --db) stays
 * outside. bin/weft.js falls back to dist/main.js when the bundle is missing or older.
 *
 * Then writes the bundle's V8 code cache (cli-code-cache.cjs), which takes another quarter off.
 * Without it the CLI still works, compiling at each start, so a failed warm-up only warns.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');

require('esbuild')
  .build({
    entryPoints: [path.join(root, 'apps/cli/dist/main.js')],
    outfile: path.join(root, 'apps/cli/dist/weft.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@weft/history', '@weft/queue'],
    // Less text to read at each start (a tenth of the start-up); names stay, for readable errors,
    // and the source map (node --enable-source-maps) leads back to the TypeScript.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    logLevel: 'warning',
  })
  .then(() => {
    const bundle = path.join(root, 'apps/cli/dist/weft.cjs');
    const cache = spawnSync(process.execPath, [path.join(__dirname, 'cli-code-cache.cjs')], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (cache.status !== 0) {
      rmSync(`${bundle}.cache`, { force: true });
      process.stderr.write(`bundle-cli: warning: no code cache, the CLI will compile at each start:\n${cache.stderr}`);
    }
  })
  .catch((error) => {
    process.stderr.write(`bundle-cli: ${error.message}\n`);
    process.exit(1);
  });
