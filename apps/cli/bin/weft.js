#!/usr/bin/env node
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');

/** The bundle (fast start-up) when it is at least as new as the build, else null. */
function bundle() {
  try {
    const file = join(dist, 'weft.cjs');
    if (statSync(file).mtimeMs >= statSync(join(dist, 'main.js')).mtimeMs) return file;
  } catch {
    // no bundle, or no build: fall through
  }
  return null;
}

let main;
try {
  const file = bundle();
  ({ main } = file ? require('./load-bundle.cjs').loadBundle(file).exports : require(join(dist, 'main.js')));
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
