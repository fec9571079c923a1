'use strict';
/**
 * ESLint rule `weft/browser-safe`, for a package's browser entry (`libs/core/src/browser.ts`): no
 * module it reaches through its imports may import a Node built-in (`node:fs`, `path`…) or use a
 * Node-only global (`process`, `Buffer`, `__dirname`, `require`, the `NodeJS` types…).
 *
 * It follows every relative import and re-export, type-only ones too (a declaration that names a
 * Node type breaks a consumer built without @types/node), and does not enter packages. Each
 * finding is reported at the entry's import that leads to it, with the chain of files on the way.
 * A relative import it cannot resolve is reported too: what it cannot read, it cannot vouch for.
 */
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');
const { parseForESLint } = require('@typescript-eslint/parser');

/** Globals that exist in Node and not in a browser (`globalThis` and timers exist in both). */
const NODE_GLOBALS = new Set([
  'process',
  'Buffer',
  'global',
  '__dirname',
  '__filename',
  'require',
  'module',
  'exports',
  'setImmediate',
  'clearImmediate',
  'NodeJS',
]);
const BUILTINS = new Set(builtinModules);
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts'];

/** True for `node:fs`, `fs`, `fs/promises`. */
function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

/** The TypeScript file a relative specifier names (`./a`, `./a.js`, `./dir`), or null. */
function resolveRelative(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const stem = base.replace(/\.[cm]?jsx?$/, '');
  const candidates = [
    base,
    ...EXTENSIONS.map((ext) => stem + ext),
    ...EXTENSIONS.map((ext) => path.join(base, `index${ext}`)),
  ];
  return (
    candidates.find(
      (file) => /\.[cm]?tsx?$/.test(file) && fs.existsSync(file) && fs.statSync(file).isFile(),
    ) ?? null
  );
}

/** Every module specifier written in a file, with its line: imports, re-exports, `import()`, `require()`, `import('x').T`. */
function specifiersOf(ast, visitorKeys) {
  const found = [];
  const literal = (node) =>
    node && node.type === 'Literal' && typeof node.value === 'string' ? node.value : null;
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    let specifier = null;
    switch (node.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration':
      case 'ImportExpression':
        specifier = literal(node.source);
        break;
      case 'TSExternalModuleReference':
        specifier = literal(node.expression);
        break;
      case 'TSImportType':
        specifier = literal(
          node.argument && node.argument.type === 'TSLiteralType' ? node.argument.literal : node.argument,
        );
        break;
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'require')
          specifier = literal(node.arguments[0]);
        break;
    }
    if (specifier !== null) found.push({ specifier, line: node.loc.start.line });
    for (const key of visitorKeys[node.type] ?? []) {
      const child = node[key];
      if (Array.isArray(child)) child.forEach(visit);
      else visit(child);
    }
  };
  visit(ast);
  return found;
}

/** Node-only globals a file uses, with their lines (a local of the same name is not one). */
function nodeGlobalsOf(scopeManager) {
  return scopeManager.globalScope.through
    .filter((reference) => NODE_GLOBALS.has(reference.identifier.name))
    .map((reference) => ({ name: reference.identifier.name, line: reference.identifier.loc.start.line }));
}

/**
 * Walks the import graph from `entryFile` (whose text may be given, as ESLint has it) and returns
 * every Node-only use it reaches: `{ file, line, message, chain, entryLine }`, where `chain` lists
 * the files from the entry to `file` and `entryLine` is the entry's import that starts it.
 */
function findNodeOnlyUses(entryFile, entryText) {
  const findings = [];
  const seen = new Map([[entryFile, { chain: [entryFile], entryLine: null }]]);
  const queue = [entryFile];
  while (queue.length) {
    const file = queue.shift();
    const { chain, entryLine } = seen.get(file);
    const text = file === entryFile && entryText !== undefined ? entryText : fs.readFileSync(file, 'utf8');
    const { ast, scopeManager, visitorKeys } = parseForESLint(text, {
      filePath: file,
      sourceType: 'module',
      ecmaVersion: 'latest',
      range: true,
      loc: true,
      ecmaFeatures: { jsx: file.endsWith('x') },
    });
    const at = (line) => entryLine ?? line;
    for (const { name, line } of nodeGlobalsOf(scopeManager)) {
      findings.push({ file, line, chain, entryLine: at(line), message: `uses the Node global '${name}'` });
    }
    for (const { specifier, line } of specifiersOf(ast, visitorKeys)) {
      if (isNodeBuiltin(specifier)) {
        findings.push({
          file,
          line,
          chain,
          entryLine: at(line),
          message: `imports the Node module '${specifier}'`,
        });
        continue;
      }
      if (!specifier.startsWith('.')) continue; // a package: its own `browser` field or exports decide
      const target = resolveRelative(file, specifier);
      if (target === null) {
        findings.push({
          file,
          line,
          chain,
          entryLine: at(line),
          message: `imports '${specifier}', which this check cannot resolve to a TypeScript file`,
        });
      } else if (!seen.has(target)) {
        seen.set(target, { chain: [...chain, target], entryLine: at(line) });
        queue.push(target);
      }
    }
  }
  return findings;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'A browser entry must not reach Node built-in modules or Node-only globals through its imports',
    },
    schema: [],
    messages: {
      nodeOnly:
        "{{where}} {{what}}, reached through {{chain}}. A browser entry must not reach Node-only code: keep that module out of the entry's imports, or move its Node part to a module the entry does not import.",
    },
  },
  create(context) {
    return {
      Program() {
        const entry = context.physicalFilename;
        const relative = (file) => path.relative(context.cwd, file).split(path.sep).join('/');
        for (const finding of findNodeOnlyUses(entry, context.sourceCode.text)) {
          context.report({
            loc: { line: finding.entryLine, column: 0 },
            messageId: 'nodeOnly',
            data: {
              where: `${relative(finding.file)}:${finding.line}`,
              what: finding.message,
              chain: finding.chain.map(relative).join(' → '),
            },
          });
        }
      },
    };
  },
};

module.exports = { rule, findNodeOnlyUses, isNodeBuiltin };
