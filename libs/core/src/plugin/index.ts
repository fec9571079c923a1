export * from './weft-plugin';
export {
  type LoadedPlugin,
  type RegisteredStepTypes,
  loadPlugin,
  loadPlugins,
  pluginStepTypes,
  stepTypeHandlerProblem,
} from './load-plugin';
