/**
 * Builds the repository and packs every published package (tools/scripts/pack-all.cjs) into a
 * temporary folder outside it, once for all the suites. The tests find the tarballs through
 * WEFT_PACK_E2E_TARBALLS (JSON: package name → tarball path); global-teardown.cjs removes them.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, realpathSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '../../..');

module.exports = async function packAll() {
  const out = mkdtempSync(join(realpathSync(tmpdir()), 'weft-pack-e2e-tarballs-'));
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(ROOT, 'tools/scripts/pack-all.cjs'), out, '--include', 'libs/plugin-http'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 5 * 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`building and packing failed (pack-all.cjs exited ${result.status}${result.error ? `: ${result.error.message}` : ''}):\n${result.stdout}${result.stderr}`);
  }
  process.env.WEFT_PACK_E2E_DIR = out;
  process.env.WEFT_PACK_E2E_TARBALLS = JSON.stringify(JSON.parse(result.stdout));
  process.stderr.write(`\npack-e2e: built and packed in ${Math.round((Date.now() - started) / 1000)} s into ${out}\n`);
};
