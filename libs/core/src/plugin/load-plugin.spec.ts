import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StepTypeRegistry } from '../step-type/step-type';
import { loadPlugin, loadPlugins, pluginStepTypes, stepTypeHandlerProblem } from './load-plugin';
import { definePlugin, PluginError } from './weft-plugin';

/** A handler as plugin source text: a schema-like object with safeParse, and a run(). */
const handlerSource = (name: string) =>
  `{ name: '${name}', description: 'd', configSchema: { safeParse: (v) => ({ success: true, data: v }) }, run: async () => ({ ok: true, outputs: { from: '${name}' } }) }`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-plugin-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(relative: string, text: string): string {
  const file = join(dir, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PluginError);
    return error as PluginError;
  }
  throw new Error('expected a PluginError');
}

describe('loadPlugin: the entry shape', () => {
  it('loads an ES module exporting stepTypes, with a path relative to fromDir', async () => {
    write('esm.mjs', `await Promise.resolve();\nexport const stepTypes = [${handlerSource('upper')}];\n`);
    const plugin = await loadPlugin('./esm.mjs', dir);
    expect(plugin.spec).toBe('./esm.mjs');
    expect(plugin.resolvedPath).toBe(join(dir, 'esm.mjs'));
    expect(plugin.stepTypes.map((type) => type.name)).toEqual(['upper']);
    await expect(plugin.stepTypes[0].run({} as never)).resolves.toEqual({ ok: true, outputs: { from: 'upper' } });
  });

  it('loads a CommonJS module (exports.stepTypes, or module.exports = { stepTypes })', async () => {
    write('named.cjs', `exports.stepTypes = [${handlerSource('a')}];\n`);
    write('whole.cjs', `module.exports = { stepTypes: [${handlerSource('b')}] };\n`);
    expect((await loadPlugin('./named.cjs', dir)).stepTypes[0].name).toBe('a');
    expect((await loadPlugin(join(dir, 'whole.cjs'), '/')).stepTypes[0].name).toBe('b');
  });

  it('takes stepTypes from a default export, and calls it when it is a function (sync or async)', async () => {
    write('default.mjs', `export default { stepTypes: [${handlerSource('c')}] };\n`);
    write('function.mjs', `export const stepTypes = async () => [${handlerSource('d')}, ${handlerSource('e')}];\n`);
    write('transpiled.cjs', `Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = { stepTypes: () => [${handlerSource('f')}] };\n`);
    expect((await loadPlugin('./default.mjs', dir)).stepTypes.map((type) => type.name)).toEqual(['c']);
    expect((await loadPlugin('./function.mjs', dir)).stepTypes.map((type) => type.name)).toEqual(['d', 'e']);
    expect((await loadPlugin('./transpiled.cjs', dir)).stepTypes.map((type) => type.name)).toEqual(['f']);
  });

  it('finds a package by name from fromDir (node_modules), also one whose exports only have an import condition', async () => {
    write('app/node_modules/weft-plugin-demo/package.json', JSON.stringify({ name: 'weft-plugin-demo', main: 'main.js' }));
    write('app/node_modules/weft-plugin-demo/main.js', `exports.stepTypes = [${handlerSource('demo')}];\n`);
    write('app/node_modules/@acme/esm-only/package.json', JSON.stringify({ name: '@acme/esm-only', type: 'module', exports: { '.': { import: './index.js' } } }));
    write('app/node_modules/@acme/esm-only/index.js', `export const stepTypes = [${handlerSource('acme')}];\n`);
    mkdirSync(join(dir, 'app/sub'), { recursive: true });
    const demo = await loadPlugin('weft-plugin-demo', join(dir, 'app/sub'));
    expect(demo).toMatchObject({ spec: 'weft-plugin-demo', resolvedPath: join(dir, 'app/node_modules/weft-plugin-demo/main.js') });
    const esmOnly = await loadPlugin('@acme/esm-only', join(dir, 'app'));
    expect(esmOnly.stepTypes[0].name).toBe('acme');
    expect(esmOnly.resolvedPath).toBe('@acme/esm-only');
  });

  it('accepts a file: URL', async () => {
    write('url.mjs', `export const stepTypes = [${handlerSource('url')}];\n`);
    const plugin = await loadPlugin(`file://${join(dir, 'url.mjs')}`, '/');
    expect(plugin.stepTypes[0].name).toBe('url');
  });
});

describe('loadPlugin: what and how to fix', () => {
  it('says a package is not installed, and how to install it', async () => {
    const error = await rejection(loadPlugin('weft-plugin-nowhere', dir));
    expect(error.code).toBe('not_found');
    expect(error.spec).toBe('weft-plugin-nowhere');
    expect(error.message).toBe(`cannot find plugin 'weft-plugin-nowhere' from ${dir}: install it (npm install weft-plugin-nowhere) or give a path`);
  });

  it('says a package that is there but not built cannot be found, and why', async () => {
    write('node_modules/weft-plugin-unbuilt/package.json', JSON.stringify({ name: 'weft-plugin-unbuilt', main: 'dist/index.js' }));
    const error = await rejection(loadPlugin('weft-plugin-unbuilt', dir));
    expect(error.message).toMatch(/^cannot find plugin 'weft-plugin-unbuilt' from .+ \(Cannot find module '.*dist\/index\.js'.*\): install it/);
  });

  it('says a path leads nowhere, and where it looked', async () => {
    const error = await rejection(loadPlugin('./missing.mjs', dir));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe(
      `cannot find plugin './missing.mjs' from ${dir}: no module at ${join(dir, 'missing.mjs')}; give the path of a .js, .mjs or .cjs file (relative paths start from ${dir}) or a package name`,
    );
    expect((await rejection(loadPlugin('  ', dir))).message).toMatch(/a plugin spec is empty/);
  });

  it('gives the first line of the error a module throws on import', async () => {
    write('throws.mjs', `throw new Error('no API key\\nmore detail');\n`);
    write('syntax.cjs', `module.exports = {\n`);
    const error = await rejection(loadPlugin('./throws.mjs', dir));
    expect(error.code).toBe('load_failed');
    expect(error.message).toBe(`cannot load plugin './throws.mjs' (${join(dir, 'throws.mjs')}): no API key`);
    expect((await rejection(loadPlugin('./syntax.cjs', dir))).message).toMatch(/^cannot load plugin '\.\/syntax\.cjs' \(.+\): Unexpected end of input$/);
  });

  it('says what a plugin exports when it is not stepTypes', async () => {
    write('nothing.cjs', 'module.exports = { handlers: [] };\n');
    write('empty.mjs', 'export const stepTypes = [];\n');
    write('object.mjs', `export const stepTypes = ${handlerSource('x')};\n`);
    const hint = 'a plugin exports stepTypes, an array of step-type handlers; see docs/plugins.md';
    expect((await rejection(loadPlugin('./nothing.cjs', dir))).message).toBe(`plugin './nothing.cjs' exports no stepTypes: ${hint}`);
    expect((await rejection(loadPlugin('./empty.mjs', dir))).message).toBe(`plugin './empty.mjs' exports stepTypes as an empty list: ${hint}`);
    const error = await rejection(loadPlugin('./object.mjs', dir));
    expect(error.code).toBe('no_step_types');
    expect(error.message).toBe(`plugin './object.mjs' exports stepTypes as an object: ${hint}`);
  });

  it('says when its stepTypes() throws', async () => {
    write('fn-throws.mjs', `export const stepTypes = () => { throw new Error('bad config'); };\n`);
    const error = await rejection(loadPlugin('./fn-throws.mjs', dir));
    expect(error).toMatchObject({ code: 'load_failed', message: "plugin './fn-throws.mjs': its stepTypes() threw: bad config" });
  });

  it('names the entry that is not a handler and what it lacks', async () => {
    write('bad-entry.mjs', `export const stepTypes = [${handlerSource('ok')}, { name: 'half', run() {} }];\n`);
    const error = await rejection(loadPlugin('./bad-entry.mjs', dir));
    expect(error.code).toBe('invalid_step_type');
    expect(error.message).toBe(
      "plugin './bad-entry.mjs': stepTypes[1] is not a step-type handler: it ('half') needs description (a string), configSchema (a zod schema, with safeParse); see docs/plugins.md",
    );
  });

  it('refuses one name twice in a plugin', async () => {
    write('twice.mjs', `export const stepTypes = [${handlerSource('same')}, ${handlerSource('same')}];\n`);
    const error = await rejection(loadPlugin('./twice.mjs', dir));
    expect(error).toMatchObject({ code: 'duplicate_step_type', message: "plugin './twice.mjs' gives step type 'same' twice (stepTypes[0] and stepTypes[1])" });
  });
});

describe('loadPlugins', () => {
  beforeAll(() => {
    write('p1.mjs', `export const stepTypes = [${handlerSource('one')}, ${handlerSource('shared')}];\n`);
    write('p2.cjs', `exports.stepTypes = [${handlerSource('two')}, ${handlerSource('shared')}];\n`);
    write('p3.cjs', `exports.stepTypes = [${handlerSource('three')}];\n`);
    write('shell.cjs', `exports.stepTypes = [${handlerSource('shell')}];\n`);
  });

  it('loads every plugin in order', async () => {
    const plugins = await loadPlugins(['./p1.mjs', './p3.cjs'], dir);
    expect(plugins.map((plugin) => [plugin.spec, plugin.stepTypes.map((type) => type.name)])).toEqual([
      ['./p1.mjs', ['one', 'shared']],
      ['./p3.cjs', ['three']],
    ]);
    expect(await loadPlugins([], dir)).toEqual([]);
  });

  it('refuses two plugins giving the same step type, naming both', async () => {
    const error = await rejection(loadPlugins(['./p1.mjs', './p2.cjs'], dir));
    expect(error).toMatchObject({ code: 'duplicate_step_type', spec: './p2.cjs' });
    expect(error.message).toBe("plugins './p1.mjs' and './p2.cjs' both give step type 'shared': load only one of them");
    expect((await rejection(loadPlugins(['./p3.cjs', './p3.cjs'], dir))).message).toBe("plugin './p3.cjs' is given twice: give each plugin once");
  });

  it('refuses a name already registered (a registry, or names)', async () => {
    const registry = new StepTypeRegistry([{ name: 'shell', description: '', configSchema: { safeParse: () => ({}) } as never, run: async () => ({ ok: true }) }]);
    const message =
      "plugin './shell.cjs' gives step type 'shell', which is already registered (built in or by the host): a plugin cannot replace a step type; rename it in the plugin";
    expect((await rejection(loadPlugins(['./p3.cjs', './shell.cjs'], dir, registry))).message).toBe(message);
    expect((await rejection(loadPlugins(['./shell.cjs'], dir, ['python', 'shell']))).message).toBe(message);
    await expect(loadPlugins(['./shell.cjs'], dir, ['python'])).resolves.toHaveLength(1);
  });
});

describe('pluginStepTypes and definePlugin', () => {
  it('reads an imported module or a plugin object the same way', async () => {
    const handler = { name: 'x', description: '', configSchema: { safeParse: () => ({}) }, run: async () => ({ ok: true }) };
    const plugin = definePlugin({ stepTypes: [handler as never] });
    expect(plugin.stepTypes).toEqual([handler]);
    expect(await pluginStepTypes(plugin)).toEqual([handler]);
    expect(await pluginStepTypes({ default: plugin })).toEqual([handler]);
    expect(await pluginStepTypes(definePlugin({ stepTypes: async () => [handler as never] }), 'inline')).toEqual([handler]);
    await expect(pluginStepTypes(undefined, 'inline')).rejects.toThrow("plugin 'inline' exports no stepTypes");
  });

  it('says what a value lacks to be a handler', () => {
    expect(stepTypeHandlerProblem({ name: 'x', description: '', configSchema: { safeParse() {} }, run() {} })).toBeUndefined();
    expect(stepTypeHandlerProblem(null)).toBe('it is null; a handler is an object with name, description, configSchema and run()');
    expect(stepTypeHandlerProblem('http')).toMatch(/^it is string "http"/);
    expect(stepTypeHandlerProblem({})).toBe(
      'it needs name (the `type:` value, a non-empty string), description (a string), configSchema (a zod schema, with safeParse), run(context)',
    );
    expect(
      stepTypeHandlerProblem({ name: 'x', description: '', configSchema: { safeParse() {} }, run() {}, codeFields: 'run', pathFields: [1], codeReferenceHint: 'x' }),
    ).toBe("it ('x') needs codeFields as a list of field names, pathFields as a list of field names, codeReferenceHint as a function");
  });
});
