#!/usr/bin/env node
// `npm run bench`: builds the workspace (so the engine measured is the current source, from the same
// dist the CLI runs), then runs the TypeScript bench sources through @swc-node/register.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);

if (!argv.includes('--no-build') && !argv.includes('--help') && !argv.includes('-h')) {
  // The same build as `npm run prepare`: the CLI measured is its bundle with its code cache, as users
  // run it (bin/weft.js falls back to the slower unbundled dist when the bundle is older than it).
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  let build = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (build.status === 0) build = spawnSync(process.execPath, [path.join(root, 'tools/scripts/bundle-cli.cjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    const built = ['libs/core', 'libs/step-types', 'apps/cli'].every((p) => existsSync(path.join(root, p, 'dist')));
    if (!built) {
      process.stderr.write('bench: the build failed and there is no dist to run; fix it or run `npm run build`\n');
      process.exit(2);
    }
    process.stderr.write('bench: warning: the build failed; measuring the dist folders as they are\n');
  }
}

mkdirSync(path.join(root, 'docs'), { recursive: true });
process.env.SWC_NODE_PROJECT = path.join(__dirname, 'tsconfig.run.json');
require('@swc-node/register');
const { main } = require('./src/main.ts');
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bench: ${(error && error.stack) || error}\n`);
    process.exitCode = 2;
  },
);
