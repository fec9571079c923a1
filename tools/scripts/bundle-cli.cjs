#!/usr/bin/env node
/**
 * Bundles the built CLI (apps/cli/dist/main.js and the @weft packages it loads) into one file,
 * apps/cli/dist/weft.cjs: one file to read and compile instead of a few hundred modules, which
 * takes about a third off `weft`'s start-up. @weft/history (TypeORM, loaded only for --db) stays
 * outside. bin/weft.js falls back to dist/main.js when the bundle is missing or older.
 */
'use strict';
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
    external: ['@weft/history'],
    logLevel: 'warning',
  })
  .catch((error) => {
    process.stderr.write(`bundle-cli: ${error.message}\n`);
    process.exit(1);
  });
