#!/usr/bin/env node
/**
 * Writes apps/cli/dist/weft.cjs.cache, the V8 code cache bin/weft.js loads the bundle with. The
 * bundle is first exercised the way users use it (validate, plan, and a run of a two-step shell
 * workflow in a temp folder), so the functions those need are compiled and land in the cache.
 * Run by bundle-cli.cjs in a child process of its own; stdout is discarded.
 */
'use strict';
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { loadBundle, writeCache } = require('../../apps/cli/bin/load-bundle.cjs');

const bundleFile = path.resolve(__dirname, '../../apps/cli/dist/weft.cjs');

async function warmUp() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'weft-code-cache-'));
  try {
    const workflow = path.join(scratch, 'warm-up.yaml');
    writeFileSync(
      workflow,
      [
        'name: warm-up',
        'steps:',
        '  - id: first',
        '    type: shell',
        '    run: printf \'{"n":1}\' > "$WEFT_OUTPUTS"',
        '  - id: second',
        '    type: shell',
        '    inputs: { n: "${steps.first.outputs.n}" }',
        '    run: test "$INPUT_N" = 1',
        '',
      ].join('\n'),
    );
    // The durations a run remembers go to the scratch folder, not the user's cache.
    process.env.WEFT_CACHE_DIR = path.join(scratch, 'cache');
    const { script, exports } = loadBundle(bundleFile, { useCache: false });
    for (const argv of [['validate', workflow], ['plan', workflow], ['run', workflow, '--json']]) {
      const code = await exports.main(argv);
      if (code !== 0) throw new Error(`weft ${argv[0]} exited ${code} during the warm-up`);
    }
    return writeCache(bundleFile, script);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

warmUp().then(
  (bytes) => process.stderr.write(`cli-code-cache: ${Math.round(bytes / 1024)} KiB\n`),
  (error) => {
    process.stderr.write(`cli-code-cache: ${error.message}\n`);
    process.exitCode = 1;
  },
);
