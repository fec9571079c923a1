import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join, relative, sep } from 'node:path';

/** The repository root: what a fresh project must be outside of. */
export const REPO = realpathSync(join(__dirname, '../../..'));

/** What a command did. `output` is stdout and stderr together, for error messages. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
  readonly timedOut: boolean;
}

export interface RunOptions {
  readonly cwd: string;
  /** Added to the environment (after the npm_* variables of any parent npm are removed). */
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long. @default 5 minutes */
  readonly timeoutMs?: number;
}

/**
 * npm settings that describe the machine (cache, registry mirror, certificates, proxies, headers
 * for native builds) and may come from the environment: the children keep them. Every other npm_*
 * variable comes from the npm that runs these tests (`npm test`) and names the repository (its
 * prefix, its allowScripts, the running script), which must not leak into a stranger's project.
 */
const MACHINE_NPM_SETTINGS = new Set(
  ['cache', 'userconfig', 'globalconfig', 'registry', 'cafile', 'ca', 'strict_ssl', 'proxy', 'https_proxy', 'noproxy', 'nodedir'].map(
    (name) => `npm_config_${name}`,
  ),
);

/** The environment for commands in a fresh project: the current one minus what ties it to the repository. */
export function freshEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('npm_') && !MACHINE_NPM_SETTINGS.has(lower)) continue;
    if (name === 'INIT_CWD' || name === 'NODE_PATH') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Runs a command without a shell and without blocking the event loop (a test may serve HTTP to
 * it meanwhile). Never throws for a failing command: look at `code`.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: freshEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      output += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 5 * 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, output, timedOut });
    });
  });
}

/** `command args` in `cwd`, or an error with its output when it does not exit 0. */
export async function runOk(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const how = result.timedOut ? 'timed out' : `exited ${result.code ?? result.signal}`;
    throw new Error(`${command} ${args.join(' ')} ${how} in ${options.cwd}:\n${result.output}`);
  }
  return result;
}

/** The tarballs global-setup.cjs packed: package name → path. */
export function packedTarballs(): Record<string, string> {
  const json = process.env.WEFT_PACK_E2E_TARBALLS;
  if (!json) throw new Error('WEFT_PACK_E2E_TARBALLS is not set: run these tests through tools/pack-e2e/jest.config.cjs (its global setup packs)');
  return JSON.parse(json) as Record<string, string>;
}

/** The tarballs of these packages (each must have been packed). */
export function tarballsOf(...names: string[]): string[] {
  const all = packedTarballs();
  return names.map((name) => {
    const tarball = all[name];
    if (!tarball) throw new Error(`${name} was not packed (packed: ${Object.keys(all).join(', ')})`);
    return tarball;
  });
}

/** The version of `name` in the repository's package-lock.json (the root's copy), to install the same in a fresh project. */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

/**
 * Throws unless `dir` is outside the repository and no folder above it has a package.json or a
 * node_modules: Node and npm would otherwise find packages (or a project root) there, and the test
 * would pass on something a stranger does not have.
 */
export function assertIsolated(dir: string): void {
  const real = realpathSync(dir);
  const fromRepo = relative(REPO, real);
  if (fromRepo === '' || !(fromRepo.startsWith('..') || fromRepo.startsWith(sep))) {
    throw new Error(`${real} is inside the repository ${REPO}`);
  }
  for (let parent = dirname(real); ; parent = dirname(parent)) {
    for (const leak of ['package.json', 'node_modules']) {
      if (existsSync(join(parent, leak))) throw new Error(`${join(parent, leak)} is above the fresh project ${real}: pick another TMPDIR`);
    }
    if (dirname(parent) === parent) break;
  }
}

export interface FreshProject {
  readonly dir: string;
  /** What `npm install` printed. */
  readonly install: RunResult;
  /** Runs a command in the project. */
  run(command: string, args: readonly string[], options?: Omit<RunOptions, 'cwd'>): Promise<RunResult>;
  /** Writes a file in the project; returns its path. */
  write(file: string, text: string): string;
  remove(): void;
}

export interface FreshProjectOptions {
  /** Fields merged into the package.json `npm init -y` writes, before installing (`type`, `overrides`...). */
  readonly packageJson?: Record<string, unknown>;
  /** More `npm install` arguments (e.g. `--ignore-scripts`). */
  readonly npmArgs?: readonly string[];
}

/**
 * A new folder in the OS temp folder: `npm init -y`, then one `npm install` of the tarballs and
 * the extra registry packages (`name@version`), from the npm cache when it has them. Throws with
 * npm's output when the install fails.
 */
export async function createFreshProject(
  name: string,
  tarballs: readonly string[],
  extraDeps: readonly string[] = [],
  options: FreshProjectOptions = {},
): Promise<FreshProject> {
  const dir = mkdtempSync(join(realpathSync(tmpdir()), `weft-pack-e2e-${name}-`));
  assertIsolated(dir);
  const inDir = (command: string, args: readonly string[], more: Omit<RunOptions, 'cwd'> = {}) => run(command, args, { ...more, cwd: dir });
  await runOk('npm', ['init', '-y'], { cwd: dir });
  if (options.packageJson) {
    const file = join(dir, 'package.json');
    writeFileSync(file, `${JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...options.packageJson }, null, 2)}\n`);
  }
  const install = await runOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...(options.npmArgs ?? []), ...tarballs, ...extraDeps], {
    cwd: dir,
    timeoutMs: 8 * 60_000,
  });
  return {
    dir,
    install,
    run: inDir,
    write(file, text) {
      const path = join(dir, file);
      writeFileSync(path, text);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir`, recursively (symbolic links not followed). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The folders of the installed `@weft/*` packages of a project. */
export function installedWeftPackages(projectDir: string): string[] {
  const scope = join(projectDir, 'node_modules/@weft');
  return readdirSync(scope).map((name) => join(scope, name));
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
