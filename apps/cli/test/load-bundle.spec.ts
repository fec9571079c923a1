import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const LOADER = join(ROOT, 'apps/cli/bin/load-bundle.cjs');

/** Runs `code` in a plain `node` (the flags a code cache is made and checked with), returning its stdout. */
function node(code: string): string {
  const result = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

/** How `loadBundle` treated `file`'s cache: "used", "rejected" or "none" (not offered), and what the module exported. */
function load(file: string): { cache: string; answer: unknown } {
  return JSON.parse(
    node(`
      const { loadBundle } = require(${JSON.stringify(LOADER)});
      const { script, exports } = loadBundle(${JSON.stringify(file)});
      const r = script.cachedDataRejected;
      console.log(JSON.stringify({ cache: r === undefined ? 'none' : r ? 'rejected' : 'used', answer: exports.answer() }));
    `),
  ) as { cache: string; answer: unknown };
}

function makeCache(file: string): void {
  node(`
    const { loadBundle, writeCache } = require(${JSON.stringify(LOADER)});
    const { script, exports } = loadBundle(${JSON.stringify(file)}, { useCache: false });
    exports.answer();
    writeCache(${JSON.stringify(file)}, script);
  `);
}

describe('the CLI bundle loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-load-bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles without a cache, then uses the cache made for the bundle', () => {
    const bundle = join(dir, 'b.cjs');
    writeFileSync(bundle, 'exports.answer = () => 41 + 1;\n');
    expect(load(bundle)).toEqual({ cache: 'none', answer: 42 });
    makeCache(bundle);
    expect(load(bundle)).toEqual({ cache: 'used', answer: 42 });
  });

  it('never runs a cache made for another build of the bundle, even of the same length', () => {
    const bundle = join(dir, 'b.cjs');
    writeFileSync(bundle, 'exports.answer = () => 41 + 1;\n');
    makeCache(bundle);
    writeFileSync(bundle, 'exports.answer = () => 40 + 3;\n');
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    expect(load(bundle)).toEqual({ cache: 'none', answer: 43 });
  });

  it('compiles when the cache file is damaged', () => {
    const bundle = join(dir, 'b.cjs');
    writeFileSync(bundle, 'exports.answer = () => 7;\n');
    writeFileSync(`${bundle}.cache`, 'not a cache');
    expect(load(bundle)).toEqual({ cache: 'none', answer: 7 });
  });

  it('finds a cache for the built CLI that V8 accepts', () => {
    const result = node(`
      const { loadBundle } = require(${JSON.stringify(LOADER)});
      const { script, exports } = loadBundle(${JSON.stringify(join(ROOT, 'apps/cli/dist/weft.cjs'))});
      console.log(JSON.stringify({ rejected: script.cachedDataRejected, main: typeof exports.main }));
    `);
    expect(JSON.parse(result)).toEqual({ rejected: false, main: 'function' });
  });
});
