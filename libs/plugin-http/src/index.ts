/**
 * `@weft/plugin-http`: the `http` step type, as a Weft plugin. This entry is what `--plugin
 * @weft/plugin-http` (CLI, worker) and `WEFT_PLUGINS=@weft/plugin-http` (server) load: it exports
 * `stepTypes` and needs no Nest. Nest hosts import `HttpStepTypeModule` from `@weft/plugin-http/nest`.
 */
import type { WeftPlugin } from '@weft/core';
import { HttpStepHandler } from './http-step.handler.js';

export { HttpStepHandler, httpConfigSchema, type HttpStepConfig, type HttpStepOutputs } from './http-step.handler.js';

/** The plugin's step types: `type: http`. */
export const stepTypes: WeftPlugin['stepTypes'] = [new HttpStepHandler()];
