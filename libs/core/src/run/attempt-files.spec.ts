import {
  closeSync,
  constants,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { waitFor } from '../testing/wait-for';
import { AttemptFileArea, sweepAbandonedFolders, type AttemptFiles } from './attempt-files';

let parent: string;
let area: AttemptFileArea;

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'weft-attempt-files-spec-'));
  area = new AttemptFileArea(() => parent);
});
afterEach(() => {
  area.dispose();
  rmSync(parent, { recursive: true, force: true });
});

/** What a step would read on stdin: the inputs file as the launch opens it, from offset 0 to the end. */
function readStdin(files: AttemptFiles): string {
  const fd = openSync(files.inputsPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) chunks.push(Buffer.from(buffer.subarray(0, n)));
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function attempt(inputsJson: string): Promise<AttemptFiles> {
  return area.create(inputsJson);
}

function finish(files: AttemptFiles): void {
  area.release(files);
}

describe('AttemptFileArea', () => {
  it('makes one private folder, with the inputs file in it and the outputs path beside it', async () => {
    const files = await attempt('{"a":1}');
    expect(readdirSync(parent)).toHaveLength(1);
    expect(dirname(files.inputsPath)).toBe(dirname(files.outputsPath));
    expect(statSync(dirname(files.inputsPath)).mode & 0o777).toBe(0o700);
    expect(statSync(files.inputsPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(files.inputsPath, 'utf8')).toBe('{"a":1}');
    expect(readStdin(files)).toBe('{"a":1}');
    expect(existsSync(files.outputsPath)).toBe(false);
    finish(files);
  });

  it('rewrites a released inputs file for the next attempt, cut to the new length', async () => {
    const first = await attempt(`{"long":"${'x'.repeat(1000)}"}`);
    finish(first);
    const second = await attempt('{}');
    expect(second.inputsPath).toBe(first.inputsPath);
    expect(second.outputsPath).not.toBe(first.outputsPath);
    expect(readFileSync(second.inputsPath, 'utf8')).toBe('{}');
    expect(readStdin(second)).toBe('{}');
    finish(second);
  });

  it('gives attempts running at once different files', async () => {
    const a = await attempt('{"n":1}');
    const b = await attempt('{"n":2}');
    expect(a.inputsPath).not.toBe(b.inputsPath);
    expect(readStdin(a)).toBe('{"n":1}');
    expect(readStdin(b)).toBe('{"n":2}');
    finish(a);
    finish(b);
  });

  it('removes whatever the step left at its outputs path, a folder included', async () => {
    const files = await attempt('{}');
    mkdirSync(files.outputsPath);
    writeFileSync(join(files.outputsPath, 'x'), 'x');
    finish(files);
    await waitFor('the outputs folder to be removed', () => !existsSync(files.outputsPath));
  });

  /**
   * Ends an attempt whose step put `victim` (holding "precious") in place of its inputs file with
   * `replace`, starts the next attempt, and checks the victim was not written.
   */
  async function nextAttemptAfter(victimFolder: (files: AttemptFiles) => string, replace: (victim: string, path: string) => void) {
    const files = await attempt('{}');
    const victim = join(victimFolder(files), 'victim.txt');
    writeFileSync(victim, 'precious');
    unlinkSync(files.inputsPath);
    replace(victim, files.inputsPath);
    area.release(files);
    const next = await attempt('{"next":true}');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(next.inputsPath).not.toBe(files.inputsPath);
    expect(readStdin(next)).toBe('{"next":true}');
    finish(next);
    return files;
  }

  it('never writes through a symbolic link a step put in place of its inputs file', async () => {
    const files = await nextAttemptAfter(() => parent, symlinkSync);
    // The link is dropped, in the background.
    await waitFor('the link to be dropped', () => expect(() => readlinkSync(files.inputsPath)).toThrow('ENOENT'));
  });

  it('never writes into a file a step hard-linked in place of its inputs file', async () => {
    // A file of the same file system: a hard link cannot cross into another one.
    await nextAttemptAfter((files) => dirname(files.inputsPath), linkSync);
  });

  it('makes a new folder when its folder was removed under it (a temp cleaner)', async () => {
    const first = await attempt('{}');
    finish(first);
    rmSync(dirname(first.inputsPath), { recursive: true, force: true });
    const second = await attempt('{"again":1}');
    expect(dirname(second.inputsPath)).not.toBe(dirname(first.inputsPath));
    expect(readStdin(second)).toBe('{"again":1}');
    finish(second);
  });

  it('writes large inputs asynchronously, readable from the start', async () => {
    const big = JSON.stringify({ blob: 'z'.repeat(200 * 1024) });
    const files = await attempt(big);
    expect(readStdin(files)).toBe(big);
    finish(files);
  });

  it('removes its folder on dispose, and makes a new one when used again', async () => {
    const files = await attempt('{}');
    finish(files);
    area.dispose();
    expect(existsSync(dirname(files.inputsPath))).toBe(false);
    const again = await attempt('{}');
    expect(existsSync(again.inputsPath)).toBe(true);
    finish(again);
  });

  it('says why when the parent folder does not exist', async () => {
    const broken = new AttemptFileArea(() => join(parent, 'missing'));
    await expect(broken.create('{}')).rejects.toThrow(/ENOENT/);
  });

  describe('abandoned folders', () => {
    const namespace = (): string => /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))![1];
    /** The pid of a process that has ended. */
    const deadPid = (): number => Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
    const sweep = (): Promise<void> => new Promise((resolve) => sweepAbandonedFolders(parent, resolve));

    it('names its folder after the pid namespace and the pid', async () => {
      const files = await attempt('{}');
      expect(basename(dirname(files.inputsPath))).toMatch(new RegExp(`^weft-${namespace()}-${process.pid}-[A-Za-z0-9]{6}$`));
      finish(files);
    });

    it('removes the folders of dead processes of its pid namespace, and nothing else', async () => {
      const dead = join(parent, `weft-${namespace()}-${deadPid()}-abcDEF`);
      const alive = join(parent, `weft-${namespace()}-${process.ppid}-abcDEF`);
      const otherNamespace = join(parent, `weft-1-${deadPid()}-abcDEF`);
      const notOurs = join(parent, `weft-${namespace()}-${deadPid()}-toolong1`);
      for (const folder of [dead, alive, otherNamespace, notOurs]) {
        mkdirSync(folder);
        writeFileSync(join(folder, '1.inputs.json'), '{}');
      }
      await sweep();
      expect([dead, alive, otherNamespace, notOurs].map((f) => existsSync(f))).toEqual([false, true, true, true]);
    });

    it('sweeps when it makes its folder', async () => {
      const dead = join(parent, `weft-${namespace()}-${deadPid()}-xyzXYZ`);
      mkdirSync(dead);
      const files = await attempt('{}');
      await waitFor("the dead process's folder to be swept", () => !existsSync(dead));
      expect(existsSync(files.inputsPath)).toBe(true);
      finish(files);
    });

    it('says nothing when the parent folder cannot be read', async () => {
      await expect(new Promise<void>((resolve) => sweepAbandonedFolders(join(parent, 'missing'), resolve))).resolves.toBeUndefined();
    });
  });
});
