#!/usr/bin/env node
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');

/** The bundle (fast start-up) when it is at least as new as the build, else the build itself. */
function entry() {
  const dist = join(__dirname, '..', 'dist');
  try {
    if (statSync(join(dist, 'weft.cjs')).mtimeMs >= statSync(join(dist, 'main.js')).mtimeMs) return join(dist, 'weft.cjs');
  } catch {
    // no bundle, or no build: fall through
  }
  return join(dist, 'main.js');
}

let main;
try {
  ({ main } = require(entry()));
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('main.js')) {
    process.stderr.write('weft: the CLI is not built yet. Run `npm run build` at the repository root (npm ci does it too).\n');
    process.exit(2);
  }
  throw error;
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
