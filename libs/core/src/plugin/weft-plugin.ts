import type { StepTypeHandler } from '../step-type/step-type';

/** The step types of a plugin: the handlers, or a function (sync or async) that makes them. */
export type PluginStepTypes =
  | readonly StepTypeHandler<any>[]
  | (() => readonly StepTypeHandler<any>[] | Promise<readonly StepTypeHandler<any>[]>);

/**
 * A Weft plugin: what a plugin module exports, loaded the same way by the CLI (`--plugin SPEC` on
 * `weft validate | plan | run | worker`), the server (`WEFT_PLUGINS=a,b`) and a Nest app
 * (`WeftModule.forRoot({ plugins: [import * as plugin] })`).
 *
 * **The entry shape.** A plugin is a module — a package name (`@acme/weft-s3`) or a path
 * (`./plugins/s3.mjs`) — whose main entry exports either
 *
 * - `stepTypes` as a named export: `export const stepTypes = [new S3StepType()]`
 *   (CommonJS: `exports.stepTypes = [...]`), or
 * - a default export with `stepTypes`: `export default definePlugin({ stepTypes: [...] })`
 *   (CommonJS: `module.exports = { stepTypes: [...] }`).
 *
 * `stepTypes` is an array of step-type handlers ({@link StepTypeHandler}: `name`, `description`,
 * `configSchema`, `run()`, optionally `codeFields`, `pathFields`, `codeReferenceHint()`), or a
 * function returning one (or a promise of one), called once when the plugin loads. ES modules and
 * CommonJS modules both work. The entry must not need Nest: give a Nest host its own subpath.
 * See docs/plugins.md.
 */
export interface WeftPlugin {
  readonly stepTypes: PluginStepTypes;
}

/**
 * Types a plugin object and returns it as is: `export default definePlugin({ stepTypes: [new X()] })`.
 */
export function definePlugin<const T extends WeftPlugin>(plugin: T): T {
  return plugin;
}

/** What kind of problem a {@link PluginError} is. */
export type PluginErrorCode =
  /** The spec names no package or file that can be found from the folder. */
  | 'not_found'
  /** The module was found but importing it threw (or its `stepTypes()` did). */
  | 'load_failed'
  /** It exports no `stepTypes` (or an empty list). */
  | 'no_step_types'
  /** An entry of `stepTypes` is not a step-type handler. */
  | 'invalid_step_type'
  /** Two plugins (or a plugin and the step types already there) give the same step-type name. */
  | 'duplicate_step_type';

/**
 * A plugin that cannot be used. The message names the plugin (its spec, as the user wrote it), says
 * what is wrong and how to fix it, and fits on one line.
 */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  constructor(
    readonly code: PluginErrorCode,
    /** The plugin's spec as given (package name or path). */
    readonly spec: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
