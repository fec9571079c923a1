import type { StepTypeRegistry } from '@weft/core';

/**
 * The step types a command works with: the built-ins, then those of each `--plugin SPEC` (a package
 * name found from the working directory, or a path to a module; see `WeftPlugin` in @weft/core).
 * A plugin that cannot be loaded, or gives a name already there, is an error naming the flag (exit 2;
 * without the usage text, which would bury the one line that says what is wrong).
 */
export async function stepTypeRegistry(pluginSpecs: readonly string[] = []): Promise<StepTypeRegistry> {
  const [{ StepTypeRegistry, loadPlugins, PluginError, WorkflowError }, { builtinStepTypes }] = await Promise.all([import('@weft/core'), import('@weft/step-types')]);
  const registry = new StepTypeRegistry(builtinStepTypes());
  if (pluginSpecs.length === 0) return registry;
  let plugins: Awaited<ReturnType<typeof loadPlugins>>;
  try {
    plugins = await loadPlugins(pluginSpecs, process.cwd(), registry);
  } catch (error) {
    if (error instanceof PluginError) throw new WorkflowError(`--plugin: ${error.message}`);
    throw error;
  }
  for (const plugin of plugins) for (const handler of plugin.stepTypes) registry.register(handler);
  return registry;
}
