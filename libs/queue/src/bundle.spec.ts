import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  BundleError,
  BundleTooLargeError,
  encodeBundle,
  entryPathProblem,
  formatBytes,
  packFolder,
  unpackBundle,
  type BundleEntry,
} from './bundle';

const NO_LIMIT = { maxBytes: Number.MAX_SAFE_INTEGER };
const KiB = 1024;

const made: string[] = [];
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'weft-bundle-'));
  made.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Writes `files` (path → content, or content with a mode) below `root`, in the order given. */
function writeTree(
  root: string,
  files: Record<string, string | Buffer | { content: string; mode: number }>,
): string {
  for (const [path, spec] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) writeFileSync(file, spec);
    else {
      writeFileSync(file, spec.content);
      chmodSync(file, spec.mode);
    }
  }
  return root;
}

/** Every path below `root`, sorted, folders marked with a trailing `/`. */
function listTree(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? [`${path}/`, ...listTree(root, path)] : [path];
    })
    .sort();
}

const isExecutable = (file: string) => (statSync(file).mode & 0o111) !== 0;

function expectBundleError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  return expect(promise).rejects.toThrow(
    expect.objectContaining({ name: 'BundleError', message: expect.stringMatching(pattern) }),
  );
}

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [60 * KiB * KiB, '60 MiB'],
    [61.2 * KiB * KiB, '61.2 MiB'],
    [KiB * KiB - 1, '1 MiB'],
    [3 * KiB ** 3, '3 GiB'],
  ])('writes %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('refuses what is not a byte count, echoing it', () => {
    expect(() => formatBytes(-1)).toThrow(
      new TypeError('Expected a finite byte count of at least 0, got -1'),
    );
    expect(() => formatBytes(Number.NaN)).toThrow(/got NaN/);
  });
});

describe('packFolder and unpackBundle', () => {
  it('round-trips content, nested and empty folders, and the executable bit', async () => {
    const root = writeTree(tempFolder(), {
      'workflow.yaml': 'steps: []\n',
      'scripts/run.sh': { content: '#!/bin/sh\necho hi\n', mode: 0o755 },
      'scripts/lib/util.py': 'print(1)\n',
      'data/blob.bin': Buffer.from([0, 1, 2, 255, 254]),
    });
    mkdirSync(join(root, 'empty/deeper'), { recursive: true });

    const bundle = await packFolder(root, NO_LIMIT);
    expect(bundle).toMatchObject({ fileCount: 4, totalBytes: 10 + 18 + 9 + 5 });
    expect(bundle.hash).toMatch(/^[0-9a-f]{64}$/);

    const cache = join(tempFolder(), 'cache', 'bundles');
    const folder = await unpackBundle(bundle.bytes, bundle.hash, cache);
    expect(folder).toBe(join(cache, bundle.hash));
    expect(listTree(folder)).toEqual([
      'data/',
      'data/blob.bin',
      'empty/',
      'empty/deeper/',
      'scripts/',
      'scripts/lib/',
      'scripts/lib/util.py',
      'scripts/run.sh',
      'workflow.yaml',
    ]);
    expect(readFileSync(join(folder, 'data/blob.bin'))).toEqual(Buffer.from([0, 1, 2, 255, 254]));
    expect(readFileSync(join(folder, 'scripts/run.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(isExecutable(join(folder, 'scripts/run.sh'))).toBe(true);
    expect(isExecutable(join(folder, 'workflow.yaml'))).toBe(false);
    expect(readdirSync(cache)).toEqual([bundle.hash]);
  });

  it('gives the same hash for the same content written in another order, at other times', async () => {
    const first = writeTree(tempFolder(), { 'a.txt': 'A', 'sub/b.txt': 'B', 'sub/c.txt': 'C' });
    const second = writeTree(tempFolder(), { 'sub/c.txt': 'C', 'sub/b.txt': 'B', 'a.txt': 'A' });
    utimesSync(join(second, 'a.txt'), new Date('2001-01-01'), new Date('2001-01-01'));
    utimesSync(join(second, 'sub'), new Date('2002-02-02'), new Date('2002-02-02'));

    expect((await packFolder(second, NO_LIMIT)).hash).toBe((await packFolder(first, NO_LIMIT)).hash);
  });

  it('gives another hash when one byte or one executable bit changes', async () => {
    const root = writeTree(tempFolder(), { 'a.txt': 'hello', 'run.sh': 'echo' });
    const before = (await packFolder(root, NO_LIMIT)).hash;

    writeFileSync(join(root, 'a.txt'), 'hellp');
    const afterByte = (await packFolder(root, NO_LIMIT)).hash;
    chmodSync(join(root, 'run.sh'), 0o755);
    const afterMode = (await packFolder(root, NO_LIMIT)).hash;

    expect(new Set([before, afterByte, afterMode]).size).toBe(3);
  });

  it('leaves out .git, sockets and FIFOs', async () => {
    const root = writeTree(tempFolder(), {
      'a.txt': 'A',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'sub/.git': 'gitdir: ../x\n',
    });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const socket = createServer();
    await new Promise<void>((listening) => socket.listen(join(root, 'socket'), listening));

    const bundle = await packFolder(root, NO_LIMIT).finally(() => socket.close());
    const folder = await unpackBundle(bundle.bytes, bundle.hash, tempFolder());

    expect(listTree(folder)).toEqual(['a.txt', 'sub/']);
    expect(bundle.fileCount).toBe(1);
  });

  it('stores a symlink into the folder as what it points to', async () => {
    const root = writeTree(tempFolder(), {
      'lib/util.py': 'x = 1\n',
      'bin/tool': { content: '#!/bin/sh\n', mode: 0o755 },
    });
    symlinkSync('lib/util.py', join(root, 'util.py'));
    symlinkSync(join(root, 'lib'), join(root, 'lib-link'));
    symlinkSync('../bin/tool', join(root, 'lib/tool'));

    const bundle = await packFolder(root, NO_LIMIT);
    const folder = await unpackBundle(bundle.bytes, bundle.hash, tempFolder());

    expect(listTree(folder)).toEqual([
      'bin/',
      'bin/tool',
      'lib-link/',
      'lib-link/tool',
      'lib-link/util.py',
      'lib/',
      'lib/tool',
      'lib/util.py',
      'util.py',
    ]);
    expect(readFileSync(join(folder, 'util.py'), 'utf8')).toBe('x = 1\n');
    expect(readFileSync(join(folder, 'lib-link/util.py'), 'utf8')).toBe('x = 1\n');
    expect(isExecutable(join(folder, 'lib/tool'))).toBe(true);
  });

  it('refuses a symlink pointing outside the folder, naming the link and its target', async () => {
    const outside = writeTree(tempFolder(), { 'secret.txt': 's' });
    const root = writeTree(tempFolder(), { 'a.txt': 'A' });
    mkdirSync(join(root, 'data'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'data/secret.txt'));

    await expectBundleError(
      packFolder(root, NO_LIMIT),
      new RegExp(
        `symlink data/secret\\.txt that points outside it, to ${join(outside, 'secret.txt')}.*Copy the file into the folder`,
      ),
    );
  });

  it('refuses a dangling symlink and a symlink to a folder holding it', async () => {
    const dangling = tempFolder();
    symlinkSync('missing.txt', join(dangling, 'gone'));
    await expectBundleError(
      packFolder(dangling, NO_LIMIT),
      /symlink gone that points to missing\.txt, which cannot be resolved \(ENOENT\)/,
    );

    const looping = writeTree(tempFolder(), { 'sub/a.txt': 'A' });
    symlinkSync('..', join(looping, 'sub/up'));
    await expectBundleError(
      packFolder(looping, NO_LIMIT),
      /symlink sub\/up that points to \., a folder holding the link/,
    );
  });

  it('refuses a root that is not a folder', async () => {
    const root = writeTree(tempFolder(), { 'a.txt': 'A' });
    await expectBundleError(packFolder(join(root, 'a.txt'), NO_LIMIT), /a\.txt is not a folder/);
    await expectBundleError(packFolder(join(root, 'nope'), NO_LIMIT), /nope cannot be read/);
    await expect(packFolder(root, { maxBytes: Number.NaN })).rejects.toThrow(TypeError);
  });

  it('stops as soon as the files add up to more than maxBytes, naming the largest', async () => {
    const root = writeTree(tempFolder(), {
      'a.txt': Buffer.alloc(200),
      'data/big.bin': Buffer.alloc(2 * KiB),
      'data/small.bin': Buffer.alloc(300),
      'z.txt': Buffer.alloc(5 * KiB),
    });

    const failure = await packFolder(root, { maxBytes: 2 * KiB }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(BundleTooLargeError);
    expect(failure).toBeInstanceOf(BundleError);
    expect(failure).toMatchObject({
      totalBytes: 200 + 2048,
      maxBytes: 2048,
      largestFile: { path: 'data/big.bin', size: 2048 },
    });
    expect((failure as Error).message).toBe(
      `the workflow folder ${root} holds more than 2 KiB (at least 2.2 KiB seen, the largest file data/big.bin with 2 KiB); ` +
        'a run on workers ships the whole folder. Move large data out of the folder, or raise WEFT_BUNDLE_LIMIT.',
    );
  });

  it('accepts a folder exactly at maxBytes', async () => {
    const root = writeTree(tempFolder(), { 'a.bin': Buffer.alloc(KiB) });
    await expect(packFolder(root, { maxBytes: KiB })).resolves.toMatchObject({ totalBytes: KiB });
  });
});

describe('unpackBundle', () => {
  async function sampleBundle() {
    return packFolder(
      writeTree(tempFolder(), { 'run.sh': { content: 'echo 1\n', mode: 0o755 }, 'w.yaml': 'steps: []\n' }),
      NO_LIMIT,
    );
  }

  it('refuses bytes whose content hashes to something else, naming both hashes', async () => {
    const bundle = await sampleBundle();
    const other = await encodeBundle([
      { kind: 'file', path: 'w.yaml', executable: false, content: Buffer.from('other') },
    ]);
    const cache = tempFolder();

    await expectBundleError(
      unpackBundle(other.bytes, bundle.hash, cache),
      new RegExp(`^bundle ${bundle.hash} is corrupt: its content hashes to ${other.hash}$`),
    );
    expect(readdirSync(cache)).toEqual([]);
  });

  it('refuses bytes that are not gzip data, and a hash that is not sha256 hex', async () => {
    const bundle = await sampleBundle();
    const broken = Buffer.from(bundle.bytes);
    broken[0] ^= 0xff;

    await expectBundleError(
      unpackBundle(broken, bundle.hash, tempFolder()),
      /is corrupt: it is not gzip data/,
    );
    await expectBundleError(
      unpackBundle(bundle.bytes, '../../etc', tempFolder()),
      /cannot unpack bundle "\.\.\/\.\.\/etc": a bundle hash is 64/,
    );
  });

  it('refuses a stream that is not a bundle even when its hash matches', async () => {
    const canonical = Buffer.from('WEFTBDL1\0\0\0\x02{}', 'latin1');
    const hash = createHash('sha256').update(canonical).digest('hex');

    await expectBundleError(
      unpackBundle(gzipSync(canonical), hash, tempFolder()),
      /is not a valid Weft bundle: its manifest is not an array/,
    );
  });

  it.each<[string, BundleEntry[], RegExp]>([
    [
      'a parent segment',
      [{ kind: 'file', path: '../evil', executable: true, content: Buffer.from('x') }],
      /"\.\.\/evil": it has a '\.\.' segment/,
    ],
    [
      'an absolute path',
      [{ kind: 'file', path: '/tmp/evil', executable: false, content: Buffer.from('x') }],
      /"\/tmp\/evil": it is absolute/,
    ],
    ['a NUL', [{ kind: 'dir', path: 'a\0b' }], /it holds a NUL character/],
    [
      'a repeated path',
      [
        { kind: 'dir', path: 'a' },
        { kind: 'dir', path: 'a' },
      ],
      /"a": it appears twice/,
    ],
    [
      'a path below a file',
      [
        { kind: 'file', path: 'a', executable: false, content: Buffer.from('x') },
        { kind: 'file', path: 'a/b', executable: false, content: Buffer.from('y') },
      ],
      /"a\/b": its parent a is a file/,
    ],
  ])('refuses an entry with %s and writes nothing', async (_case, entries, message) => {
    const outer = tempFolder();
    const cache = join(outer, 'cache');
    const hostile = await encodeBundle([
      { kind: 'file', path: 'ok.txt', executable: false, content: Buffer.from('ok') },
      ...entries,
    ]);

    await expectBundleError(unpackBundle(hostile.bytes, hostile.hash, cache), message);
    expect(readdirSync(outer)).toEqual([]);
    expect(existsSync(join(outer, 'evil'))).toBe(false);
  });

  it('resolves two concurrent calls for one bundle to one folder', async () => {
    const bundle = await sampleBundle();
    const cache = tempFolder();

    const [first, second] = await Promise.all([
      unpackBundle(bundle.bytes, bundle.hash, cache),
      unpackBundle(bundle.bytes, bundle.hash, cache),
    ]);

    expect(second).toBe(first);
    expect(readdirSync(cache)).toEqual([bundle.hash]);
    expect(listTree(first)).toEqual(['run.sh', 'w.yaml']);
  });

  it('keeps the first folder when another process renames its copy in at the same time', async () => {
    const bundle = await sampleBundle();
    const cache = tempFolder();
    let otherProcess: typeof import('./bundle') | undefined;
    await jest.isolateModulesAsync(async () => {
      otherProcess = await import('./bundle');
    });

    const folders = await Promise.all([
      unpackBundle(bundle.bytes, bundle.hash, cache),
      otherProcess!.unpackBundle(bundle.bytes, bundle.hash, cache),
    ]);

    expect(folders).toEqual([join(cache, bundle.hash), join(cache, bundle.hash)]);
    expect(readdirSync(cache)).toEqual([bundle.hash]);
    expect(listTree(folders[0])).toEqual(['run.sh', 'w.yaml']);
  });

  it('returns an existing folder without unpacking again', async () => {
    const bundle = await sampleBundle();
    const cache = tempFolder();
    const folder = await unpackBundle(bundle.bytes, bundle.hash, cache);
    const before = statSync(join(folder, 'run.sh'));
    const folderBefore = statSync(folder);

    const again = await unpackBundle(Buffer.from('not even gzip'), bundle.hash, cache);

    expect(again).toBe(folder);
    const after = statSync(join(folder, 'run.sh'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(statSync(folder).ino).toBe(folderBefore.ino);
  });
});

describe('entryPathProblem', () => {
  it.each([
    ['a', null],
    ['a/b/c.txt', null],
    ['.hidden/x', null],
    ['', 'it is empty'],
    ['a/../b', "it has a '..' segment"],
    ['..', "it has a '..' segment"],
    ['/etc/passwd', 'it is absolute'],
    ['a//b', "it has an empty or '.' segment"],
    ['./a', "it has an empty or '.' segment"],
    ['a/', "it has an empty or '.' segment"],
    ['a\0b', 'it holds a NUL character'],
  ])('%j → %s', (path, problem) => {
    expect(entryPathProblem(path)).toBe(problem);
  });
});
