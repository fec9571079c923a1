import { mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { readDocumentForTransfer } from '@weft/core';
import { readingsCache } from './readings-cache';

const reading = readDocumentForTransfer('name: kept\nsteps:\n  - id: a\n    type: shell\n    run: echo hi\n', 'yaml');

describe('readings cache', () => {
  it('keeps a reading under the version, privately, and gives it back', () => {
    const env = { WEFT_CACHE_DIR: mkdtempSync(join(tmpdir(), 'weft-readings-')) };
    const cache = readingsCache(env, '1.2.3-456-789');
    expect(cache.get('abc')).toBeUndefined();
    cache.set('abc', reading);
    expect(cache.get('abc')).toEqual(reading);
    const dir = join(env.WEFT_CACHE_DIR, 'readings', `1.2.3-456-789-node${process.versions.node}`);
    expect(readdirSync(dir)).toEqual(['abc.bin']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'abc.bin')).mode & 0o777).toBe(0o600);
    // Another build keeps its own.
    expect(readingsCache(env, '1.2.3-456-790').get('abc')).toBeUndefined();
  });

  it('gives nothing for a damaged entry or one that is not a YAML reading', () => {
    const env = { WEFT_CACHE_DIR: mkdtempSync(join(tmpdir(), 'weft-readings-')) };
    const cache = readingsCache(env, 'v');
    cache.set('a', reading);
    const dir = join(env.WEFT_CACHE_DIR, 'readings', `v-node${process.versions.node}`);
    const bin = join(dir, 'a.bin');
    writeFileSync(bin, serialize(reading).subarray(0, 40));
    expect(cache.get('a')).toBeUndefined();
    writeFileSync(bin, serialize({ ...reading, positions: undefined }));
    expect(cache.get('a')).toBeUndefined();
    writeFileSync(bin, serialize({ ...reading, format: 'json' }));
    expect(cache.get('a')).toBeUndefined();
    // Positions of the wrong shape deep down (entries as a plain object) would break validation.
    writeFileSync(bin, serialize({ ...reading, positions: { at: 0, entries: { steps: { keyAt: 0 } } } }));
    expect(cache.get('a')).toBeUndefined();
    writeFileSync(bin, serialize(reading));
    expect(cache.get('a')).toEqual(reading);
  });

  it('keeps the 64 most recently used readings', () => {
    const env = { WEFT_CACHE_DIR: mkdtempSync(join(tmpdir(), 'weft-readings-')) };
    const cache = readingsCache(env, 'v');
    const dir = join(env.WEFT_CACHE_DIR, 'readings', `v-node${process.versions.node}`);
    for (let i = 0; i < 64; i++) {
      cache.set(`k${i}`, reading);
      utimesSync(join(dir, `k${i}.bin`), 1000 + i, 1000 + i);
    }
    // Used now: the most recent, so it stays when the 65th comes.
    expect(cache.get('k0')).toEqual(reading);
    cache.set('k64', reading);
    const names = readdirSync(dir);
    expect(names).toHaveLength(64);
    expect(names).toContain('k0.bin');
    expect(names).toContain('k64.bin');
    expect(names).not.toContain('k1.bin');
  });

  it('keeps nothing, without a word, where it cannot write', () => {
    // A cache folder under a file: no one, root included, can make it.
    const file = join(mkdtempSync(join(tmpdir(), 'weft-readings-')), 'a-file');
    writeFileSync(file, '');
    const cache = readingsCache({ WEFT_CACHE_DIR: join(file, 'cache') }, 'v');
    expect(() => cache.set('a', reading)).not.toThrow();
    expect(cache.get('a')).toBeUndefined();
  });
});
