// Public surface of @weft/server: what an app embedding Weft, or a plugin, may use.
export { WeftModule, WEFT_MODULE_OPTIONS, type WeftModuleExtras, type WeftModuleForRootOptions, type WeftModuleAsyncOptions, type WeftPluginEntry } from './weft.module.js';
export {
  type WeftModuleOptions,
  type ResolvedWeftOptions,
  type WeftDatabaseOptions,
  type WeftDashboardOptions,
  type WeftHttpOptions,
  WEFT_OPTIONS,
  packagedDashboardDir,
} from './weft-options.js';
export { configureWeftApp, type ConfigureWeftAppOptions } from './configure-app.js';
export { createWeftServer, type WeftServerSettings } from './create-app.js';
export { createWeftOpenApiDocument } from './openapi.js';
export { loadServerConfig, isLoopback, ServerConfigError, type ServerConfig } from './config/server-config.js';
export { StepType, type StepTypeOptions, StepTypesLoader, InvalidStepTypeError } from './step-types/index.js';
export { ApiTokenGuard, WEFT_AUTH_GUARD } from './auth/api-token.guard.js';
export { WEFT_DATA_SOURCE } from './history/history.module.js';
export { WEFT_PATH } from './http/weft-http.js';
export { RunsService, type StartRunOptions } from './runs/runs.service.js';
export { WorkflowsService } from './workflows/workflows.service.js';
export { HistoryStore } from '@weft/history';
export { LogRecord, logRecord, createPinoLogging, PinoLogger, type PinoLogging, type PinoLoggingOptions } from './logging/index.js';
export type { RunStreamEvent } from './events/run-event.types.js';
