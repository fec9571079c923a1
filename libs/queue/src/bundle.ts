import { createHash, randomBytes } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { WorkflowError } from '@weft/core';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * A workflow folder packed for a worker on another machine.
 *
 * The canonical stream (what `hash` covers, before compression) is, in order:
 * 1. the 8 ASCII bytes `WEFTBDL1` (format version 1);
 * 2. the manifest length in bytes, a 32-bit unsigned big-endian integer;
 * 3. the manifest: UTF-8 JSON, an array of `{ path, kind, mode, size }` sorted by `path`
 *    (compared as JS strings); `path` is relative with `/` separators, `kind` is `'file'` or
 *    `'dir'`, `mode` is `0o755` (executable file, or any dir) or `0o644`, `size` is the file's
 *    length (0 for a dir);
 * 4. the file bodies, concatenated in manifest order, each exactly `size` bytes long.
 *
 * `bytes` is that stream gzipped at level 6. The hash covers the uncompressed stream so it does not
 * depend on the zlib build that compressed it. Nothing varying between copies of the same content
 * is in the stream: no mtimes, owners, inode numbers or readdir order.
 */
export interface FolderBundle {
  /** sha256 of the canonical stream, 64 lowercase hex digits. */
  readonly hash: string;
  /** The canonical stream, gzipped. */
  readonly bytes: Buffer;
  /** Regular files packed (directories are not counted). */
  readonly fileCount: number;
  /** Sum of the packed files' uncompressed sizes. */
  readonly totalBytes: number;
}

/** One entry of a bundle: a directory, or a regular file with its content. */
export type BundleEntry =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'file'; readonly path: string; readonly executable: boolean; readonly content: Buffer };

/** Options of {@link packFolder}. */
export interface PackFolderOptions {
  /** Refuse a folder whose files add up to more than this many bytes (uncompressed). */
  readonly maxBytes: number;
}

/** A workflow folder that cannot be shipped, or a bundle that cannot be unpacked. */
export class BundleError extends WorkflowError {
  override readonly name: string = 'BundleError';
}

/** The workflow folder's files add up to more than the cap; packing stopped there. */
export class BundleTooLargeError extends BundleError {
  override readonly name = 'BundleTooLargeError';
  constructor(
    /** The workflow folder, absolute. */
    readonly root: string,
    /** Bytes counted when packing stopped: a lower bound of the folder's size. */
    readonly totalBytes: number,
    readonly maxBytes: number,
    /** The largest file seen before packing stopped, relative to `root`. */
    readonly largestFile: { readonly path: string; readonly size: number },
  ) {
    super(
      `the workflow folder ${root} holds more than ${formatBytes(maxBytes)} ` +
        `(at least ${formatBytes(totalBytes)} seen, the largest file ${largestFile.path} with ${formatBytes(largestFile.size)}); ` +
        'a run on workers ships the whole folder. Move large data out of the folder, or raise WEFT_BUNDLE_LIMIT.',
    );
  }
}

const MAGIC = Buffer.from('WEFTBDL1', 'ascii');
const HEADER_BYTES = MAGIC.length + 4;
const EXECUTABLE_MODE = 0o755;
const PLAIN_MODE = 0o644;
const HASH_PATTERN = /^[0-9a-f]{64}$/;
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Formats a byte count with binary units and at most one decimal: `512 B`, `1.5 KiB`, `60 MiB`,
 * `61.2 MiB`. A value that rounds up to 1024 of a unit is written in the next one (`1 MiB`).
 */
export function formatBytes(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new TypeError(`Expected a finite byte count of at least 0, got ${String(n)}`);
  }
  let unit = 0;
  let value = n;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  let rounded = unit === 0 ? Math.round(value) : Math.round(value * 10) / 10;
  if (rounded >= 1024 && unit < UNITS.length - 1) {
    rounded = Math.round((rounded / 1024) * 10) / 10;
    unit++;
  }
  return `${rounded} ${UNITS[unit]}`;
}

/**
 * Packs `root` into a content-addressed bundle.
 *
 * 1. Walks `root` depth-first, names sorted. Regular files are kept with their content and whether
 *    any executable bit is set; directories are kept, empty ones too. An entry named `.git` (a
 *    repository, or the file a worktree or submodule has instead) is left out, and so are sockets,
 *    FIFOs and devices.
 * 2. A symlink is stored as what it points to when its real target lies inside `root`: a file's
 *    content, or a directory walked under the link's name. A link pointing outside `root`, a
 *    dangling link, or a link to a directory holding it throws a {@link BundleError}.
 * 3. Sizes are counted from `stat` before a file is read; as soon as the total exceeds
 *    `options.maxBytes`, packing stops with a {@link BundleTooLargeError}.
 * 4. The entries are sorted by path and encoded with {@link encodeBundle}.
 */
export async function packFolder(root: string, options: PackFolderOptions): Promise<FolderBundle> {
  const { maxBytes } = options;
  if (typeof maxBytes !== 'number' || Number.isNaN(maxBytes) || maxBytes < 0) {
    throw new TypeError(
      `Expected options.maxBytes to be a byte count of at least 0, got ${String(maxBytes)}`,
    );
  }
  const absoluteRoot = resolve(root);
  const realRoot = await realFolder(absoluteRoot);
  const walk: Walk = {
    root: absoluteRoot,
    realRoot,
    maxBytes,
    entries: [],
    tally: { totalBytes: 0, largest: null },
  };
  await walkFolder(walk, realRoot, '', [realRoot]);
  const { hash, bytes } = await encodeBundle(walk.entries);
  const fileCount = walk.entries.filter((entry) => entry.kind === 'file').length;
  return { hash, bytes, fileCount, totalBytes: walk.tally.totalBytes };
}

/**
 * Encodes entries as a bundle (the format is described on {@link FolderBundle}): sorts them by
 * path, builds the canonical stream, hashes it and gzips it. Checks nothing about the paths, so
 * tests can build hostile bundles; {@link packFolder} only passes paths it found on disk.
 */
export async function encodeBundle(
  entries: readonly BundleEntry[],
): Promise<{ hash: string; bytes: Buffer }> {
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path));
  const manifest = Buffer.from(JSON.stringify(sorted.map(manifestEntryOf)), 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  header.writeUInt32BE(manifest.length, MAGIC.length);
  const bodies = sorted.flatMap((entry) => (entry.kind === 'file' ? [entry.content] : []));
  const canonical = Buffer.concat([header, manifest, ...bodies]);
  return { hash: sha256(canonical), bytes: await gzipAsync(canonical, { level: 6 }) };
}

/**
 * Decodes a bundle's canonical stream (gunzipped) into its entries, checking the format but not the
 * paths (see {@link entryPathProblem}). Throws a {@link BundleError} naming `hash` if the stream is
 * not a version-1 bundle.
 */
export function decodeBundle(canonical: Buffer, hash: string): BundleEntry[] {
  const invalid = (detail: string) =>
    new BundleError(
      `bundle ${hash} is not a valid Weft bundle: ${detail}. It was not made by packFolder of this version; ` +
        'pack the workflow folder again with the same Weft version as the worker.',
    );
  if (canonical.length < HEADER_BYTES || !canonical.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw invalid(`it does not start with ${MAGIC.toString('ascii')}`);
  }
  const manifestEnd = HEADER_BYTES + canonical.readUInt32BE(MAGIC.length);
  if (manifestEnd > canonical.length) throw invalid('its manifest runs past its end');
  let manifest: unknown;
  try {
    manifest = JSON.parse(canonical.subarray(HEADER_BYTES, manifestEnd).toString('utf8'));
  } catch (error) {
    throw invalid(`its manifest is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(manifest)) throw invalid('its manifest is not an array');
  const entries: BundleEntry[] = [];
  let offset = manifestEnd;
  for (const [index, item] of manifest.entries()) {
    const problem = manifestEntryProblem(item);
    if (problem) throw invalid(`manifest entry ${index} ${problem}`);
    const { path, kind, mode, size } = item as ManifestEntry;
    if (kind === 'dir') {
      entries.push({ kind, path });
      continue;
    }
    if (offset + size > canonical.length)
      throw invalid(`the body of ${JSON.stringify(path)} runs past its end`);
    entries.push({
      kind,
      path,
      executable: mode === EXECUTABLE_MODE,
      content: canonical.subarray(offset, offset + size),
    });
    offset += size;
  }
  if (offset !== canonical.length)
    throw invalid(`${canonical.length - offset} bytes follow the last file body`);
  return entries;
}

/**
 * Why an entry path may not be unpacked, or `null` when it is safe: it must be relative, use `/`
 * separators, and have no empty, `.` or `..` segment and no NUL character.
 */
export function entryPathProblem(path: string): string | null {
  if (path === '') return 'it is empty';
  if (path.includes('\0')) return 'it holds a NUL character';
  if (path.startsWith('/') || isAbsolute(path)) return 'it is absolute';
  const segments = path.split('/');
  if (segments.includes('..')) return "it has a '..' segment";
  if (segments.some((segment) => segment === '' || segment === '.')) return "it has an empty or '.' segment";
  return null;
}

/**
 * Unpacks a bundle into `cacheRoot/<expectedHash>` and returns that folder.
 *
 * 1. If the folder exists (an earlier job unpacked it), it is returned as it is. Calls in this
 *    process for the same folder while one is unpacking share its result.
 * 2. The bytes are gunzipped and hashed; a hash other than `expectedHash` throws a
 *    {@link BundleError}. Every entry path is checked with {@link entryPathProblem}, and no entry
 *    may repeat a path or sit below a file; one that does throws a {@link BundleError} naming it,
 *    before anything is written.
 * 3. The entries are written into a fresh sibling `cacheRoot/.<hash>.<random>` (files `0o755` or
 *    `0o644`), which is then renamed to `cacheRoot/<hash>` in one step, so the folder is either
 *    absent or complete. If another process renamed its copy first, ours is removed and theirs
 *    returned. `cacheRoot` is created when missing.
 */
export function unpackBundle(bytes: Buffer, expectedHash: string, cacheRoot: string): Promise<string> {
  if (typeof expectedHash !== 'string' || !HASH_PATTERN.test(expectedHash)) {
    return Promise.reject(
      new BundleError(
        `cannot unpack bundle ${JSON.stringify(expectedHash)}: a bundle hash is 64 lowercase hex digits (sha256)`,
      ),
    );
  }
  const target = join(resolve(cacheRoot), expectedHash);
  const pending = unpacking.get(target);
  if (pending) return pending;
  const work = unpackOnce(bytes, expectedHash, target).finally(() => unpacking.delete(target));
  unpacking.set(target, work);
  return work;
}

/**
 * Most bytes a bundle may unpack to: well over any folder a server ships (its limit is far lower),
 * so that a hostile gzip cannot fill this process's memory before the hash check.
 */
export const MAX_UNPACKED_BYTES = 2 * 1024 ** 3 - 1;

/** Unpacks in flight in this process, by target folder. */
const unpacking = new Map<string, Promise<string>>();

async function unpackOnce(bytes: Buffer, hash: string, target: string): Promise<string> {
  if (await isFolder(target)) return target;
  let canonical: Buffer;
  try {
    canonical = await gunzipAsync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    throw new BundleError(`bundle ${hash} is corrupt: it is not gzip data of at most 2 GiB (${(error as Error).message})`, {
      cause: error,
    });
  }
  const actual = sha256(canonical);
  if (actual !== hash) throw new BundleError(`bundle ${hash} is corrupt: its content hashes to ${actual}`);
  const entries = decodeBundle(canonical, hash);
  const unsafe = findUnsafeEntry(entries);
  if (unsafe) {
    throw new BundleError(
      `bundle ${hash} holds an unsafe entry ${JSON.stringify(unsafe.path)}: ${unsafe.problem}. ` +
        'packFolder never writes one; nothing was unpacked. Pack the workflow folder again.',
    );
  }

  const cacheRoot = resolve(target, '..');
  const temporary = join(cacheRoot, `.${hash}.${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(cacheRoot, { recursive: true });
    await mkdir(temporary);
    for (const entry of entries) await writeEntry(temporary, entry);
    await rename(temporary, target);
    return target;
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isFolder(target))) return target;
    throw new BundleError(
      `cannot unpack bundle ${hash} into ${cacheRoot}: ${(error as Error).message}. ` +
        'Check that the folder is writable and its disk has room.',
      { cause: error },
    );
  }
}

/** The manifest form of an entry (key order fixed: it is part of the canonical stream). */
interface ManifestEntry {
  readonly path: string;
  readonly kind: 'file' | 'dir';
  readonly mode: number;
  readonly size: number;
}

function manifestEntryOf(entry: BundleEntry): ManifestEntry {
  return entry.kind === 'dir'
    ? { path: entry.path, kind: 'dir', mode: EXECUTABLE_MODE, size: 0 }
    : {
        path: entry.path,
        kind: 'file',
        mode: entry.executable ? EXECUTABLE_MODE : PLAIN_MODE,
        size: entry.content.length,
      };
}

/** What is wrong with a decoded manifest item's shape, or `null`. */
function manifestEntryProblem(item: unknown): string | null {
  if (typeof item !== 'object' || item === null) return 'is not an object';
  const { path, kind, mode, size } = item as Record<string, unknown>;
  if (typeof path !== 'string') return 'has no string path';
  if (kind !== 'file' && kind !== 'dir') return `has kind ${JSON.stringify(kind)} (expected "file" or "dir")`;
  if (mode !== EXECUTABLE_MODE && mode !== PLAIN_MODE)
    return `has mode ${JSON.stringify(mode)} (expected 493 or 420)`;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    return `has size ${JSON.stringify(size)}`;
  if (kind === 'dir' && size !== 0) return 'is a dir with a size';
  return null;
}

/** The first entry that may not be unpacked and why: a bad path, a repeated path, or a path below a file. */
function findUnsafeEntry(entries: readonly BundleEntry[]): { path: string; problem: string } | null {
  const files = new Set(entries.filter((entry) => entry.kind === 'file').map((entry) => entry.path));
  const seen = new Set<string>();
  for (const { path } of entries) {
    const problem = entryPathProblem(path);
    if (problem) return { path, problem };
    if (seen.has(path)) return { path, problem: 'it appears twice' };
    seen.add(path);
    const segments = path.split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const parent = segments.slice(0, depth).join('/');
      if (files.has(parent)) return { path, problem: `its parent ${parent} is a file` };
    }
  }
  return null;
}

async function writeEntry(folder: string, entry: BundleEntry): Promise<void> {
  const path = join(folder, ...entry.path.split('/'));
  if (entry.kind === 'dir') {
    await mkdir(path, { recursive: true });
    return;
  }
  await mkdir(resolve(path, '..'), { recursive: true });
  const mode = entry.executable ? EXECUTABLE_MODE : PLAIN_MODE;
  await writeFile(path, entry.content, { flag: 'wx', mode });
  await chmod(path, mode); // the umask may have cleared bits of `mode`
}

/** The state of one {@link packFolder} walk. */
interface Walk {
  /** The workflow folder as the caller named it (absolute), for messages. */
  readonly root: string;
  /** `root` with every symlink resolved: where links must point into. */
  readonly realRoot: string;
  readonly maxBytes: number;
  readonly entries: BundleEntry[];
  tally: SizeTally;
}

/** What the files packed so far add up to. */
interface SizeTally {
  readonly totalBytes: number;
  readonly largest: { readonly path: string; readonly size: number } | null;
}

/** The tally once a file of `size` bytes at `path` is added. */
function addToTally(tally: SizeTally, path: string, size: number): SizeTally {
  const largest = tally.largest && tally.largest.size >= size ? tally.largest : { path, size };
  return { totalBytes: tally.totalBytes + size, largest };
}

/**
 * Adds the entries below `realDir` (a real path) under the relative path `relDir`. `ancestors`
 * holds the real paths of the folders being walked, to refuse a link back into one of them.
 */
async function walkFolder(
  walk: Walk,
  realDir: string,
  relDir: string,
  ancestors: readonly string[],
): Promise<void> {
  const names = (await guard(walk, relDir || '.', () => readdir(realDir))).sort(comparePaths);
  for (const name of names) {
    if (name === '.git') continue;
    const relPath = relDir ? `${relDir}/${name}` : name;
    await addPath(walk, join(realDir, name), relPath, ancestors);
  }
}

async function addPath(
  walk: Walk,
  path: string,
  relPath: string,
  ancestors: readonly string[],
): Promise<void> {
  let real = path;
  let stats = await guard(walk, relPath, () => lstat(path));
  if (stats.isSymbolicLink()) {
    real = await linkTargetInside(walk, path, relPath);
    stats = await guard(walk, relPath, () => stat(real));
  }
  if (stats.isDirectory()) {
    if (ancestors.includes(real)) {
      const folder = relative(walk.realRoot, real).split(sep).join('/') || '.';
      throw new BundleError(
        `the workflow folder ${walk.root} holds a symlink ${relPath} that points to ${folder}, a folder holding the link, ` +
          'so the folder would repeat forever. Remove the link.',
      );
    }
    walk.entries.push({ kind: 'dir', path: relPath });
    await walkFolder(walk, real, relPath, [...ancestors, real]);
  } else if (stats.isFile()) {
    walk.tally = addToTally(walk.tally, relPath, stats.size);
    if (walk.tally.totalBytes > walk.maxBytes) {
      throw new BundleTooLargeError(walk.root, walk.tally.totalBytes, walk.maxBytes, walk.tally.largest!);
    }
    const content = await guard(walk, relPath, () => readFile(real));
    if (content.length !== stats.size) {
      throw new BundleError(
        `${relPath} in the workflow folder ${walk.root} changed size while it was packed ` +
          `(${stats.size} bytes, then ${content.length}). Start the run again once nothing writes to the folder.`,
      );
    }
    walk.entries.push({ kind: 'file', path: relPath, executable: (stats.mode & 0o111) !== 0, content });
  }
  // Sockets, FIFOs and devices are left out: they have no content to ship.
}

/** The real path a symlink points to, when that lies inside the walked folder; throws otherwise. */
async function linkTargetInside(walk: Walk, link: string, relPath: string): Promise<string> {
  const written = await guard(walk, relPath, () => readlink(link));
  let real: string;
  try {
    real = await realpath(link);
  } catch (error) {
    throw new BundleError(
      `the workflow folder ${walk.root} holds a symlink ${relPath} that points to ${written}, which cannot be resolved ` +
        `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Remove the link, or copy the file it meant into the folder.`,
      { cause: error },
    );
  }
  const inside = relative(walk.realRoot, real);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    const resolved = real === resolve(link, '..', written) ? '' : ` (${real})`;
    throw new BundleError(
      `the workflow folder ${walk.root} holds a symlink ${relPath} that points outside it, to ${written}${resolved}; ` +
        'a run on workers ships only the folder. Copy the file into the folder instead of linking to it.',
    );
  }
  return real;
}

/** `root` resolved to its real path; throws a {@link BundleError} unless it is a folder. */
async function realFolder(root: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(root);
  } catch (error) {
    throw new BundleError(`the workflow folder ${root} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!(await isFolder(real)))
    throw new BundleError(
      `the workflow folder ${root} is not a folder; pass the folder that holds the workflow`,
    );
  return real;
}

/** Runs a file-system read, naming the entry and the folder if it fails. */
async function guard<T>(walk: Walk, relPath: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new BundleError(
      `cannot read ${relPath} in the workflow folder ${walk.root}: ${(error as Error).message}. ` +
        'Make it readable, or move it out of the folder.',
      { cause: error },
    );
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
