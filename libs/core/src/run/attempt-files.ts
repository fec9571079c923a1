import {
  close,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdtempSync,
  open,
  openSync,
  readdir,
  readlinkSync,
  rm,
  rmSync,
  unlink,
  write,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';
import { sendSignal } from './send-signal';

/** The `WEFT_INPUTS` and `WEFT_OUTPUTS` files of one step attempt. */
export interface AttemptFiles {
  readonly inputsPath: string;
  readonly outputsPath: string;
}

/**
 * Inputs up to this size are written with blocking calls: cheaper than thread-pool round trips.
 * Larger inputs are written asynchronously.
 */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;

/** Inputs files kept for reuse; more than this many released at once are deleted instead. */
const MAX_SPARE_FILES = 64;

/** A new inputs file: never reuses or follows anything already at that path. */
const CREATE_FLAGS = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;

/**
 * Rewrites a spare inputs file in place; refuses a symbolic link put in its place. No `O_TRUNC`:
 * ext4 flushes a file truncated to zero and rewritten when it is closed (its `auto_da_alloc`
 * safeguard); writing from offset 0 and then cutting to length does not.
 */
const REUSE_FLAGS = constants.O_RDWR | constants.O_NOFOLLOW;

const openAsync = promisify(open);
const writeAsync = promisify(write);
const closeAsync = promisify(close);

/**
 * Where step attempts get their `WEFT_INPUTS` / `WEFT_OUTPUTS` files: one private folder (mode 0700)
 * per process, made on first use.
 *
 * Making a file is the costly part on a journaling file system (it costs many times a rewrite),
 * so inputs files are reused: a released attempt's inputs file is rewritten
 * for a later attempt (opened with `O_NOFOLLOW`, and used only while it is still a plain file with
 * one link, so nothing a step did to its copy can redirect the write). An attempt's outputs path is
 * always new. The launch opens the inputs file again (links not followed) as the step's stdin: no
 * pipe to make and feed.
 *
 * The folder is removed when the process exits. A process that dies without exiting (SIGKILL, or a
 * signal with no handler) leaves it behind, so making a folder also sweeps away, in the background,
 * the folders of such processes: ours (same owner), from the same pid namespace (named after it, so
 * a /tmp shared between containers is safe), whose process is gone. If something removes the folder
 * of a running process (a temp cleaner on a long-running server), its next attempt makes a new one.
 */
export class AttemptFileArea {
  private folder: string | undefined;
  private next = 0;
  private spare: string[] = [];
  private exitHook: (() => void) | undefined;

  constructor(private readonly parent: () => string = tmpdir) {}

  /** Gives the attempt an inputs file holding `inputsJson`; the outputs file is left to the step. */
  async create(inputsJson: string): Promise<AttemptFiles> {
    const retry = this.folder !== undefined;
    try {
      return await this.tryCreate(inputsJson);
    } catch (error) {
      if (!retry || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // The folder was removed under us: start a new one.
      this.folder = undefined;
      this.spare = [];
      return this.tryCreate(inputsJson);
    }
  }

  /** Ends the attempt: its inputs file is kept for reuse, its outputs removed in the background. */
  release(files: AttemptFiles): void {
    if (files.inputsPath.startsWith(this.folder + sep) && this.spare.length < MAX_SPARE_FILES) this.spare.push(files.inputsPath);
    else unlink(files.inputsPath, ignore);
    // Most steps write no outputs; those that do may have made anything there, a folder included.
    if (lstatSync(files.outputsPath, { throwIfNoEntry: false })) rm(files.outputsPath, { recursive: true, force: true }, ignore);
  }

  /** Removes the folder and everything in it now. Later attempts make a new folder. */
  dispose(): void {
    if (this.exitHook) process.removeListener('exit', this.exitHook);
    this.exitHook = undefined;
    const folder = this.folder;
    this.folder = undefined;
    this.spare = [];
    if (folder) rmSync(folder, { recursive: true, force: true });
  }

  private async tryCreate(inputsJson: string): Promise<AttemptFiles> {
    const folder = this.ensureFolder();
    const n = ++this.next;
    const outputsPath = join(folder, `${n}.outputs.json`);
    const bytes = Buffer.from(inputsJson);
    if (bytes.length > SYNC_WRITE_MAX_BYTES) {
      const inputsPath = join(folder, `${n}.inputs.json`);
      const fd = await openAsync(inputsPath, CREATE_FLAGS, 0o600);
      try {
        for (let done = 0; done < bytes.length; ) done += (await writeAsync(fd, bytes, done, bytes.length - done, done)).bytesWritten;
      } finally {
        await closeAsync(fd);
      }
      return { inputsPath, outputsPath };
    }
    const reused = this.rewriteSpare(bytes);
    if (reused) return { inputsPath: reused, outputsPath };
    const inputsPath = join(folder, `${n}.inputs.json`);
    const fd = openSync(inputsPath, CREATE_FLAGS, 0o600);
    try {
      writeAt0(fd, bytes);
    } finally {
      closeSync(fd);
    }
    return { inputsPath, outputsPath };
  }

  /** Writes `bytes` over a spare inputs file and returns its path; null when none is usable. */
  private rewriteSpare(bytes: Buffer): string | null {
    for (let path = this.spare.pop(); path !== undefined; path = this.spare.pop()) {
      let fd: number | undefined;
      try {
        fd = openSync(path, REUSE_FLAGS);
        const stats = fstatSync(fd);
        if (stats.isFile() && stats.nlink === 1) {
          writeAt0(fd, bytes);
          if (stats.size > bytes.length) ftruncateSync(fd, bytes.length);
          closeSync(fd);
          return path;
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(this.folder!)) throw error;
      }
      if (fd !== undefined) closeSync(fd);
      // Not a plain file of ours any more: drop it.
      rm(path, { recursive: true, force: true }, ignore);
    }
    return null;
  }

  private ensureFolder(): string {
    if (this.folder) return this.folder;
    const parent = this.parent();
    this.folder = mkdtempSync(join(parent, `${FOLDER_PREFIX}${pidNamespace()}-${process.pid}-`));
    if (!this.exitHook) {
      this.exitHook = () => this.dispose();
      process.once('exit', this.exitHook);
      sweepAbandonedFolders(parent);
    }
    return this.folder;
  }
}

const FOLDER_PREFIX = 'weft-';

/** `weft-<pid namespace>-<pid>-<random>`, as {@link AttemptFileArea} names its folders. */
const FOLDER_NAME = /^weft-(\d+)-(\d+)-[A-Za-z0-9]{6}$/;

let namespace: string | undefined;

/** The pid namespace's inode number (Linux), else 0: pids only mean something within their namespace. */
function pidNamespace(): string {
  if (namespace !== undefined) return namespace;
  try {
    namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '0';
  } catch {
    namespace = '0';
  }
  return namespace;
}

/** Removes, in the background, the attempt folders of dead processes of this user and pid namespace. */
export function sweepAbandonedFolders(parent: string, done: () => void = ignore): void {
  const ours = pidNamespace();
  const uid = process.getuid?.();
  readdir(parent, (error, names) => {
    if (error) return done();
    let pending = 1;
    const settle = (): void => {
      if (--pending === 0) done();
    };
    for (const name of names) {
      const match = FOLDER_NAME.exec(name);
      if (!match || match[1] !== ours || Number(match[2]) === process.pid || sendSignal(Number(match[2]), 0) !== 'ESRCH') continue;
      const folder = join(parent, name);
      const stats = lstatSync(folder, { throwIfNoEntry: false });
      if (!stats?.isDirectory() || (uid !== undefined && stats.uid !== uid)) continue;
      pending++;
      rm(folder, { recursive: true, force: true }, settle);
    }
    settle();
  });
}

/** Writes the whole of `bytes` from offset 0. */
function writeAt0(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, done);
}

function ignore(): void {
  // Clean-up is best effort: the folder goes when the process exits anyway.
}

/** The area every step process of this Node process uses. */
export const attemptFiles = new AttemptFileArea();
