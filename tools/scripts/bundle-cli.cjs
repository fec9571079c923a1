#!/usr/bin/env node
/**
 * Bundles the built CLI (apps/cli/dist/main.js and the @weft packages it loads) into one file,
 * apps/cli/dist/weft.cjs: one file to read and compile instead of a few hundred modules, which
 * takes about a third off `weft`'s start-up. @weft/history (TypeORM, loaded only for --db) stays
 * outside. bin/weft.js falls back to dist/main.js when the bundle is missing or older.
 *
 * Then writes the bundle's V8 code cache (cli-code-cache.cjs), which takes another quarter off.
 * Without it the CLI still works, compiling at each start, so a failed warm-up only warns.
 *
 * Safe to run while the CLI runs (the e2e suites build in parallel with the CLI's tests): an
 * unchanged bundle is not written again, and a changed one replaces the old with a rename.
 */
'use strict';
const { Buffer } = require('node:buffer');
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const bundle = path.join(root, 'apps/cli/dist/weft.cjs');
const main = path.join(root, 'apps/cli/dist/main.js');

/** Writes `contents` to `file` unless it holds them already; true when it wrote. */
function writeIfChanged(file, contents) {
  if (existsSync(file) && readFileSync(file).equals(Buffer.from(contents))) return false;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
  return true;
}

require('esbuild')
  .build({
    entryPoints: [main],
    outfile: bundle,
    write: false,
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
  .then(({ outputFiles }) => {
    let changed = false;
    for (const output of outputFiles) changed = writeIfChanged(output.path, output.contents) || changed;
    // bin/weft.js takes the bundle only when it is at least as new as dist/main.js.
    if (!changed && statSync(bundle).mtimeMs < statSync(main).mtimeMs) {
      const now = new Date();
      utimesSync(bundle, now, now);
    }
    // Made again each time (a cache V8 refuses, e.g. after a Node update, only costs start-up time).
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
