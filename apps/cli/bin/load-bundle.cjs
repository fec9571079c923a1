'use strict';
/**
 * Loads the CLI bundle (dist/weft.cjs) with V8's code cache (dist/weft.cjs.cache, written when the
 * bundle is built): the functions a run needs arrive compiled, which takes about a quarter off
 * `weft`'s start-up. Node 20 has no built-in compile cache for CommonJS, hence this.
 *
 * V8 checks that a cache fits its own version and flags, but matches the source only by length, so
 * the cache starts with a header naming the bundle's size and modification time: a cache left over
 * from another build is never used. A missing, stale or rejected cache just means compiling.
 */
const { Buffer } = require('node:buffer');
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

const HEADER_BYTES = 64;

function header(bundleFile) {
  const { size, mtimeMs } = statSync(bundleFile);
  return Buffer.from(`weft-code-cache ${size} ${mtimeMs}`.padEnd(HEADER_BYTES).slice(0, HEADER_BYTES));
}

function cacheFile(bundleFile) {
  return `${bundleFile}.cache`;
}

/** The cached data for this very bundle, or undefined. */
function readCache(bundleFile) {
  try {
    const data = readFileSync(cacheFile(bundleFile));
    if (data.length > HEADER_BYTES && data.subarray(0, HEADER_BYTES).equals(header(bundleFile))) return data.subarray(HEADER_BYTES);
  } catch {
    // no cache: compile
  }
  return undefined;
}

/** Compiles and runs the bundle as a CommonJS module; returns the script (to make a cache from) and its exports. */
function loadBundle(bundleFile, { useCache = true } = {}) {
  const script = new vm.Script(Module.wrap(readFileSync(bundleFile, 'utf8')), {
    filename: bundleFile,
    cachedData: useCache ? readCache(bundleFile) : undefined,
  });
  const module = { exports: {}, filename: bundleFile, id: bundleFile, loaded: false };
  script.runInThisContext()(module.exports, Module.createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  module.loaded = true;
  return { script, exports: module.exports };
}

/** Writes the code cache of `script` (after it has run, so what ran is compiled too) for `bundleFile`. */
function writeCache(bundleFile, script) {
  const data = script.createCachedData();
  writeFileSync(cacheFile(bundleFile), Buffer.concat([header(bundleFile), data]));
  return data.length;
}

module.exports = { loadBundle, writeCache, cacheFile };
