import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import type { DocumentReading, DocumentReadingCache, PositionNode } from '@weft/core';
import { cacheDir } from './estimates-cache';

/** Readings kept; past this many, the least recently used go. */
const MAX_ENTRIES = 64;

/**
 * Readings of YAML workflow files kept between runs in `<cache>/readings/<weft version>-node<version>/<sha256>.bin`
 * (see `LoadWorkflowFileOptions.readings`): a second run of a large workflow skips the YAML parse.
 * A reading is found by the SHA-256 of the exact text, so an edited file is read afresh; a damaged
 * or unreadable entry is read afresh too, and a cache that cannot be written is simply not kept.
 */
export function readingsCache(env: NodeJS.ProcessEnv, version: string): DocumentReadingCache {
  // V8's serialization (a reading's positions hold Maps) is Node's own: kept per Node version too.
  const dir = join(cacheDir(env), 'readings', `${version}-node${process.versions.node}`.replace(/[^A-Za-z0-9._-]/g, '_'));
  return {
    get(key) {
      const file = join(dir, `${key}.bin`);
      try {
        const reading: unknown = deserialize(readFileSync(file));
        if (!isReading(reading)) return undefined;
        // Touched, so the least recently used entries are the ones pruned.
        try {
          const now = new Date();
          utimesSync(file, now, now);
        } catch {
          // read-only cache: fine
        }
        return reading;
      } catch {
        return undefined;
      }
    },
    set(key, reading) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const file = join(dir, `${key}.bin`);
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, serialize(reading), { mode: 0o600 });
        renameSync(temporary, file);
        prune(dir);
      } catch {
        // not kept: the next run reads the file again
      }
    },
  };
}

/** A YAML reading without issues whose positions have the shape `PositionNode` promises, all the way down. */
function isReading(value: unknown): value is DocumentReading {
  if (typeof value !== 'object' || value === null) return false;
  const reading = value as Partial<DocumentReading>;
  if (reading.format !== 'yaml' || !Array.isArray(reading.issues) || reading.issues.length > 0) return false;
  const stack: unknown[] = [reading.positions];
  while (stack.length > 0) {
    const node = stack.pop() as Partial<PositionNode> | null;
    if (typeof node !== 'object' || node === null || typeof node.at !== 'number') return false;
    if (node.items !== undefined) {
      if (!Array.isArray(node.items)) return false;
      for (const item of node.items) if (item !== undefined) stack.push(item);
    }
    if (node.entries !== undefined) {
      if (!isMap(node.entries)) return false;
      for (const entry of node.entries.values()) {
        if (typeof entry !== 'object' || entry === null || typeof entry.keyAt !== 'number') return false;
        if (entry.value !== undefined) stack.push(entry.value);
      }
    }
  }
  return true;
}

/** Removes the least recently used entries beyond {@link MAX_ENTRIES}. */
function prune(dir: string): void {
  const names = readdirSync(dir).filter((name) => name.endsWith('.bin'));
  if (names.length <= MAX_ENTRIES) return;
  const byAge = names
    .map((name) => ({ name, used: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.used - b.used);
  for (const { name } of byAge.slice(0, names.length - MAX_ENTRIES)) rmSync(join(dir, name), { force: true });
}

/** A Map, whichever realm made it (`deserialize` makes Node's own, not a test sandbox's). */
function isMap(value: unknown): value is Map<string, { keyAt: number; value?: PositionNode }> {
  return types.isMap(value);
}
