#!/usr/bin/env node
/**
 * Sets one version on every package of the repository (the root and each libs/*, apps/* package)
 * and on their dependencies on each other, as the one-version policy wants (docs/releasing.md):
 *
 *   node tools/scripts/set-version.cjs 0.2.0 && npm install
 *
 * (`npm install` then writes the new versions into package-lock.json.)
 */
'use strict';
const { existsSync, readFileSync, readdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const version = process.argv[2];
if (!version || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  process.stderr.write('usage: node tools/scripts/set-version.cjs X.Y.Z[-pre]\n');
  process.exit(2);
}

const files = ['package.json'];
for (const parent of ['libs', 'apps']) {
  for (const name of readdirSync(path.join(root, parent)).sort()) {
    if (existsSync(path.join(root, parent, name, 'package.json'))) files.push(`${parent}/${name}/package.json`);
  }
}

for (const file of files) {
  const full = path.join(root, file);
  const pkg = JSON.parse(readFileSync(full, 'utf8'));
  pkg.version = version;
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(pkg[field] ?? {})) if (name.startsWith('@weft/')) pkg[field][name] = version;
  }
  writeFileSync(full, `${JSON.stringify(pkg, null, 2)}\n`);
  process.stdout.write(`${file}: ${pkg.name}@${version}\n`);
}
process.stdout.write('Now run `npm install` to write the versions into package-lock.json.\n');
