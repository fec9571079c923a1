import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport, StepReport } from '@weft/core';
import { cacheDir, loadEstimates, saveDurations } from './estimates-cache';

const step = (fields: Partial<StepReport>): StepReport => ({
  status: 'succeeded',
  startedAt: null,
  finishedAt: null,
  durationMs: 100,
  exitCode: 0,
  signal: null,
  attempts: 1,
  outputs: {},
  reason: null,
  message: null,
  lane: 0,
  reused: false,
  worker: null,
  ...fields,
});
const report = (steps: Record<string, StepReport>) => ({ steps }) as unknown as RunReport;

describe('estimates cache', () => {
  it('estimates each step by the median of its last five successful durations', () => {
    const env = { WEFT_CACHE_DIR: mkdtempSync(join(tmpdir(), 'weft-cache-')) };
    expect(loadEstimates(env, '/w/a.yaml')).toEqual({});
    for (const ms of [100, 900, 200, 300, 400, 500]) {
      saveDurations(env, '/w/a.yaml', report({ a: step({ durationMs: ms }), b: step({ status: 'failed', durationMs: 5 }), c: step({ reused: true, durationMs: 0 }) }));
    }
    // Last five: 900, 200, 300, 400, 500 → 400. Failed and reused steps teach nothing.
    expect(loadEstimates(env, '/w/a.yaml')).toEqual({ a: 400 });
    expect(loadEstimates(env, '/w/other.yaml')).toEqual({});
  });

  it('ignores a damaged cache and survives one it cannot write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-cache-'));
    const env = { WEFT_CACHE_DIR: dir };
    saveDurations(env, '/w/a.yaml', report({ a: step({}) }));
    const [file] = readdirSync(join(dir, 'durations'));
    expect(JSON.parse(readFileSync(join(dir, 'durations', file), 'utf8')).workflow).toBe('/w/a.yaml');
    writeFileSync(join(dir, 'durations', file), '{not json');
    expect(loadEstimates(env, '/w/a.yaml')).toEqual({});
    writeFileSync(join(dir, 'durations', file), JSON.stringify({ steps: { a: ['x', -1, 7] } }));
    expect(loadEstimates(env, '/w/a.yaml')).toEqual({ a: 7 });
    // A cache folder that cannot exist (its parent is a file): saving is skipped, not thrown.
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    expect(() => saveDurations({ WEFT_CACHE_DIR: join(blocker, 'cache') }, '/w/a.yaml', report({ a: step({}) }))).not.toThrow();
    expect(loadEstimates({ WEFT_CACHE_DIR: join(blocker, 'cache') }, '/w/a.yaml')).toEqual({});
  });

  it('lives in WEFT_CACHE_DIR, else XDG_CACHE_HOME/weft, else ~/.cache/weft', () => {
    expect(cacheDir({ WEFT_CACHE_DIR: '/c' })).toBe('/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/weft');
    expect(cacheDir({})).toMatch(/\.cache\/weft$/);
  });
});
