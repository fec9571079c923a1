import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '@weft/core';

/** Durations kept per step: the estimate is their median. */
const SAMPLES = 5;

/** Where `weft run` remembers step durations between runs without `--db`. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.WEFT_CACHE_DIR) return env.WEFT_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'weft');
}

function cacheFile(env: NodeJS.ProcessEnv, workflowPath: string): string {
  const key = createHash('sha256').update(workflowPath).digest('hex').slice(0, 32);
  return join(cacheDir(env), 'durations', `${key}.json`);
}

interface CacheEntry {
  readonly workflow: string;
  readonly steps: Record<string, number[]>;
}

function read(file: string): CacheEntry | null {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
    return entry && typeof entry.steps === 'object' && entry.steps !== null ? entry : null;
  } catch {
    return null;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median of each step's last durations in earlier runs of the workflow at `workflowPath`: the
 * scheduler's critical-path estimates, so that from the second run on the longest remaining work
 * starts first. Empty (equal weights) on a first run or when the cache cannot be read.
 */
export function loadEstimates(env: NodeJS.ProcessEnv, workflowPath: string): Record<string, number> {
  const entry = read(cacheFile(env, workflowPath));
  const estimates: Record<string, number> = {};
  for (const [stepId, samples] of Object.entries(entry?.steps ?? {})) {
    const valid = Array.isArray(samples) ? samples.filter((ms) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) : [];
    if (valid.length) estimates[stepId] = median(valid);
  }
  return estimates;
}

/**
 * Adds this run's durations of the steps that ran and succeeded (reused ones excluded) to the
 * cache. Best effort: a cache that cannot be written is skipped silently; it only affects ordering.
 */
export function saveDurations(env: NodeJS.ProcessEnv, workflowPath: string, report: RunReport): void {
  const file = cacheFile(env, workflowPath);
  const steps: Record<string, number[]> = { ...(read(file)?.steps ?? {}) };
  for (const [stepId, step] of Object.entries(report.steps)) {
    if (step.status !== 'succeeded' || step.reused || step.durationMs === null) continue;
    steps[stepId] = [...(Array.isArray(steps[stepId]) ? steps[stepId] : []), step.durationMs].slice(-SAMPLES);
  }
  try {
    mkdirSync(join(cacheDir(env), 'durations'), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ workflow: workflowPath, steps } satisfies CacheEntry));
    renameSync(temp, file);
  } catch {
    // read-only home, full disk…: the next run just schedules with equal weights
  }
}
