/**
 * Builds the CLI once before its tests (incrementally), and bundles it as `npm ci` does, so the
 * tests run what users run: bin/weft.js prefers the bundle.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const ROOT = join(__dirname, '../../..');

module.exports = async function buildCli() {
  for (const args of [
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'tsconfig.build.json')],
    [join(ROOT, 'tools/scripts/bundle-cli.cjs')],
  ]) {
    const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`building the CLI failed (${args.join(' ')}):\n${result.stdout}${result.stderr}`);
  }
};
