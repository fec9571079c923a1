#!/usr/bin/env node
/**
 * Builds the repository and packs every published package (each workspace package whose
 * package.json is not `private`) into OUT_DIR with `npm pack`, then prints one JSON object on
 * stdout: package name → absolute tarball path. Build output and npm's chatter go to stderr.
 *
 *   node tools/scripts/pack-all.cjs OUT_DIR [--clean | --no-build] [--include FOLDER]...
 *
 * --clean        delete each package's dist first, so that no output of a deleted source file is
 *                packed (for a release; not while other builds or tests use the dist folders)
 * --no-build     pack what is already built (`npm run build` has run)
 * --include DIR  also pack this package folder (relative to the repository), even if private
 *
 * Before packing it checks the one-version policy (docs/releasing.md): every published package has
 * the same version, and depends on the other @weft packages by exactly that version.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function fail(message) {
  process.stderr.write(`pack-all: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { outDir: undefined, build: true, clean: false, include: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-build') options.build = false;
    else if (arg === '--clean') options.clean = true;
    else if (arg === '--include') {
      if (!argv[i + 1]) fail('--include needs a package folder');
      options.include.push(argv[++i]);
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}`);
    else if (options.outDir === undefined) options.outDir = path.resolve(arg);
    else fail(`unexpected argument ${arg}`);
  }
  if (!options.outDir) fail('usage: node tools/scripts/pack-all.cjs OUT_DIR [--clean | --no-build] [--include FOLDER]...');
  if (options.clean && !options.build) fail('--clean builds again: it cannot go with --no-build');
  return options;
}

function readPackage(folder) {
  return JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8'));
}

/** The workspace folders (libs/*, apps/*) whose package is published, in a stable order. */
function publishedFolders() {
  const folders = [];
  for (const parent of ['libs', 'apps']) {
    for (const name of readdirSync(path.join(root, parent)).sort()) {
      const folder = `${parent}/${name}`;
      if (existsSync(path.join(root, folder, 'package.json')) && !readPackage(folder).private) folders.push(folder);
    }
  }
  return folders;
}

/** One version for all published packages; internal dependencies pinned to it. */
function checkVersions(folders) {
  const packages = folders.map((folder) => ({ folder, pkg: readPackage(folder) }));
  const version = packages[0]?.pkg.version;
  const problems = [];
  for (const { folder, pkg } of packages) {
    if (pkg.version !== version) problems.push(`${folder}: version ${pkg.version}, expected ${version}`);
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries(pkg[field] ?? {})) {
        if (name.startsWith('@weft/') && range !== version) problems.push(`${folder}: ${field}.${name} is "${range}", expected "${version}"`);
      }
    }
  }
  if (problems.length > 0) fail(`the one-version policy is broken (see docs/releasing.md):\n  ${problems.join('\n  ')}`);
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    fail(`${command} ${args.join(' ')} failed in ${cwd} (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`);
  }
  process.stderr.write(result.stderr);
  return result.stdout;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const published = publishedFolders();
  checkVersions(published);
  const folders = [...new Set([...published, ...options.include.map((folder) => path.relative(root, path.resolve(root, folder)))])];

  if (options.clean) {
    // The build-info files go with them (forget-stale-build-info.cjs, run by `npm run build`).
    for (const folder of folders) rmSync(path.join(root, folder, 'dist'), { recursive: true, force: true });
  }
  if (options.build) {
    process.stderr.write('pack-all: npm run build\n');
    process.stderr.write(run(npm, ['run', 'build', '--silent'], root));
  }

  mkdirSync(options.outDir, { recursive: true });
  const tarballs = {};
  for (const folder of folders) {
    // Packed from the package's own folder: no workspace flags, so what lands in the tarball is
    // exactly what `npm publish` would send from there.
    const stdout = run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', options.outDir], path.join(root, folder));
    const [packed] = JSON.parse(stdout);
    tarballs[packed.name] = path.join(options.outDir, packed.filename);
    process.stderr.write(`pack-all: ${packed.name}@${packed.version}: ${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked\n`);
  }
  process.stdout.write(`${JSON.stringify(tarballs, null, 2)}\n`);
}

main();
