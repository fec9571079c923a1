// Public surface of @weft/server: what an app embedding Weft, or a plugin, may use.
export { WeftModule } from './weft.module.js';
export { type WeftModuleOptions, type ResolvedWeftOptions, WEFT_OPTIONS } from './weft-options.js';
export { configureWeftApp, type ConfigureWeftAppOptions } from './configure-app.js';
export { createWeftServer } from './create-app.js';
export { loadServerConfig, isLoopback, ServerConfigError, type ServerConfig } from './config/server-config.js';
export { StepType, type StepTypeOptions, StepTypesLoader, InvalidStepTypeError } from './step-types/index.js';
export { RunsService } from './runs/runs.service.js';
export type { RunStreamEvent } from './events/run-event.types.js';
