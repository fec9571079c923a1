#!/usr/bin/env node
/**
 * The build-info files of `tsc -b` live next to each tsconfig (libs/core/tsconfig.lib.tsbuildinfo),
 * not in dist, so that no package ships one. The price: `tsc -b` judges a project up to date from
 * its build-info file alone, so after `rm -rf libs/core/dist` it would build nothing. This deletes
 * the build-info file of every project of tsconfig.build.json whose output folder is gone, so the
 * next `tsc -b` builds it again. Run before `tsc -b` by `npm run build` and `prepare`.
 */
'use strict';
const { existsSync, readFileSync, readdirSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** compilerOptions merged along `extends` (relative paths resolved against the file that sets them). */
function compilerOptions(configFile) {
  const config = readJson(configFile);
  const base = config.extends ? compilerOptions(path.resolve(path.dirname(configFile), config.extends)) : {};
  const own = {};
  for (const key of ['outDir', 'tsBuildInfoFile']) {
    if (config.compilerOptions?.[key]) own[key] = path.resolve(path.dirname(configFile), config.compilerOptions[key]);
  }
  return { ...base, ...own };
}

for (const { path: reference } of readJson(path.join(root, 'tsconfig.build.json')).references) {
  const configFile = path.resolve(root, reference);
  const { outDir, tsBuildInfoFile } = compilerOptions(configFile);
  if (!outDir || !tsBuildInfoFile || !existsSync(tsBuildInfoFile)) continue;
  if (!existsSync(outDir) || readdirSync(outDir).length === 0) {
    rmSync(tsBuildInfoFile, { force: true });
    process.stderr.write(`${path.relative(root, outDir)} is gone: ${path.relative(root, configFile)} will be built again\n`);
  }
}
