import { createRequire, Module } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Node's own module loading, as seen from a module in a given folder. */
export interface NodeLoader {
  /** `require.resolve(spec)` from the folder: the file a package name or path leads to. */
  resolve(spec: string): string;
  /** `import(specifier)`: a file URL, or a bare specifier resolved from the folder. */
  import(specifier: string): Promise<Record<string, unknown>>;
}

const loaders = new Map<string, NodeLoader>();

/**
 * Node's `require.resolve` and `import()` as a module in `fromDir` has them, so ES modules (top-level
 * await included) and CommonJS modules both load, and names resolve exactly as Node resolves them.
 *
 * Writing `import(x)` here would not do: this package compiles to CommonJS, where TypeScript turns
 * it into `require(x)` (esbuild does the same when it bundles the CLI); and `new Function('return
 * import(x)')` fails in code Node did not load itself (the CLI's bundle runs through `vm.Script`
 * for its code cache, without a dynamic-import callback). A small module compiled by Node's own
 * CommonJS loader always has both (also under a test runner that replaces `require`).
 */
export function nodeLoader(fromDir: string): NodeLoader {
  let loader = loaders.get(fromDir);
  if (!loader) {
    loader = makeLoader(fromDir);
    loaders.set(fromDir, loader);
  }
  return loader;
}

type ModuleInternals = Module & { _compile(code: string, file: string): void; paths: string[] };
type ModuleStatics = { _nodeModulePaths?: (dir: string) => string[] };

function makeLoader(fromDir: string): NodeLoader {
  const filename = join(fromDir, 'weft-plugin-loader.cjs');
  try {
    const helper = new Module(filename) as ModuleInternals;
    helper.filename = filename;
    helper.paths = (Module as unknown as ModuleStatics)._nodeModulePaths?.(fromDir) ?? [];
    helper._compile('module.exports = { resolve: (spec) => require.resolve(spec), import: (specifier) => import(specifier) };', filename);
    const exported = helper.exports as Partial<NodeLoader>;
    if (typeof exported.resolve === 'function' && typeof exported.import === 'function') {
      return withRequireFallback(exported as NodeLoader, fromDir);
    }
  } catch {
    // Module#_compile is missing or refused: fall through
  }
  const require = createRequire(filename);
  return withRequireFallback(
    { resolve: (spec) => require.resolve(spec), import: new Function('specifier', 'return import(specifier)') as NodeLoader['import'] },
    fromDir,
  );
}

/** Where `import()` is not available (an unusual host), Node 20.19+ can still require() an ES module. */
function withRequireFallback(loader: NodeLoader, fromDir: string): NodeLoader {
  return {
    resolve: loader.resolve,
    async import(specifier) {
      try {
        return await loader.import(specifier);
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw error;
        const target = specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier;
        return createRequire(join(fromDir, 'noop.js'))(target) as Record<string, unknown>;
      }
    },
  };
}
