import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StepTypeHandler } from '../step-type/step-type';
import { nodeLoader } from './import-module';
import { PluginError } from './weft-plugin';

/** A plugin module, loaded: where it was found and the step types it gives. */
export interface LoadedPlugin {
  /** The spec as given: a package name or a path. */
  readonly spec: string;
  /** The file that was imported (the spec itself when only an `import` export condition resolves it). */
  readonly resolvedPath: string;
  /** Its step types, checked to be handlers with distinct names. */
  readonly stepTypes: StepTypeHandler<any>[];
}

/** Step-type names already there (a registry, or the names themselves) that plugins may not reuse. */
export type RegisteredStepTypes = { names(): readonly string[] } | Iterable<string>;

const DOCS = 'see docs/plugins.md';

/**
 * Loads one plugin module, found like Node finds a module from `fromDir`: a path (`./x.mjs`,
 * `../x.cjs`, `/abs/x.js`, `file:` URL) relative to `fromDir`, else a package name looked up in
 * the `node_modules` folders from `fromDir` up. The module is loaded with `import()`, so ES modules
 * and CommonJS modules both work; it must export `stepTypes` (named, or on its default export), see
 * {@link WeftPlugin}.
 *
 * @throws PluginError naming the spec and saying how to fix it: not found (`not_found`), threw on
 *   import (`load_failed`), no step types (`no_step_types`), an entry that is not a handler
 *   (`invalid_step_type`), one name twice (`duplicate_step_type`).
 */
export async function loadPlugin(spec: string, fromDir: string = process.cwd()): Promise<LoadedPlugin> {
  const dir = resolve(fromDir);
  const file = resolveSpec(spec, dir);
  const resolvedPath = file ?? spec.trim();
  let exported: Record<string, unknown>;
  try {
    exported = await nodeLoader(dir).import(file ? pathToFileURL(file).href : resolvedPath);
  } catch (error) {
    throw new PluginError('load_failed', spec, `cannot load plugin '${spec}' (${resolvedPath}): ${firstLine(error)}`, { cause: error });
  }
  const stepTypes = await pluginStepTypes(exported, spec);
  return { spec, resolvedPath, stepTypes };
}

/**
 * Loads plugins in order ({@link loadPlugin}) and checks that no two give the same step-type name,
 * and, when `registered` is given (a registry or names: the built-ins, the host's own), that none
 * reuses a name already there. Nothing is registered: add each plugin's `stepTypes` to the registry.
 *
 * @throws PluginError as {@link loadPlugin} does, or `duplicate_step_type` naming both plugins.
 */
export async function loadPlugins(
  specs: readonly string[],
  fromDir: string = process.cwd(),
  registered?: RegisteredStepTypes,
): Promise<LoadedPlugin[]> {
  const taken = new Map<string, string | null>(); // step-type name → spec of the plugin giving it, null: registered
  for (const name of registeredNames(registered)) taken.set(name, null);
  const loaded: LoadedPlugin[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec)) throw new PluginError('duplicate_step_type', spec, `plugin '${spec}' is given twice: give each plugin once`);
    seen.add(spec);
    const plugin = await loadPlugin(spec, fromDir);
    for (const { name } of plugin.stepTypes) {
      if (!taken.has(name)) continue;
      const other = taken.get(name);
      throw new PluginError(
        'duplicate_step_type',
        spec,
        other === null
          ? `plugin '${spec}' gives step type '${name}', which is already registered (built in or by the host): a plugin cannot replace a step type; rename it in the plugin`
          : `plugins '${other}' and '${spec}' both give step type '${name}': load only one of them`,
      );
    }
    for (const { name } of plugin.stepTypes) taken.set(name, spec);
    loaded.push(plugin);
  }
  return loaded;
}

/**
 * The step types an already imported plugin module (or {@link WeftPlugin} object) gives: its
 * `stepTypes` (named export, or on its default export), called when it is a function, each entry
 * checked to be a handler and the names distinct. For hosts that import plugins themselves, e.g.
 * `WeftModule.forRoot({ plugins: [await import('@weft/plugin-http')] })`.
 *
 * @param spec names the plugin in error messages
 * @throws PluginError (`no_step_types`, `invalid_step_type`, `duplicate_step_type`, `load_failed`
 *   when `stepTypes()` throws)
 */
export async function pluginStepTypes(exported: unknown, spec = 'plugin'): Promise<StepTypeHandler<any>[]> {
  const source = stepTypesExport(exported);
  let handlers: unknown = source;
  if (typeof source === 'function') {
    try {
      handlers = await (source as () => unknown)();
    } catch (error) {
      throw new PluginError('load_failed', spec, `plugin '${spec}': its stepTypes() threw: ${firstLine(error)}`, { cause: error });
    }
  }
  if (source === undefined || !Array.isArray(handlers) || handlers.length === 0) {
    const got = source === undefined ? 'exports no stepTypes' : `exports stepTypes as ${describe(handlers)}`;
    throw new PluginError('no_step_types', spec, `plugin '${spec}' ${got}: a plugin exports stepTypes, an array of step-type handlers; ${DOCS}`);
  }
  const names = new Map<string, number>();
  handlers.forEach((handler: unknown, index) => {
    const problem = stepTypeHandlerProblem(handler);
    if (problem) {
      throw new PluginError('invalid_step_type', spec, `plugin '${spec}': stepTypes[${index}] is not a step-type handler: ${problem}; ${DOCS}`);
    }
    const { name } = handler as StepTypeHandler;
    const first = names.get(name);
    if (first !== undefined) {
      throw new PluginError('duplicate_step_type', spec, `plugin '${spec}' gives step type '${name}' twice (stepTypes[${first}] and stepTypes[${index}])`);
    }
    names.set(name, index);
  });
  return [...(handlers as StepTypeHandler<any>[])];
}

/**
 * Why `value` is not a step-type handler, or undefined when it is one: it needs `name` and
 * `description` (strings), `configSchema` (a zod schema: something with `safeParse`) and `run()`;
 * `codeFields` and `pathFields`, when there, are lists of field names and `codeReferenceHint` a function.
 */
export function stepTypeHandlerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return `it is ${describe(value)}; a handler is an object with name, description, configSchema and run()`;
  }
  const handler = value as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof handler.name !== 'string' || handler.name.trim() === '') missing.push('name (the `type:` value, a non-empty string)');
  if (typeof handler.description !== 'string') missing.push('description (a string)');
  if (typeof (handler.configSchema as { safeParse?: unknown } | null | undefined)?.safeParse !== 'function') {
    missing.push('configSchema (a zod schema, with safeParse)');
  }
  if (typeof handler.run !== 'function') missing.push('run(context)');
  for (const list of ['codeFields', 'pathFields'] as const) {
    const fields = handler[list];
    if (fields !== undefined && !(Array.isArray(fields) && fields.every((field) => typeof field === 'string'))) {
      missing.push(`${list} as a list of field names`);
    }
  }
  if (handler.codeReferenceHint !== undefined && typeof handler.codeReferenceHint !== 'function') {
    missing.push('codeReferenceHint as a function');
  }
  if (missing.length === 0) return undefined;
  const named = typeof handler.name === 'string' && handler.name ? ` ('${handler.name}')` : '';
  return `it${named} needs ${missing.join(', ')}`;
}

/** `stepTypes` of a module namespace, of its default export, or of a CommonJS default's default. */
function stepTypesExport(exported: unknown): unknown {
  let candidate = exported;
  for (let depth = 0; depth < 3 && isObject(candidate); depth++) {
    if (candidate.stepTypes !== undefined) return candidate.stepTypes;
    candidate = candidate.default;
  }
  return undefined;
}

function registeredNames(registered: RegisteredStepTypes | undefined): Iterable<string> {
  if (!registered) return [];
  const withNames = registered as { names?: unknown };
  return typeof withNames.names === 'function' ? (withNames.names as () => readonly string[])() : (registered as Iterable<string>);
}

/** A path spec (relative, absolute, `file:` URL) as opposed to a package name. */
function isPathSpec(spec: string): boolean {
  return /^\.\.?([/\\]|$)/.test(spec) || spec.startsWith('file:') || isAbsolute(spec);
}

/**
 * The file `spec` names from `dir`, as `require.resolve` finds it; undefined for a package whose
 * `exports` only has an `import` condition (the import resolves it then).
 */
function resolveSpec(spec: string, dir: string): string | undefined {
  const trimmed = spec.trim();
  if (trimmed === '') throw new PluginError('not_found', spec, `a plugin spec is empty: give a package name or a path to a module`);
  const path = isPathSpec(trimmed);
  let target = trimmed;
  if (trimmed.startsWith('file:')) {
    try {
      target = fileURLToPath(trimmed);
    } catch (error) {
      throw new PluginError('not_found', spec, `cannot find plugin '${spec}': ${firstLine(error)}; give a path or a package name`);
    }
  }
  try {
    return nodeLoader(dir).resolve(target);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' && !path) return undefined; // maybe an `import`-only package
    if (path) {
      const file = resolve(dir, target);
      throw new PluginError(
        'not_found',
        spec,
        `cannot find plugin '${spec}' from ${dir}: no module at ${file}; give the path of a .js, .mjs or .cjs file (relative paths start from ${dir}) or a package name`,
        { cause: error },
      );
    }
    const reason = firstLine(error);
    const other = code === 'MODULE_NOT_FOUND' && reason.startsWith(`Cannot find module '${target}'`) ? '' : ` (${reason})`;
    throw new PluginError(
      'not_found',
      spec,
      `cannot find plugin '${spec}' from ${dir}${other}: install it (npm install ${trimmed}) or give a path`,
      { cause: error },
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/** The first line of an error's message (errors of plugins may come from another realm: no instanceof). */
function firstLine(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' && message ? message : String(error);
  return text.split('\n')[0].trim();
}
